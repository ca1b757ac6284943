import * as path from 'path';
import { Worker } from 'worker_threads';
import type { GraphLayoutOptions } from './graphProtocol';
import type { LayoutInput } from './layout';
import type { GraphLayout } from './protocol';

/**
 * Runs ELK in one long-lived worker thread (dist/layoutWorker.js), started on
 * the first layout and kept warm for the next panels. Layout happens on the
 * extension side rather than in the webview so that it runs while the webview is
 * still loading, is computed once per graph shape (status changes never re-lay
 * out), and never blocks the extension host or the page.
 */
export class LayoutService {
  private worker: Worker | undefined;
  private nextRequest = 1;
  private readonly pending = new Map<number, { resolve(layout: GraphLayout): void; reject(error: Error): void }>();

  constructor(private readonly distFolder: string) {}

  layout(input: LayoutInput, options?: GraphLayoutOptions): Promise<GraphLayout> {
    const worker = this.ensureWorker();
    const requestId = this.nextRequest++;
    return new Promise<GraphLayout>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      worker.postMessage({ requestId, input, options });
    });
  }

  /**
   * Starts the worker and runs ELK once on a tiny graph, so the first real layout
   * does not also pay for loading and compiling ELK. Called when a panel opens,
   * while its graph is still on its way from the server.
   */
  warm(): void {
    if (this.worker) return;
    this.layout({ tasks: [{ nodeId: 0, name: 'a', kind: 'function' }, { nodeId: 1, name: 'b', kind: 'function' }], edges: [{ source: 0, target: 1 }] }).catch(() => undefined);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.distFolder, 'layoutWorker.js'));
    worker.on('message', (message: { requestId: number; layout?: GraphLayout; error?: string }) => {
      const waiting = this.pending.get(message.requestId);
      if (!waiting) return;
      this.pending.delete(message.requestId);
      if (message.layout) waiting.resolve(message.layout);
      else waiting.reject(new Error(`laying out the graph failed: ${message.error ?? 'unknown error'}`));
    });
    const failAll = (error: Error) => {
      this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => failAll(new Error(`the layout worker failed: ${error.message}`)));
    worker.on('exit', (code) => {
      if (this.worker === worker) failAll(new Error(`the layout worker stopped (exit code ${code})`));
    });
    // Idle workers must not keep the extension host alive at shutdown.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    for (const waiting of this.pending.values()) waiting.reject(new Error('the layout service was disposed'));
    this.pending.clear();
  }
}
