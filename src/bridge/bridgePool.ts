import type { CancellationToken } from 'vscode-jsonrpc/node';
import { type BridgeLogger, BridgeProcess, type ProgressListener } from './bridgeProcess';
import type { BridgeMethod, BridgeMethods, RequestLimits } from './protocol';

/**
 * One warm bridge per interpreter. A bridge that died is replaced by a fresh one
 * on the next request; `dispose` stops them all (on deactivate).
 */
export class BridgePool {
  private readonly bridges = new Map<string, BridgeProcess>();
  private disposed = false;

  constructor(
    private readonly script: string,
    private readonly logger: BridgeLogger,
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

  /** The running bridge for `python`, started if there is none (or it died). */
  get(python: string): BridgeProcess {
    if (this.disposed) throw new Error('The Covalent extension is shutting down.');
    const existing = this.bridges.get(python);
    if (existing?.alive) return existing;
    const bridge = new BridgeProcess({ python, script: this.script, logger: this.logger, env: this.env });
    this.logger.info(`Starting the Python bridge with ${python} (pid ${bridge.pid ?? 'none'}).`);
    this.bridges.set(python, bridge);
    void bridge.whenExited().then(() => {
      if (this.bridges.get(python) === bridge) this.bridges.delete(python);
    });
    return bridge;
  }

  /** The bridge for `python` if one runs now (it is not started). */
  peek(python: string): BridgeProcess | undefined {
    const existing = this.bridges.get(python);
    return existing?.alive ? existing : undefined;
  }

  request<M extends BridgeMethod>(
    python: string,
    method: M,
    params: BridgeMethods[M][0] & RequestLimits,
    token?: CancellationToken,
    onProgress?: ProgressListener,
  ): Promise<BridgeMethods[M][1]> {
    return this.get(python).request(method, params, token, onProgress);
  }

  async stopAll(): Promise<void> {
    const running = [...this.bridges.values()];
    this.bridges.clear();
    await Promise.all(running.map((bridge) => bridge.stop()));
  }

  /** Resolves when every bridge has stopped. */
  dispose(): Promise<void> {
    this.disposed = true;
    return this.stopAll();
  }
}
