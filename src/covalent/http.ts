import { performance } from 'perf_hooks';
import { HttpStatusError, InvalidResponseError, ServerTimeoutError, ServerUnreachableError } from './errors';
import type { Validator } from './validate';

/**
 * The HTTP primitives every Covalent call goes through: one base address, a
 * timeout on every request, the optional auth token, and typed errors. No
 * `vscode` here, so it runs (and tests) in plain Node.
 */
export interface HttpOptions {
  /** The server's address without a trailing slash, e.g. `http://localhost:48008`. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Returns the bearer token for remote servers (from SecretStorage), or undefined. */
  readonly token?: () => Promise<string | undefined> | string | undefined;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  readonly body?: unknown;
  /** Overrides the client's timeout for one slow call. */
  readonly timeoutMs?: number;
}

export class CovalentHttp {
  /** Requests sent since creation: the load benchmark and tests read it. */
  requestCount = 0;

  constructor(readonly options: HttpOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** A full URL for a path (`/api/v2/...`) or an absolute URL the server gave us. */
  url(pathOrUrl: string, query?: RequestOptions['query']): string {
    const url = /^https?:\/\//.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(this.options.baseUrl + pathOrUrl);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item));
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** JSON from the server, checked against `validate` before anyone sees it. */
  async json<T>(path: string, validate: Validator<T>, options: RequestOptions = {}): Promise<T> {
    const { url, response, text } = await this.send(path, options);
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const looksLike = /html/i.test(contentType) || /^\s*</.test(text) ? 'HTML' : contentType || 'text';
      throw new InvalidResponseError(url, `expected JSON, got ${looksLike}: ${preview(text)}`);
    }
    const result = validate(parsed, '');
    if (!result.ok) throw new InvalidResponseError(url, result.problem);
    return result.value;
  }

  /** Raw bytes (asset files such as `.tobj` archives and logs). */
  async bytes(path: string, options: RequestOptions = {}): Promise<Uint8Array> {
    const { bytes } = await this.send(path, options, true);
    return bytes;
  }

  async text(path: string, options: RequestOptions = {}): Promise<string> {
    return (await this.send(path, options)).text;
  }

  private async send(path: string, options: RequestOptions, binary = false): Promise<{ url: string; response: Response; text: string; bytes: Uint8Array }> {
    const url = this.url(path, options.query);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = await this.options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    this.requestCount++;
    try {
      let response: Response;
      try {
        response = await fetch(url, { method: options.method ?? 'GET', headers, body, signal: abort.signal });
      } catch (error) {
        if (abort.signal.aborted) throw new ServerTimeoutError(url, timeoutMs);
        throw new ServerUnreachableError(url, networkReason(error));
      }
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        if (abort.signal.aborted) throw new ServerTimeoutError(url, timeoutMs);
        throw new ServerUnreachableError(url, networkReason(error));
      }
      const text = binary && response.ok ? '' : new TextDecoder().decode(bytes);
      if (!response.ok) throw new HttpStatusError(url, response.status, errorDetail(text));
      return { url, response, text, bytes };
    } finally {
      clearTimeout(timer);
      forgetResourceTiming(url);
    }
  }
}

/**
 * Node's fetch records every request in the process-wide performance timeline,
 * which keeps the first 250 (in the extension host, shared with every extension).
 * A bulk status URL carries 100 dispatch ids (~5 KB), so those entries held over
 * 1 MB for nothing. Ours are removed once recorded (a turn after the body is read).
 */
function forgetResourceTiming(url: string): void {
  setImmediate(() => performance.clearResourceTimings?.(url));
}

/** FastAPI puts its reason in `detail`; anything else is shown shortened. */
function errorDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as { detail?: unknown };
    if (typeof parsed.detail === 'string') return parsed.detail;
    if (parsed.detail !== undefined) return preview(JSON.stringify(parsed.detail));
  } catch {
    // Not JSON: fall through.
  }
  return preview(text);
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat || '(empty)';
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
