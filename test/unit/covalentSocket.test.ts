import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { WebSocketServer, type WebSocket } from 'ws';
import { type SecretStore, ServerConnections, tokenKey } from '../../src/covalent/connections';
import { CovalentSocket, type SocketEvent, type SocketState } from '../../src/covalent/socket';
import { DispatchStore } from '../../src/store/dispatchStore';
import { StatusPoller } from '../../src/live/statusPoller';
import { openSocketChannel } from '../../src/live/statusChannel';
import { waitFor } from '../support/wait';

interface Upgrade {
  readonly url: string;
  readonly authorization?: string;
}

/**
 * A socket.io endpoint speaking Engine.IO v4 over a WebSocket, as python-socketio
 * does, at `prefix` (a server behind a gateway path) and answering the REST
 * status poll there too. Every upgrade request is recorded.
 */
async function engineIoServer(prefix = ''): Promise<{ address: string; sockets: WebSocket[]; received: string[]; upgrades: Upgrade[]; close(): Promise<void> }> {
  const httpServer = http.createServer((request, response) => {
    const known = new URL(request.url ?? '/', 'http://localhost').pathname === `${prefix}/api/v2/dispatches`;
    response.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
    response.end(known ? JSON.stringify({ dispatches: [], metadata: { count: 0 } }) : '{"detail":"Not Found"}');
  });
  const server = new WebSocketServer({ server: httpServer, path: `${prefix}/socket.io/` });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const sockets: WebSocket[] = [];
  const received: string[] = [];
  const upgrades: Upgrade[] = [];
  server.on('connection', (socket, request) => {
    upgrades.push({ url: request.url ?? '', authorization: request.headers.authorization });
    assert.ok(request.url?.includes('EIO=4'));
    assert.ok(request.url?.includes('transport=websocket'));
    sockets.push(socket);
    socket.send('0{"sid":"e1","upgrades":[],"pingInterval":300,"pingTimeout":300}');
    socket.on('message', (data) => {
      const packet = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      received.push(packet);
      if (packet === '40') {
        socket.send('40{"sid":"s1"}');
        socket.send('2');
        socket.send('42["result-update",{"dispatch_id":"d"}]');
      }
    });
  });
  return {
    address: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}${prefix}`,
    sockets,
    received,
    upgrades,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close();
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}

/** A secret store holding fixed tokens. */
function secretsOf(values: Record<string, string>): SecretStore {
  return {
    get: (key) => Promise.resolve(values[key]),
    store: () => Promise.resolve(),
    delete: () => Promise.resolve(),
    onDidChange: () => ({ dispose: () => undefined }),
  };
}

describe('CovalentSocket (socket.io over ws)', () => {
  it('joins the namespace, answers pings, passes events on, and reconnects after a drop', async () => {
    const server = await engineIoServer();
    const socket = new CovalentSocket({ baseUrl: server.address, backoffMs: [50] });
    const states: SocketState[] = [];
    const events: SocketEvent[] = [];
    socket.onDidChangeState((state) => states.push(state));
    socket.onEvent((event) => events.push(event));
    try {
      socket.start();
      await waitFor('the event and the answered ping', () => events.length === 1 && server.received.length >= 2, 3000, 10);
      assert.deepStrictEqual(events[0], { name: 'result-update', data: { dispatch_id: 'd' } });
      assert.deepStrictEqual(server.received.slice(0, 2), ['40', '3'], 'joined the default namespace, then answered the ping');
      server.sockets[0]?.terminate();
      await waitFor('the reconnection', () => server.sockets.length === 2 && socket.state === 'connected', 3000, 10);
      assert.deepStrictEqual(states, ['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    } finally {
      socket.dispose();
      await server.close();
    }
  });

  it('drops a connection whose server stops pinging', async () => {
    const server = await engineIoServer();
    const socket = new CovalentSocket({ baseUrl: server.address, backoffMs: [10000] });
    try {
      socket.start();
      await waitFor('the connection', () => socket.state === 'connected', 3000, 10);
      // The server pinged once; with a 300 + 300 ms window and no more pings, the client gives up.
      await waitFor('the drop', () => socket.state === 'disconnected', 2000, 10);
    } finally {
      socket.dispose();
      await server.close();
    }
  });

  it('keeps the path of a server behind a gateway and sends its bearer token with the upgrade', async () => {
    const server = await engineIoServer('/covalent');
    const socket = new CovalentSocket({ baseUrl: `${server.address}/`, token: () => 's3cret', backoffMs: [50] });
    try {
      socket.start();
      await waitFor('the connection', () => socket.state === 'connected', 3000, 10);
      assert.strictEqual(new URL(server.upgrades[0]?.url ?? '', 'http://x').pathname, '/covalent/socket.io/');
      assert.strictEqual(server.upgrades[0]?.authorization, 'Bearer s3cret');
    } finally {
      socket.dispose();
      await server.close();
    }
  });

  it('the poller connects the channel of a server at a path with the token kept for that address', async () => {
    const server = await engineIoServer('/covalent');
    const connections = new ServerConnections({ timeoutMs: () => 1000, secrets: secretsOf({ [tokenKey(server.address)]: 'gateway-token' }) });
    const poller = new StatusPoller({ store: new DispatchStore(), connections, openChannel: openSocketChannel }, { address: server.address, requestTimeoutMs: 1000, pollIntervalMs: 100 });
    try {
      poller.start();
      await waitFor('the channel', () => poller.socketState === 'connected', 3000, 10);
      assert.deepStrictEqual(
        server.upgrades.map((upgrade) => [new URL(upgrade.url, 'http://x').pathname, upgrade.authorization]),
        [['/covalent/socket.io/', 'Bearer gateway-token']],
      );
    } finally {
      poller.dispose();
      connections.dispose();
      await server.close();
    }
  });

  it('closes a connection that upgrades and then says nothing, and tries again later', async () => {
    // Accepts the WebSocket upgrade, then never sends the Engine.IO open packet (a proxy that swallows frames).
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/socket.io/' });
    await new Promise<void>((resolve) => silent.once('listening', () => resolve()));
    let upgrades = 0;
    const closed: number[] = [];
    silent.on('connection', (connection) => {
      const index = upgrades++;
      connection.on('close', () => closed.push(index));
    });
    const socket = new CovalentSocket({ baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, openTimeoutMs: 200, backoffMs: [100] });
    const states: SocketState[] = [];
    socket.onDidChangeState((state) => states.push(state));
    try {
      socket.start();
      await waitFor('a second attempt', () => upgrades >= 2, 3000, 10);
      await waitFor('the first connection closed', () => closed.includes(0), 1000, 10);
      assert.deepStrictEqual(states.slice(0, 3), ['connecting', 'disconnected', 'connecting']);
    } finally {
      socket.dispose();
      for (const client of silent.clients) client.terminate();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('closes a connection whose server opens Engine.IO but never lets it join the namespace', async () => {
    const mute = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/socket.io/' });
    await new Promise<void>((resolve) => mute.once('listening', () => resolve()));
    let upgrades = 0;
    mute.on('connection', (connection) => {
      upgrades++;
      // Open, with a long heartbeat window, then silence: the '40' is never answered.
      connection.send('0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
    });
    const socket = new CovalentSocket({ baseUrl: `http://127.0.0.1:${(mute.address() as AddressInfo).port}`, openTimeoutMs: 200, backoffMs: [100] });
    try {
      socket.start();
      await waitFor('a second attempt', () => upgrades >= 2, 3000, 10);
      assert.notStrictEqual(socket.state, 'connected');
    } finally {
      socket.dispose();
      for (const client of mute.clients) client.terminate();
      await new Promise<void>((resolve) => mute.close(() => resolve()));
    }
  });
});
