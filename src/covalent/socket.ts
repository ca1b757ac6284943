import WebSocket from 'ws';
import { Emitter } from '../util/events';
import { normalizeAddress } from './servers';

/**
 * A minimal socket.io client (Engine.IO v4 over a WebSocket, default namespace)
 * for the Covalent server's `/socket.io` channel. The server's events are only
 * hints to refresh early; what matters most here is knowing at once when the
 * connection drops (the server stopped) and coming back on our own with backoff.
 */
export interface SocketOptions {
  /** The server's http(s) address; a path in it (a gateway's `/covalent`) is kept. */
  readonly baseUrl: string;
  readonly token?: () => Promise<string | undefined> | string | undefined;
  /** Backoff steps between reconnect attempts, in ms; the last repeats. */
  readonly backoffMs?: readonly number[];
  /**
   * How long a new connection may take to join the namespace (upgrade, Engine.IO
   * open, socket.io connect) before it is closed and tried again (default 10 s).
   */
  readonly openTimeoutMs?: number;
}

export type SocketState = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface SocketEvent {
  readonly name: string;
  readonly data: unknown;
}

const DEFAULT_BACKOFF = [250, 500, 1000, 2000];
const DEFAULT_OPEN_TIMEOUT_MS = 10000;

export class CovalentSocket {
  private socket: WebSocket | undefined;
  private stateValue: SocketState = 'disconnected';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** Runs from the connection attempt until the namespace is joined. */
  private openTimer: NodeJS.Timeout | undefined;
  private heartbeatWindowMs = 45000;
  private closed = false;
  private readonly stateChanges = new Emitter<SocketState>();
  private readonly events = new Emitter<SocketEvent>();

  readonly onDidChangeState = this.stateChanges.event;
  readonly onEvent = this.events.event;

  constructor(private readonly options: SocketOptions) {}

  get state(): SocketState {
    return this.stateValue;
  }

  /** Connects, and keeps reconnecting after drops until `dispose`. */
  start(): void {
    if (this.closed || this.socket || this.reconnectTimer) return;
    void this.connect();
  }

  /** Tries again now instead of waiting for the backoff (e.g. after the server was seen answering). */
  retryNow(): void {
    if (this.closed || this.stateValue === 'connected' || this.stateValue === 'connecting') return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.setState('connecting');
    // Appended, not resolved: `new URL('/socket.io/', base)` would drop a path prefix.
    const url = new URL(`${normalizeAddress(this.options.baseUrl)}/socket.io/`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('EIO', '4');
    url.searchParams.set('transport', 'websocket');
    let token: string | undefined;
    try {
      token = await this.options.token?.();
    } catch {
      token = undefined;
    }
    if (this.closed) return;
    const socket = new WebSocket(url.toString(), { headers: token ? { authorization: `Bearer ${token}` } : {}, handshakeTimeout: 5000 });
    this.socket = socket;
    // An upgrade that is accepted and then silent (no Engine.IO open, no namespace
    // answer) would otherwise hang in 'connecting' for good: give up and retry.
    this.openTimer = setTimeout(() => socket.terminate(), this.options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS);
    socket.on('message', (data) => this.receive(socket, messageText(data)));
    socket.on('close', () => this.dropped(socket));
    // 'close' follows 'error'; the error itself needs no handling beyond that.
    socket.on('error', () => undefined);
  }

  private receive(socket: WebSocket, packet: string): void {
    const type = packet[0];
    const payload = packet.slice(1);
    switch (type) {
      case '0': {
        // Engine.IO open: learn the heartbeat, then join the default namespace.
        const open = safeJson(payload) as { pingInterval?: number; pingTimeout?: number } | undefined;
        if (open?.pingInterval && open.pingTimeout) this.heartbeatWindowMs = open.pingInterval + open.pingTimeout;
        this.armHeartbeat(socket);
        socket.send('40');
        break;
      }
      case '2':
        this.armHeartbeat(socket);
        socket.send('3');
        break;
      case '1':
        socket.terminate();
        break;
      case '4':
        this.receiveSocketIo(socket, payload);
        break;
      default:
        break;
    }
  }

  private receiveSocketIo(socket: WebSocket, packet: string): void {
    const type = packet[0];
    if (type === '0') {
      clearTimeout(this.openTimer);
      this.attempt = 0;
      this.setState('connected');
    } else if (type === '2') {
      // EVENT: `2["name", data]` (an optional ack id would precede the list).
      const list = safeJson(packet.slice(packet.indexOf('['))) as unknown[] | undefined;
      if (Array.isArray(list) && typeof list[0] === 'string') this.events.fire({ name: list[0], data: list[1] });
    } else if (type === '1' || type === '4') {
      // The server closed the namespace or refused it: start over.
      socket.terminate();
    }
  }

  /** No ping from the server for a whole interval + timeout: the connection is dead. */
  private armHeartbeat(socket: WebSocket): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => socket.terminate(), this.heartbeatWindowMs);
  }

  private dropped(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.openTimer);
    if (this.closed) return;
    this.setState('disconnected');
    const steps = this.options.backoffMs ?? DEFAULT_BACKOFF;
    const delay = steps[Math.min(this.attempt, steps.length - 1)];
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private setState(state: SocketState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.stateChanges.fire(state);
  }

  dispose(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.openTimer);
    this.socket?.terminate();
    this.socket = undefined;
    this.setState('closed');
    this.stateChanges.dispose();
    this.events.dispose();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A frame's text: ws hands frames over as one buffer, a list of fragments, or an ArrayBuffer. */
function messageText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(new Uint8Array(data)).toString('utf8');
}
