import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { type SecretStore, ServerConnections, tokenKey } from '../../src/covalent/connections';
import { DispatchStore } from '../../src/store/dispatchStore';
import { LiveStatus } from '../../src/store/liveStatus';
import { Emitter } from '../../src/util/events';

/** SecretStorage's behaviour in memory: it counts reads and says when a key changed. */
class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  reads = 0;
  private readonly changes = new Emitter<{ readonly key: string }>();
  readonly onDidChange = this.changes.event;

  get(key: string): Promise<string | undefined> {
    this.reads++;
    return Promise.resolve(this.values.get(key));
  }

  store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.changes.fire({ key });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.values.delete(key);
    this.changes.fire({ key });
    return Promise.resolve();
  }
}

/** A Covalent-shaped server that records the Authorization header of every request. */
async function recordingServer(): Promise<{ address: string; authorizations: (string | undefined)[]; close(): Promise<void> }> {
  const authorizations: (string | undefined)[] = [];
  const server = http.createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ dispatches: [], metadata: { count: 0 } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('ServerConnections (one client per server, with its token)', () => {
  it('hands out one client per address, whatever trailing slashes, and a new one when the timeout setting changes', () => {
    let timeoutMs = 1000;
    const connections = new ServerConnections({ timeoutMs: () => timeoutMs });
    const client = connections.client('http://a.test:48008/');
    assert.strictEqual(connections.client('http://a.test:48008'), client);
    assert.strictEqual(client.address, 'http://a.test:48008');
    assert.strictEqual(client.details, connections.client('http://a.test:48008').details, 'one details reader (and manifest cache) per server');
    assert.notStrictEqual(connections.client('http://b.test:48008'), client);
    timeoutMs = 2000;
    const longer = connections.client('http://a.test:48008');
    assert.notStrictEqual(longer, client);
    assert.strictEqual(longer.http.options.timeoutMs, 2000);
  });

  it('sends each server its own token, reads it once, and again after it changed', async () => {
    const first = await recordingServer();
    const second = await recordingServer();
    try {
      const secrets = new MemorySecrets();
      const connections = new ServerConnections({ timeoutMs: () => 2000, secrets });
      await connections.setToken(first.address, 'first-token');
      const changed: string[] = [];
      connections.onDidChangeToken((address) => changed.push(address));
      await connections.client(first.address).ping();
      await connections.client(first.address).ping();
      await connections.client(second.address).ping();
      assert.deepStrictEqual(first.authorizations, ['Bearer first-token', 'Bearer first-token']);
      assert.deepStrictEqual(second.authorizations, [undefined], 'no token for a server that has none');
      assert.strictEqual(secrets.reads, 2, 'one read per server, not per request');

      await connections.setToken(first.address, 'rotated');
      assert.deepStrictEqual(changed, [first.address]);
      await connections.client(first.address).details.exists('d');
      assert.strictEqual(first.authorizations.at(-1), 'Bearer rotated');
      assert.strictEqual(secrets.values.get(tokenKey(`${first.address}/`)), 'rotated', 'the key ignores trailing slashes');

      await connections.setToken(first.address, undefined);
      await connections.client(first.address).ping();
      assert.strictEqual(first.authorizations.at(-1), undefined, 'a removed token is no longer sent');
      connections.dispose();
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('gives the poller the same client, so its status requests carry the token too', async () => {
    const server = await recordingServer();
    const secrets = new MemorySecrets();
    const connections = new ServerConnections({ timeoutMs: () => 2000, secrets });
    await connections.setToken(server.address, 'poll-token');
    const live = new LiveStatus(new DispatchStore(), { address: server.address, requestTimeoutMs: 2000, pollIntervalMs: 100, useSocket: false, connections });
    try {
      assert.strictEqual(live.client, connections.client(server.address));
      await live.tickNow();
      assert.ok(server.authorizations.length > 0 && server.authorizations.every((header) => header === 'Bearer poll-token'), String(server.authorizations));
    } finally {
      live.dispose();
      await server.close();
    }
  });
});
