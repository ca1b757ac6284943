import { type Disposable, Emitter } from '../util/events';
import { type ClientOptions, CovalentClient } from './client';
import { normalizeAddress, tokenTravelsInClear } from './servers';

/**
 * One `CovalentClient` per server address, each carrying that server's token: the
 * only place clients are made, so every request (status polls, graphs, result
 * details, redispatch's stored sources) goes out with the same token and timeout.
 * Tokens live in a secret store (VS Code's SecretStorage has this shape); each is
 * read once and again when the store says it changed.
 * No `vscode` here: it tests in plain Node.
 */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  readonly onDidChange: (listener: (event: { readonly key: string }) => unknown) => Disposable;
}

export interface ServerConnectionsOptions {
  /** The request timeout, read each time a client is handed out (the setting may change). */
  readonly timeoutMs: () => number;
  /** Where tokens are kept; without one no request carries a token. */
  readonly secrets?: SecretStore;
  /** Options for the clients' details readers (tests make values small). */
  readonly details?: ClientOptions['details'];
}

const TOKEN_KEY_PREFIX = 'covalent.serverToken:';

/** The secret-store key of a server's token: one per address, never in settings or logs. */
export function tokenKey(address: string): string {
  return `${TOKEN_KEY_PREFIX}${normalizeAddress(address)}`;
}

export class ServerConnections implements Disposable {
  private readonly clients = new Map<string, CovalentClient>();
  private readonly tokens = new Map<string, Promise<string | undefined>>();
  private readonly tokenChanges = new Emitter<string>();
  private readonly clearTextWarnings = new Emitter<string>();
  /** Addresses already warned about: the warning comes once per address. */
  private readonly warnedInClear = new Set<string>();
  private readonly secretsSubscription: Disposable | undefined;

  /** Fires with a server's address when its token was set or removed. */
  readonly onDidChangeToken = this.tokenChanges.event;
  /**
   * Fires once per address, the first time a token is about to go to it over plain
   * http to another machine (anyone on the way can read it).
   */
  readonly onTokenInClear = this.clearTextWarnings.event;

  constructor(private readonly options: ServerConnectionsOptions) {
    this.secretsSubscription = options.secrets?.onDidChange(({ key }) => {
      if (!key.startsWith(TOKEN_KEY_PREFIX)) return;
      const address = key.slice(TOKEN_KEY_PREFIX.length);
      this.tokens.delete(address);
      this.tokenChanges.fire(address);
    });
  }

  /** The client of `address` (trailing slashes ignored); a new one when the timeout setting changed. */
  client(address: string): CovalentClient {
    const baseUrl = normalizeAddress(address);
    const timeoutMs = this.options.timeoutMs();
    let client = this.clients.get(baseUrl);
    if (!client || client.http.options.timeoutMs !== timeoutMs) {
      client = new CovalentClient({ baseUrl, timeoutMs, token: () => this.tokenOf(baseUrl), details: this.options.details });
      this.clients.set(baseUrl, client);
    }
    return client;
  }

  /** Keeps (or, with no token, removes) the token of `address`. */
  async setToken(address: string, token: string | undefined): Promise<void> {
    const secrets = this.options.secrets;
    if (!secrets) throw new Error('No secret store to keep a server token in.');
    if (token) await secrets.store(tokenKey(address), token);
    else await secrets.delete(tokenKey(address));
  }

  /**
   * The token of `address`, for every request that goes there: the REST client's,
   * the socket.io channel's and the Python bridge's.
   */
  async tokenOf(address: string): Promise<string | undefined> {
    const baseUrl = normalizeAddress(address);
    const token = await this.storedToken(baseUrl);
    if (token && !this.warnedInClear.has(baseUrl) && tokenTravelsInClear(baseUrl)) {
      this.warnedInClear.add(baseUrl);
      this.clearTextWarnings.fire(baseUrl);
    }
    return token;
  }

  /** Is a token kept for `address`? */
  async hasToken(address: string): Promise<boolean> {
    return Boolean(await this.storedToken(normalizeAddress(address)));
  }

  private storedToken(baseUrl: string): Promise<string | undefined> {
    const secrets = this.options.secrets;
    if (!secrets) return Promise.resolve(undefined);
    let token = this.tokens.get(baseUrl);
    if (!token) {
      // A store that cannot be read means no token: the server says 401 if it wants one.
      token = Promise.resolve(secrets.get(tokenKey(baseUrl))).then(
        (value) => value,
        () => undefined,
      );
      this.tokens.set(baseUrl, token);
    }
    return token;
  }

  dispose(): void {
    this.secretsSubscription?.dispose();
    this.tokenChanges.dispose();
    this.clearTextWarnings.dispose();
    this.clients.clear();
  }
}
