/**
 * What can go wrong talking to a Covalent server, as types a caller can switch on.
 * Every message says what happened and what to do, because views show them as-is.
 */
export type CovalentErrorKind = 'unreachable' | 'timeout' | 'http' | 'invalid';

export abstract class CovalentError extends Error {
  abstract readonly kind: CovalentErrorKind;
  constructor(
    message: string,
    /** The URL asked, without query secrets (tokens never go in URLs). */
    readonly url: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Nothing answered: connection refused, DNS failure, reset. */
export class ServerUnreachableError extends CovalentError {
  readonly kind = 'unreachable';
  constructor(url: string, readonly reason: string) {
    super(`The Covalent server at ${originOf(url)} cannot be reached (${reason}). Start it with \`covalent start\` or check the address in the setting covalent.dispatcherAddress.`, url);
  }
}

export class ServerTimeoutError extends CovalentError {
  readonly kind = 'timeout';
  constructor(url: string, readonly timeoutMs: number) {
    super(`The Covalent server at ${originOf(url)} did not answer within ${timeoutMs} ms. It may be busy; the setting covalent.requestTimeoutMs sets how long to wait.`, url);
  }
}

/** The server answered with a status outside 2xx. */
export class HttpStatusError extends CovalentError {
  readonly kind = 'http';
  constructor(url: string, readonly status: number, readonly detail: string) {
    super(`The Covalent server answered ${status}${detail ? `: ${detail}` : ''} for ${pathOf(url)}.${hintForStatus(status)}`, url);
  }
}

/**
 * The server (or the proxy in front of it) answered 401 or 403: it wants a token,
 * or refused the one it got. `serverAddress` is the address whose token to set.
 */
export class TokenWantedError extends HttpStatusError {
  constructor(
    url: string,
    status: number,
    detail: string,
    readonly serverAddress: string,
    readonly tokenSent: boolean,
  ) {
    super(url, status, detail);
    this.message = tokenWantedMessage(serverAddress, status, tokenSent);
  }
}

/** The one wording of "the server wants a token", for the REST client and the bridge alike. */
export function tokenWantedMessage(serverAddress: string, status: number, tokenSent: boolean): string {
  return tokenSent
    ? `The Covalent server at ${serverAddress} refused the token it was sent (it answered ${status}). Set the right one with "Covalent: Set Server Token…".`
    : `The Covalent server at ${serverAddress} wants a token (it answered ${status}). Set one with "Covalent: Set Server Token…".`;
}

/** 401 and 403: the answers of a server (or its proxy) that wants a token. */
export function meansTokenWanted(status: number | undefined): boolean {
  return status === 401 || status === 403;
}

/** The server does not know the dispatch asked for (its 404 for a dispatch's own endpoint). */
export class UnknownDispatchError extends HttpStatusError {
  constructor(url: string, readonly dispatchId: string, detail: string) {
    super(url, 404, detail);
    this.message = `The Covalent server at ${originOf(url)} does not know dispatch ${dispatchId}.`;
  }
}

/** The server answered 2xx with something that is not what a Covalent server sends. */
export class InvalidResponseError extends CovalentError {
  readonly kind = 'invalid';
  constructor(url: string, readonly problem: string, options: { readonly notJson?: boolean } = {}) {
    const sent = options.notJson ? 'something that is not JSON, so not' : 'a response that is not';
    super(`The server at ${originOf(url)} sent ${sent} what a Covalent 0.240 server sends for ${pathOf(url)} (${problem}). Check that covalent.dispatcherAddress points at a Covalent server.`, url);
  }
}

/** The server sent more than a client reads of one answer: reading stopped there. */
export class ResponseTooLargeError extends CovalentError {
  readonly kind = 'invalid';
  constructor(url: string, readonly limitBytes: number) {
    super(`The server at ${originOf(url)} sent more than ${mebibytes(limitBytes)} for ${pathOf(url)}; reading stopped there. Check that covalent.dispatcherAddress points at a Covalent server.`, url);
  }
}

/** Unreachable and timeout mean "offline"; a 4xx/5xx or garbage means the server is up but unhappy. */
export function meansOffline(error: unknown): boolean {
  return error instanceof ServerUnreachableError || error instanceof ServerTimeoutError;
}

function hintForStatus(status: number): string {
  if (status === 401 || status === 403) return ' Set a token with "Covalent: Set Server Token…".';
  if (status === 404) return ' The dispatch or endpoint does not exist on this server.';
  if (status >= 500) return ' See the server log (`covalent logs`).';
  return '';
}

function mebibytes(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MiB`;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
