import * as assert from 'assert';
import type { AddressInfo } from 'net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CovalentSocket, type SocketEvent, type SocketState } from '../../src/covalent/socket';
import { waitFor } from '../support/wait';

/** A socket.io endpoint speaking Engine.IO v4 over a WebSocket, as python-socketio does. */
async function engineIoServer(): Promise<{ address: string; sockets: WebSocket[]; received: string[]; close(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/socket.io/' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const sockets: WebSocket[] = [];
  const received: string[] = [];
  server.on('connection', (socket, request) => {
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
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
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
});
