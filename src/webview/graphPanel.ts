import * as vscode from 'vscode';
import { messageOf } from '../util/errors';
import { GraphChannel } from './graphChannel';
import type { GraphViewState } from './graphProtocol';
import type { LayoutInput } from './layout';
import { PanelChannel } from './panelChannel';
import { type PageOptions, panelHtml } from './panelHtml';
import type { GraphLayout, HostMessage, PanelTab, PanMeasurement, RenderReport, WebviewMessage } from './protocol';
import type { PanelHost } from './panelHost';

/** Messages every graph panel answers the same way; the rest are its own. */
type SharedMessage = Extract<WebviewMessage, { type: 'ready' | 'graphView' | 'exported' | 'rendered' | 'panMeasured' | 'drawn' }>;
export type OwnMessage = Exclude<WebviewMessage, SharedMessage>;

/**
 * What a panel showing a graph on the result panel's page does whatever the graph
 * is of (a dispatch, or a workflow not dispatched yet): the page and its
 * validated message channel, the graph's controls and pictures, laying the graph
 * out in the shared worker for the user's choices, and the hooks tests and
 * benchmarks use. Subclasses say what the graph is and answer the rest.
 */
export abstract class GraphPanel {
  protected readonly disposables: vscode.Disposable[] = [];
  protected readonly channel: PanelChannel;
  /** The graph's controls, layout choices and pictures (tests press the controls through it). */
  readonly graphControls: GraphChannel;
  private readonly drawnEmitter = new vscode.EventEmitter<{ nodes: number; at: number }>();
  /** Fires when the webview reports a graph fully drawn (the benchmark listens). */
  readonly onDidDraw = this.drawnEmitter.event;
  protected disposed = false;
  private layoutRun = 0;

  constructor(
    protected readonly owner: PanelHost,
    readonly webviewPanel: vscode.WebviewPanel,
    /** Names the panel in the output channel's lines. */
    private readonly label: string,
    page: PageOptions,
    restoredView?: GraphViewState,
  ) {
    const output = owner.services.output;
    this.graphControls = new GraphChannel(
      {
        post: (message) => this.post(message),
        relayout: () => this.relayout(),
        pictureName: () => this.pictureName(),
        log: (message) => output.info(message),
      },
      restoredView,
    );
    this.channel = new PanelChannel(
      webviewPanel.webview,
      (message) => this.received(message),
      (text) => output.warn(`${label}: ${text}`),
    );
    this.disposables.push(this.graphControls, this.drawnEmitter, { dispose: () => this.channel.close() });
    webviewPanel.webview.html = panelHtml(webviewPanel.webview, owner.services.extension.extensionUri, page);
  }

  reveal(): void {
    this.webviewPanel.reveal();
  }

  close(): void {
    this.webviewPanel.dispose();
  }

  /** Test hook: what the webview itself says it has drawn. */
  probe(timeoutMs = 10000): Promise<RenderReport> {
    return this.channel.probe(timeoutMs);
  }

  /** Benchmark hook: frame times while the webview pans (or zooms) the graph. */
  measurePan(frames: number, timeoutMs = 60000, gesture: 'pan' | 'zoom' = 'pan'): Promise<PanMeasurement> {
    return this.channel.measurePan(frames, timeoutMs, gesture);
  }

  /** Test hook: select a node as a click would. */
  select(nodeId: number): void {
    this.post({ type: 'select', nodeId });
  }

  /** Test hook: switch the side pane's tab as a click would. */
  showTab(tab: PanelTab): void {
    this.post({ type: 'showTab', tab });
  }

  protected post(message: HostMessage): void {
    this.channel.post(message);
  }

  /** The page has loaded: send what it shows. */
  protected abstract pageReady(): void;
  /** The user chose another layout: lay the graph out again. */
  protected abstract relayout(): void;
  /** File name (without extension) offered when saving a picture. */
  protected abstract pictureName(): string;
  /** The page's other messages (a click on a node, a button). */
  protected abstract handle(message: OwnMessage): Promise<void>;

  /** A layout under way is not shown when it ends (what it was for is gone). */
  protected cancelLayout(): void {
    this.layoutRun++;
  }

  /** The page drew a graph of `nodes` nodes in `elapsedMs` (subclasses log it). */
  protected drawn(_nodes: number, _elapsedMs: number): void {}

  /**
   * Lays `input` out with the user's choices (a shape laid out before comes from
   * the registry's cache). `show` runs unless a newer layout started meanwhile or
   * the panel closed; a failure is said where the graph would be.
   */
  protected async layOutGraph(key: string, input: LayoutInput, show: (layout: GraphLayout) => void, failed?: () => void): Promise<void> {
    const run = ++this.layoutRun;
    try {
      const layout = await this.owner.layoutFor(key, input, this.graphControls.layoutOptions);
      if (run !== this.layoutRun || this.disposed) return;
      show(layout);
    } catch (error) {
      if (run !== this.layoutRun) return;
      failed?.();
      this.post({ type: 'graphProblem', message: messageOf(error) });
    }
  }

  private received(message: WebviewMessage): void {
    void this.dispatchMessage(message).catch((error: unknown) => {
      this.owner.services.output.error(`${this.label}: ${message.type} failed: ${messageOf(error)}`);
    });
  }

  private async dispatchMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // What the page shows is sent fresh: queued copies would only draw twice.
        this.channel.markReady();
        this.graphControls.ready();
        this.pageReady();
        return;
      case 'graphView':
      case 'exported':
        this.graphControls.received(message);
        return;
      case 'rendered':
      case 'panMeasured':
        return; // Answered by the channel.
      case 'drawn':
        this.drawn(message.nodes, message.elapsedMs);
        this.drawnEmitter.fire({ nodes: message.nodes, at: Date.now() });
        return;
      default:
        await this.handle(message);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
