import type * as vscode from 'vscode';
import { type HostMessage, type PanMeasurement, parseWebviewMessage, type RenderReport, type WebviewMessage } from './protocol';

/** Messages that replace the previous one of their type: only the newest is worth sending. */
const LATEST_ONLY = new Set<HostMessage['type']>(['header', 'graph', 'tasks']);

/**
 * The message channel between a result panel and its page: messages wait until
 * the page says it is ready, every message from the page is validated before it
 * reaches the panel, and the test and benchmark probes get their answers.
 */
export class PanelChannel {
  private ready = false;
  private readonly queue: HostMessage[] = [];
  private nextRequest = 1;
  private readonly probes = new Map<number, (report: RenderReport) => void>();
  private readonly panProbes = new Map<number, (measurement: PanMeasurement) => void>();
  private closed = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly webview: vscode.Webview,
    handle: (message: WebviewMessage) => void,
    warn: (text: string) => void,
  ) {
    this.subscription = webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseWebviewMessage(raw);
      if (!message) warn(`ignored a message the panel does not know: ${preview(raw)}`);
      else if (message.type === 'rendered') this.settle(this.probes, message.requestId, message.report);
      else if (message.type === 'panMeasured') this.settle(this.panProbes, message.requestId, message.measurement);
      else handle(message);
    });
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The page loaded: send what waited, except header, graph and tasks, which the panel sends fresh. */
  markReady(): void {
    this.ready = true;
    for (const queued of this.queue.splice(0)) if (!LATEST_ONLY.has(queued.type)) void this.webview.postMessage(queued);
  }

  post(message: HostMessage): void {
    if (this.closed) return;
    if (this.ready) {
      void this.webview.postMessage(message);
      return;
    }
    if (LATEST_ONLY.has(message.type)) {
      this.drop(message.type);
      // A new graph carries its statuses: older task updates are moot.
      if (message.type === 'graph') this.drop('tasks');
    }
    this.queue.push(message);
  }

  /** What the page itself says it has drawn (tests). */
  probe(timeoutMs: number): Promise<RenderReport> {
    const requestId = this.nextRequest++;
    return this.roundTrip(this.probes, requestId, { type: 'probe', requestId }, timeoutMs, 'report what it drew');
  }

  /** Frame times while the page pans or zooms the graph (benchmark). */
  measurePan(frames: number, timeoutMs: number, gesture: 'pan' | 'zoom'): Promise<PanMeasurement> {
    const requestId = this.nextRequest++;
    return this.roundTrip(this.panProbes, requestId, { type: 'measurePan', requestId, frames, gesture }, timeoutMs, `measure ${gesture === 'pan' ? 'panning' : 'zooming'}`);
  }

  close(): void {
    this.closed = true;
    this.subscription.dispose();
  }

  private drop(type: HostMessage['type']): void {
    for (let index = this.queue.length - 1; index >= 0; index--) if (this.queue[index]?.type === type) this.queue.splice(index, 1);
  }

  private settle<T>(waiting: Map<number, (value: T) => void>, requestId: number, value: T): void {
    waiting.get(requestId)?.(value);
    waiting.delete(requestId);
  }

  private roundTrip<T>(waiting: Map<number, (value: T) => void>, requestId: number, message: HostMessage, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(requestId);
        reject(new Error(`the result panel's webview did not ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(requestId, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
      this.post(message);
    });
  }
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
