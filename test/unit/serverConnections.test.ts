import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { type SecretStore, ServerConnections, tokenKey } from '../../src/covalent/connections';
import { TokenWantedError } from '../../src/covalent/errors';
import { DispatchStore } from '../../src/store/dispatchStore';
import { StatusPoller } from '../../src/live/statusPoller';
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
    const poller = new StatusPoller({ store: new DispatchStore(), connections, openChannel: () => undefined }, { address: server.address, requestTimeoutMs: 2000, pollIntervalMs: 100 });
    try {
      assert.strictEqual(poller.client, connections.client(server.address));
      await poller.tickNow();
      assert.ok(server.authorizations.length > 0 && server.authorizations.every((header) => header === 'Bearer poll-token'), String(server.authorizations));
    } finally {
      poller.dispose();
      await server.close();
    }
  });

  it('says a server that answers 401 or 403 wants a token (or refused the one it got), names the address, and the poller stops knocking on its socket', async () => {
    const token = 'right';
    const requests: string[] = [];
    const guarded = http.createServer((request, response) => {
      requests.push(`${request.headers.authorization ?? '-'} ${request.url ?? ''}`);
      const sent = request.headers.authorization;
      if (sent !== `Bearer ${token}`) {
        response.writeHead(sent ? 403 : 401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ detail: 'no' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ dispatches: [], metadata: { count: 0 } }));
    });
    await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(guarded.address() as AddressInfo).port}`;
    const secrets = new MemorySecrets();
    const connections = new ServerConnections({ timeoutMs: () => 2000, secrets });
    const store = new DispatchStore();
    const poller = new StatusPoller({ store, connections, openChannel: () => undefined }, { address, requestTimeoutMs: 2000, pollIntervalMs: 100, unauthorizedProbeMs: 60000 });
    try {
      const missing = await connections.client(address).ping().then(() => undefined, (error: unknown) => error);
      assert.ok(missing instanceof TokenWantedError);
      assert.strictEqual(missing.serverAddress, address);
      assert.strictEqual(missing.status, 401);
      assert.strictEqual(missing.message, `The Covalent server at ${address} wants a token (it answered 401). Set one with "Covalent: Set Server Token…".`);
      await poller.tickNow();
      assert.strictEqual(store.connection, 'unauthorized');
      assert.strictEqual(store.connectionError, missing.message);

      await connections.setToken(address, 'wrong');
      const refused = await connections.client(address).ping().then(() => undefined, (error: unknown) => error);
      assert.ok(refused instanceof TokenWantedError && refused.tokenSent && refused.status === 403);
      assert.match(refused.message, /refused the token it was sent \(it answered 403\)/);

      await connections.setToken(address, token);
      await poller.tickNow();
      assert.strictEqual(store.connection, 'online');
      assert.strictEqual(requests.at(-1)?.split(' ')[0], 'Bearer');
    } finally {
      poller.dispose();
      connections.dispose();
      guarded.closeAllConnections();
      guarded.close();
    }
  });

  it('warns once per address when a token would go over plain http to another machine, never for https or this machine', async () => {
    const secrets = new MemorySecrets();
    const connections = new ServerConnections({ timeoutMs: () => 500, secrets });
    const warned: string[] = [];
    connections.onTokenInClear((address) => warned.push(address));
    for (const address of ['http://192.0.2.1:48008', 'https://192.0.2.2', 'http://127.0.0.1:1', 'http://192.0.2.3:48008']) await connections.setToken(address, 'secret');
    assert.strictEqual(await connections.tokenOf('http://192.0.2.1:48008/'), 'secret');
    assert.strictEqual(await connections.tokenOf('http://192.0.2.1:48008'), 'secret');
    await connections.tokenOf('https://192.0.2.2');
    await connections.tokenOf('http://127.0.0.1:1');
    await connections.tokenOf('http://192.0.2.4:48008');
    assert.deepStrictEqual(warned, ['http://192.0.2.1:48008'], 'once, and only where a token goes in clear text');
    assert.ok(await connections.hasToken('http://192.0.2.3:48008'));
    assert.ok(!(await connections.hasToken('http://192.0.2.4:48008')));
    connections.dispose();
  });

  it('polls a running dispatch of another server on that server, not the active one', async () => {
    const asked = new Map<string, string[]>();
    const servers = await Promise.all(
      ['active', 'other'].map(async (name) => {
        const server = http.createServer((request, response) => {
          asked.set(name, [...(asked.get(name) ?? []), request.url ?? '']);
          const ids = new URL(request.url ?? '/', 'http://x').searchParams.getAll('dispatch_id');
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ dispatches: ids.map((id) => ({ dispatch_id: id, status: 'RUNNING' })), metadata: { count: ids.length } }));
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        return { server, address: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
      }),
    );
    const [active, other] = servers;
    assert.ok(active && other);
    const store = new DispatchStore();
    const connections = new ServerConnections({ timeoutMs: () => 2000 });
    const poller = new StatusPoller({ store, connections, openChannel: () => undefined }, { address: active.address, requestTimeoutMs: 2000, pollIntervalMs: 100 });
    try {
      store.track('on-other', { serverAddress: other.address, submittedAt: Date.now() });
      store.track('on-active', { serverAddress: active.address, submittedAt: Date.now() });
      await poller.tickNow();
      const idsAsked = (name: string) => (asked.get(name) ?? []).flatMap((url) => new URL(url, 'http://x').searchParams.getAll('dispatch_id'));
      assert.deepStrictEqual([...new Set(idsAsked('active'))], ['on-active']);
      assert.deepStrictEqual([...new Set(idsAsked('other'))], ['on-other']);
      assert.strictEqual(store.get('on-other')?.status, 'RUNNING');
      assert.strictEqual(store.get('on-other')?.serverAddress, other.address);
      assert.deepStrictEqual(poller.watchedDispatches().map((dispatch) => dispatch.dispatchId), ['on-active']);
    } finally {
      poller.dispose();
      connections.dispose();
      for (const { server } of servers) {
        server.closeAllConnections();
        server.close();
      }
    }
  });
});
