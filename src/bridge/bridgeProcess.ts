import { type ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as readline from 'readline';
import {
  type CancellationToken,
  createMessageConnection,
  type MessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import {
  BridgeError,
  type BridgeErrorData,
  type BridgeMethod,
  type BridgeMethods,
  type InitializeResult,
  PROGRESS_NOTIFICATION,
  PROTOCOL_VERSION,
  type RequestLimits,
  type SubmissionProgress,
} from './protocol';

/** Where the bridge's diagnostics go (the "Covalent" output channel in the editor, the console in tests). */
export interface BridgeLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface BridgeOptions {
  /** The interpreter that runs the bridge (and so the user's workflows). */
  readonly python: string;
  /** Path of the bridge's Python package folder (covalent_bridge): Python runs its `__main__.py`. */
  readonly script: string;
  readonly logger: BridgeLogger;
  /** Extra environment for the process (merged over this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Gets a request's progress reports (see SubmissionProgress). */
export type ProgressListener = (report: SubmissionProgress) => void;

/** The application's error code in the bridge, and LSP's "request cancelled". */
const BRIDGE_ERROR_CODE = -32000;
const REQUEST_CANCELLED_CODE = -32800;

/**
 * One running Python bridge: a child process speaking JSON-RPC over its stdin
 * and stdout (vscode-jsonrpc does the framing), its stderr line by line to the
 * logger. When the process dies every pending request fails with `bridgeDied`;
 * the pool starts a fresh process for the next request.
 */
export class BridgeProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly connection: MessageConnection;
  private readonly pending = new Set<(error: BridgeError) => void>();
  /** Progress token → the listener of the request that carries it. */
  private readonly progress = new Map<string, ProgressListener>();
  private progressTokens = 0;
  private exitDescription: string | undefined;
  private readonly exited: Promise<void>;
  /**
   * Resolves once `initialize` answered: the interpreter runs and the script loaded.
   * Rejects (`protocolMismatch`) when the bridge speaks another PROTOCOL_VERSION, and so
   * does every request: the process is left running, since a new one would answer the same.
   */
  readonly ready: Promise<InitializeResult>;

  constructor(private readonly options: BridgeOptions) {
    this.child = spawn(options.python, ['-u', options.script], {
      env: { ...process.env, ...options.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let markExited: () => void = () => undefined;
    this.exited = new Promise<void>((resolve) => (markExited = resolve));
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      this.exitDescription =
        error.code === 'ENOENT' ? `the interpreter ${options.python} does not exist` : `starting ${options.python} failed: ${error.message}`;
      this.failPending('interpreterNotFound');
      markExited();
    });
    this.child.on('exit', (code, signal) => {
      this.exitDescription ??= signal ? `it was killed (${signal})` : `it exited with code ${code}`;
      options.logger.warn(`Python bridge (${options.python}, pid ${this.child.pid}) stopped: ${this.exitDescription}.`);
      this.failPending('bridgeDied');
      markExited();
    });
    readline.createInterface({ input: this.child.stderr }).on('line', (line) => options.logger.info(`[python] ${line}`));
    // A closed pipe after the process died must not crash the extension host.
    this.child.stdin.on('error', () => undefined);

    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onError(([error]: [Error, unknown, number | undefined]) => options.logger.warn(`Python bridge connection: ${error.message}`));
    this.connection.onNotification(PROGRESS_NOTIFICATION, (params: { token?: unknown; value?: unknown }) => this.deliver(params));
    this.connection.listen();
    this.ready = this.send('initialize', {}).then((info) => this.checkVersion(info));
    // Nobody may be awaiting `ready` yet: a failed start is reported to callers of request().
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get python(): string {
    return this.options.python;
  }

  /** False once the process exited or failed to start. */
  get alive(): boolean {
    return this.exitDescription === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a request; `onProgress` gets its progress reports (a dispatch's, a redispatch's) until it is answered. */
  async request<M extends BridgeMethod>(
    method: M,
    params: BridgeMethods[M][0] & RequestLimits,
    token?: CancellationToken,
    onProgress?: ProgressListener,
  ): Promise<BridgeMethods[M][1]> {
    await this.ready;
    if (!onProgress) return this.send(method, params, token);
    const progressToken = `progress-${++this.progressTokens}`;
    this.progress.set(progressToken, onProgress);
    try {
      return await this.send(method, { ...params, progressToken }, token);
    } finally {
      this.progress.delete(progressToken);
    }
  }

  private deliver(params: { token?: unknown; value?: unknown }): void {
    const listener = typeof params?.token === 'string' ? this.progress.get(params.token) : undefined;
    const value = params?.value;
    if (!listener || !value || typeof value !== 'object' || typeof (value as { phase?: unknown }).phase !== 'string') return;
    try {
      listener(value as SubmissionProgress);
    } catch (error) {
      this.options.logger.warn(`A progress listener failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private send<M extends BridgeMethod>(method: M, params: BridgeMethods[M][0] & RequestLimits, token?: CancellationToken): Promise<BridgeMethods[M][1]> {
    if (!this.alive) return Promise.reject(this.diedError(this.child.pid === undefined ? 'interpreterNotFound' : 'bridgeDied'));
    return new Promise<BridgeMethods[M][1]>((resolve, reject) => {
      const onDeath = (error: BridgeError) => reject(error);
      this.pending.add(onDeath);
      // A trailing `undefined` would be sent as a second positional parameter.
      const sent = token
        ? this.connection.sendRequest<BridgeMethods[M][1]>(method, params, token)
        : this.connection.sendRequest<BridgeMethods[M][1]>(method, params);
      sent.then(
        (result) => {
          this.pending.delete(onDeath);
          resolve(result);
        },
        (error: unknown) => {
          this.pending.delete(onDeath);
          reject(this.translate(error));
        },
      );
    });
  }

  private checkVersion(info: InitializeResult): InitializeResult {
    if (info.protocolVersion === PROTOCOL_VERSION) return info;
    const answered = typeof info.protocolVersion === 'number' ? `version ${info.protocolVersion}` : 'no version';
    const error = new BridgeError(
      `The Python bridge (${this.options.script}) speaks protocol ${answered}, but this extension speaks version ${PROTOCOL_VERSION}: ` +
        'the bridge’s files belong to another version of the extension. Reinstall the extension (or rebuild it) and reload the window.',
      { kind: 'protocolMismatch' },
    );
    this.options.logger.error(error.message);
    throw error;
  }

  private translate(error: unknown): Error {
    if (error instanceof ResponseError) {
      if (error.code === BRIDGE_ERROR_CODE && error.data && typeof error.data === 'object') {
        return new BridgeError(error.message, error.data as BridgeErrorData);
      }
      if (error.code === REQUEST_CANCELLED_CODE) {
        // A cancelled submission says what became of the dispatch it had registered.
        const data = error.data && typeof error.data === 'object' ? (error.data as Partial<BridgeErrorData>) : {};
        return new BridgeError('Cancelled.', { ...data, kind: 'cancelled' });
      }
      if (!this.alive) return this.diedError('bridgeDied');
      return new BridgeError(error.message, { kind: 'internal' });
    }
    if (!this.alive) return this.diedError('bridgeDied');
    return error instanceof Error ? error : new Error(String(error));
  }

  private diedError(kind: 'bridgeDied' | 'interpreterNotFound'): BridgeError {
    const why = this.exitDescription ?? 'it is not running';
    const message =
      kind === 'interpreterNotFound'
        ? `The Python interpreter could not be started: ${why}. Choose an interpreter with Covalent installed (Python extension or the covalent.pythonPath setting).`
        : `The Python bridge (${this.options.python}) stopped: ${why}. Nothing more was sent; the next command starts a new bridge.`;
    return new BridgeError(message, { kind });
  }

  private failPending(kind: 'bridgeDied' | 'interpreterNotFound'): void {
    const error = this.diedError(kind);
    for (const reject of [...this.pending]) reject(error);
    this.pending.clear();
    this.connection.dispose();
  }

  /** Ends the process: closes stdin (the bridge exits on EOF), then kills it if it lingers. */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.alive) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Resolves when the process is gone. */
  whenExited(): Promise<void> {
    return this.exited;
  }
}
