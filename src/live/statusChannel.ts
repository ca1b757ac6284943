import { CovalentSocket, type SocketOptions, type SocketState } from '../covalent/socket';
import type { Disposable, Listener } from '../util/events';

/**
 * The server's push channel as the poller sees it: its events only say "look
 * now", its state says at once when the server goes. The poller is handed a way
 * to open one, so it never decides for itself whether there is a channel: the
 * extension opens the socket.io channel, a test or benchmark that counts polling
 * alone opens none.
 */
export interface StatusChannel extends Disposable {
  readonly state: SocketState;
  readonly onDidChangeState: (listener: Listener<SocketState>) => Disposable;
  readonly onEvent: (listener: Listener<unknown>) => Disposable;
  /** Connects, and keeps reconnecting after drops until `dispose`. */
  start(): void;
  /** Tries again now instead of waiting for the backoff (the server was seen answering). */
  retryNow(): void;
}

/** Opens the channel to `address` with the token its client carries; undefined opens none. */
export type OpenStatusChannel = (address: string, token: SocketOptions['token']) => StatusChannel | undefined;

/** The server's socket.io channel: what the extension opens. */
export const openSocketChannel: OpenStatusChannel = (address, token) => new CovalentSocket({ baseUrl: address, token });
