// An authenticating reverse proxy in front of a real Covalent server, as a team
// would put one: every request (REST, asset transfers, the socket.io websocket)
// must carry `Authorization: Bearer <token>`; the others get 401 (no token) or
// 403 (another token) and never reach the server. It counts what it refuses and
// what it lets through, by kind, so tests can say "zero refused requests", and the
// bytes of each asset it sends back, so they can say what was downloaded.
// The token is stripped before forwarding: the server never sees it.
//
// Its own two paths answer without a token (loopback test tool only):
//   GET  /__proxy/stats   the counters as JSON
//   POST /__proxy/reset   zeroes them
'use strict';
const http = require('http');
const net = require('net');
const crypto = require('crypto');

const CONTROL_PREFIX = '/__proxy/';
const UPSTREAM_AGENT = new http.Agent({ keepAlive: false });

function emptyStats() {
  // assetBytes: bytes of asset bodies sent back, by path (a value's download shows there).
  return { refused: 0, forwarded: 0, assets: 0, websockets: 0, refusedPaths: [], assetBytes: {} };
}

/** What a request is, for the counters: an asset transfer, the socket.io channel, or REST. */
function kindOf(path) {
  if (path.startsWith('/api/v0/files/')) return 'asset';
  if (path.startsWith('/socket.io/')) return 'socket';
  return 'rest';
}

class AuthProxy {
  constructor({ target, token }) {
    this.target = new URL(target);
    this.token = token;
    this.stats = emptyStats();
    this.sockets = new Set();
  }

  /** 0: let through; else the status it refuses with. */
  verdict(headers) {
    const match = /^Bearer\s+(.+)$/i.exec(headers.authorization || '');
    if (!match) return 401;
    const given = Buffer.from(match[1].trim());
    const wanted = Buffer.from(this.token);
    return given.length === wanted.length && crypto.timingSafeEqual(given, wanted) ? 0 : 403;
  }

  refuse(method, path, status) {
    this.stats.refused++;
    if (this.stats.refusedPaths.length < 50) this.stats.refusedPaths.push(`${status} ${method} ${path}`);
  }

  count(path) {
    this.stats.forwarded++;
    const kind = kindOf(path);
    if (kind === 'asset') this.stats.assets++;
    if (kind === 'socket') this.stats.websockets++;
  }

  forwardedHeaders(headers) {
    const result = { ...headers, host: this.target.host };
    delete result.authorization;
    return result;
  }

  handle(request, response) {
    const path = request.url || '/';
    if (path.startsWith(CONTROL_PREFIX)) return this.control(request, response, path);
    const status = this.verdict(request.headers);
    if (status) {
      this.refuse(request.method, path, status);
      request.resume();
      response.writeHead(status, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      response.end(JSON.stringify({ detail: status === 401 ? 'a bearer token is required' : 'this token is not accepted' }));
      return;
    }
    this.count(path);
    const upstream = http.request(
      // A fresh upstream connection per request: a kept-alive one the server closes as it is reused
      // would answer the client 502 (ECONNRESET), a failure of the proxy, not of what is tested.
      { host: this.target.hostname, port: this.target.port, method: request.method, path, headers: this.forwardedHeaders(request.headers), agent: UPSTREAM_AGENT },
      (answer) => {
        response.writeHead(answer.statusCode || 502, answer.headers);
        if (kindOf(path) === 'asset') {
          const key = path.split('?')[0];
          answer.on('data', (chunk) => {
            if (key in this.stats.assetBytes || Object.keys(this.stats.assetBytes).length < 500) this.stats.assetBytes[key] = (this.stats.assetBytes[key] || 0) + chunk.length;
          });
        }
        answer.pipe(response);
      },
    );
    // A client that goes away mid-request (ECONNRESET) ends the upstream request too, and nothing else.
    request.on('error', () => upstream.destroy());
    response.on('error', () => upstream.destroy());
    upstream.on('error', (error) => {
      if (response.destroyed) return;
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`proxy: ${error.message}`);
    });
    request.pipe(upstream);
  }

  control(request, response, path) {
    if (path === `${CONTROL_PREFIX}reset` && request.method === 'POST') this.stats = emptyStats();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(this.stats));
  }

  /** The socket.io websocket: checked like any request, then piped both ways as bytes. */
  upgrade(request, socket, head) {
    const path = request.url || '/';
    const status = this.verdict(request.headers);
    // The socket leaves the HTTP server's care here: a client that resets it must not bring the harness down.
    socket.on('error', () => socket.destroy());
    if (status) {
      this.refuse('UPGRADE', path, status);
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    this.count(path);
    const upstream = net.connect(Number(this.target.port), this.target.hostname, () => {
      const headers = this.forwardedHeaders(request.headers);
      const lines = [`${request.method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head && head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', close);
    socket.on('error', close);
    upstream.on('close', close);
    socket.on('close', close);
  }

  /** Listens on a free loopback port; resolves with the proxy's address. */
  start() {
    this.server = http.createServer((request, response) => this.handle(request, response));
    this.server.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.address = `http://127.0.0.1:${this.server.address().port}`;
        resolve(this.address);
      });
    });
  }

  /** Closes every connection (websockets included) and the listener. */
  stop() {
    if (!this.server) return Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** What the editor's tests need to reach it. */
  describe() {
    return { COVALENT_TEST_PROXY: this.address, COVALENT_TEST_PROXY_TOKEN: this.token };
  }
}

/** A proxy in front of `target` with a fresh random token. */
async function startAuthProxy(target) {
  const proxy = new AuthProxy({ target, token: crypto.randomBytes(24).toString('base64url') });
  await proxy.start();
  return proxy;
}

module.exports = { AuthProxy, startAuthProxy };
