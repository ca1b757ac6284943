import * as net from 'net';

/** What a relay does with one connection's bytes: by default it passes them on as they come. */
export interface RelayHooks {
  /** The client's first bytes on a new connection; what it returns is given to `toClient`. */
  opened?(firstChunk: Buffer): unknown;
  /** Delivers the server's bytes to the client (`send` now, or later). */
  toClient?(chunk: Buffer, send: () => void, opened: unknown): void;
  /** How long after the server closes the client's end is closed (ms). */
  closeDelayMs?(opened: unknown): number;
}

export interface TcpRelay {
  readonly address: string;
  /** Connections made through the relay so far. */
  connections(): number;
  close(): void;
}

/** A TCP relay on loopback in front of `target` (an http:// address), one server connection per client connection. */
export async function tcpRelay(target: string, hooks: RelayHooks = {}): Promise<TcpRelay> {
  const upstream = new URL(target);
  let count = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((socket) => {
    count++;
    const server = net.connect(Number(upstream.port), upstream.hostname);
    for (const end of [socket, server]) {
      sockets.add(end);
      end.on('error', () => undefined);
      end.on('close', () => sockets.delete(end));
    }
    let opened: unknown;
    let first = true;
    socket.on('data', (chunk: Buffer) => {
      if (first) opened = hooks.opened?.(chunk);
      first = false;
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      const send = () => socket.write(chunk);
      if (hooks.toClient) hooks.toClient(chunk, send, opened);
      else send();
    });
    socket.on('close', () => server.destroy());
    server.on('close', () => setTimeout(() => socket.destroy(), hooks.closeDelayMs?.(opened) ?? 0));
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(relay.address() as net.AddressInfo).port}`,
    connections: () => count,
    close: () => {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}

/**
 * A relay that holds back, by `delayMs`, the server's answer on any connection whose
 * request registers a dispatch (a slow register); `delayed()` counts those connections.
 */
export async function slowRegisterRelay(target: string, delayMs: number): Promise<TcpRelay & { delayed(): number }> {
  let delayed = 0;
  const registers = (opened: unknown) => opened === true;
  const relay = await tcpRelay(target, {
    opened: (chunk) => {
      const registering = chunk.toString('latin1').startsWith('POST /api/v2/dispatches ');
      if (registering) delayed++;
      return registering;
    },
    toClient: (_chunk, send, opened) => (registers(opened) ? setTimeout(send, delayMs) : send()),
    closeDelayMs: (opened) => (registers(opened) ? delayMs + 100 : 0),
  });
  return { ...relay, delayed: () => delayed };
}
