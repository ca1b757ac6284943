import { performance } from 'perf_hooks';
import { HttpStatusError, InvalidResponseError, meansTokenWanted, ResponseTooLargeError, ServerTimeoutError, ServerUnreachableError, TokenWantedError } from './errors';
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
  /** Most bytes of one answer that are read (default 128 MiB); a longer one is refused, unread. */
  readonly maxResponseBytes?: number;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  readonly body?: unknown;
  /** Overrides the client's timeout for one slow call. */
  readonly timeoutMs?: number;
  /** Extra request headers (a Range, for instance). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Part of a file read with an HTTP Range request. */
export interface ByteRange {
  readonly bytes: Uint8Array;
  /** The whole file's size, when the server said (Content-Range, Content-Length) or sent everything. */
  readonly total?: number;
  /** The file goes on past what was read, by an amount nobody said (a server that ignored Range). */
  readonly more?: boolean;
}

/** A 2xx answer, its body read (as text too, unless binary). */
interface Answer {
  readonly url: string;
  readonly response: Response;
  readonly text: string;
  readonly bytes: Uint8Array;
  /** The body went on past the bytes read (only a Range read accepts that). */
  readonly more: boolean;
}

/** Far above the largest answer seen (a 5,000-task manifest is about 10 MiB). */
const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;
/** Of an error answer only its detail is shown, shortened. */
const ERROR_BODY_BYTES = 64 * 1024;

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
    return (await this.sizedJson(path, validate, options)).value;
  }

  /** `json`, with the size of the body it was read from (caches weigh what they keep by it). */
  async sizedJson<T>(path: string, validate: Validator<T>, options: RequestOptions = {}): Promise<{ value: T; bytes: number }> {
    const { url, response, text, bytes } = await this.send(path, options);
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const looksLike = /html/i.test(contentType) || /^\s*</.test(text) ? 'HTML' : contentType || 'text';
      throw new InvalidResponseError(url, `expected JSON, got ${looksLike}: ${preview(text)}`, { notJson: true });
    }
    const result = validate(parsed, '');
    if (!result.ok) throw new InvalidResponseError(url, result.problem);
    return { value: result.value, bytes: bytes.byteLength };
  }

  async text(path: string, options: RequestOptions = {}): Promise<string> {
    return (await this.send(path, options)).text;
  }

  /**
   * `length` bytes from `start` (HTTP Range), so a large value is never downloaded
   * whole to show its beginning. A server that ignores Range sends everything: it is
   * read only to the asked part's end (the rest is left unread) and the part cut
   * from it. Past the end of the file: nothing.
   */
  async range(path: string, start: number, length: number, options: RequestOptions = {}): Promise<ByteRange> {
    let answer: Answer;
    try {
      const bound = (status: number) => (status === 206 ? length : start + length);
      answer = await this.send(path, { ...options, headers: { ...options.headers, range: `bytes=${start}-${start + length - 1}` } }, bound);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 416) return { bytes: new Uint8Array(), total: start };
      throw error;
    }
    const { response, bytes, more } = answer;
    if (response.status === 206) {
      const total = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '')?.[1];
      return { bytes, total: total ? Number(total) : undefined };
    }
    if (!more) return { bytes: bytes.subarray(start, start + length), total: bytes.byteLength };
    const declared = declaredLength(response);
    return { bytes: bytes.subarray(start, start + length), ...(declared === undefined ? { more: true } : { total: declared }) };
  }

  /**
   * One request and its answer's body, read up to a bound: `rangeBound` (by status)
   * for a binary Range read, which may stop short; else the client's
   * `maxResponseBytes`, past which the answer is refused. Error bodies are read
   * only as far as their detail needs.
   */
  private async send(path: string, options: RequestOptions, rangeBound?: (status: number) => number): Promise<Answer> {
    const binary = rangeBound !== undefined;
    const url = this.url(path, options.query);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    // The token is this server's: never sent to another origin a response may name.
    const token = new URL(url).origin === new URL(this.options.baseUrl).origin ? await this.options.token?.() : undefined;
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
      const maxBytes = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const bound = !response.ok ? Math.min(ERROR_BODY_BYTES, maxBytes) : rangeBound ? Math.min(rangeBound(response.status), maxBytes) : maxBytes;
      let bytes: Uint8Array;
      let more: boolean;
      try {
        ({ bytes, more } = await readBounded(response, bound));
      } catch (error) {
        if (abort.signal.aborted) throw new ServerTimeoutError(url, timeoutMs);
        throw new ServerUnreachableError(url, networkReason(error));
      }
      const text = binary && response.ok ? '' : new TextDecoder().decode(bytes);
      if (meansTokenWanted(response.status)) throw new TokenWantedError(url, response.status, errorDetail(text), this.options.baseUrl, Boolean(token));
      if (!response.ok) throw new HttpStatusError(url, response.status, errorDetail(text));
      if (more && !binary) throw new ResponseTooLargeError(url, bound);
      return { url, response, text, bytes, more };
    } finally {
      clearTimeout(timer);
      forgetResourceTiming(url);
    }
  }
}

/**
 * At most `limit` bytes of a body. When more follows, the rest is not read: the
 * stream is cancelled, which closes the connection.
 */
async function readBounded(response: Response, limit: number): Promise<{ bytes: Uint8Array; more: boolean }> {
  if (!response.body) return { bytes: new Uint8Array(), more: false };
  // Node's types leave the chunks untyped; fetch hands over bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let more = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      size = limit;
      more = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, more };
}

/** The body's size as the server declared it; unknown when it was compressed (fetch hands over the decoded bytes). */
function declaredLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
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
