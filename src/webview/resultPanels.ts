import * as vscode from 'vscode';
import type { ResultDetailsReader } from '../covalent/resultDetails';
import type { SourceLocator } from '../languageClient/sourceLocator';
import type { Core } from '../services';
import type { DispatchGraph } from '../store/types';
import type { LiveStatusViews } from '../views/liveStatusViews';
import type { GraphLayoutOptions, GraphViewState } from './graphProtocol';
import { LayoutService } from './layoutService';
import { panelResourceRoots } from './panelHtml';
import { parsePersistedState, type GraphLayout } from './protocol';
import { ResultPanel } from './resultPanel';

export const RESULT_PANEL_VIEW_TYPE = 'covalent.result';

/** What a panel reads and uses, beside its registry. */
export interface PanelServices extends Pick<Core, 'extension' | 'output' | 'settings' | 'store' | 'servers'> {
  readonly live: Pick<LiveStatusViews, 'live'>;
  readonly locator: SourceLocator;
}

/**
 * The result panels, one per dispatch: opening, focusing, restoring after a
 * window reload, and what panels share (the layout worker, cached layouts).
 */
export class ResultPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ResultPanel>();
  /** Layouts of recently shown graph shapes: re-opening a panel skips ELK. */
  private readonly layoutCache = new Map<string, GraphLayout>();
  readonly layouts: LayoutService;
  private readonly serializer: vscode.Disposable;

  constructor(readonly services: PanelServices) {
    this.layouts = new LayoutService(vscode.Uri.joinPath(services.extension.extensionUri, 'dist').fsPath);
    // Registered at activation so a panel left open is restored after a window reload.
    this.serializer = vscode.window.registerWebviewPanelSerializer(RESULT_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => {
        this.restore(panel, state);
        return Promise.resolve();
      },
    });
  }

  /**
   * A panel VS Code kept across a window reload, with the state its page saved.
   * State that is not a panel's (or a second panel of an open dispatch) is closed.
   */
  restore(panel: vscode.WebviewPanel, state: unknown): ResultPanel | undefined {
    const restored = parsePersistedState(state);
    if (!restored || this.panels.has(restored.dispatchId)) {
      panel.dispose();
      return undefined;
    }
    return this.adopt(panel, restored.dispatchId, restored.selectedNodeId, restored.view);
  }

  /** Opens the panel of a dispatch, or focuses it when it is open. */
  open(dispatchId: string): ResultPanel {
    const existing = this.panels.get(dispatchId);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RESULT_PANEL_VIEW_TYPE, `Covalent ${dispatchId.slice(0, 8)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: panelResourceRoots(this.services.extension.extensionUri),
    });
    return this.adopt(panel, dispatchId);
  }

  get(dispatchId: string): ResultPanel | undefined {
    return this.panels.get(dispatchId);
  }

  all(): ResultPanel[] {
    return [...this.panels.values()];
  }

  async layoutFor(key: string, graph: DispatchGraph, options: GraphLayoutOptions): Promise<GraphLayout> {
    const cached = this.layoutCache.get(key);
    if (cached) return cached;
    const layout = await this.layouts.layout(
      {
        tasks: graph.tasks.map(({ nodeId, name, kind, subDispatchId }) => ({ nodeId, name, kind, subDispatchId })),
        edges: graph.edges.map(({ source, target, label }) => ({ source, target, label })),
      },
      options,
    );
    this.layoutCache.set(key, layout);
    // A few shapes are enough: big layouts hold megabytes.
    for (const oldest of this.layoutCache.keys()) {
      if (this.layoutCache.size <= 8) break;
      this.layoutCache.delete(oldest);
    }
    return layout;
  }

  /** Task and workflow details, through the server's one client (and so its token). */
  reader(serverAddress: string): ResultDetailsReader {
    return this.services.servers.client(serverAddress).details;
  }

  private adopt(webviewPanel: vscode.WebviewPanel, dispatchId: string, selectedNodeId?: number, view?: GraphViewState): ResultPanel {
    webviewPanel.webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(this.services.extension.extensionUri) };
    const panel = new ResultPanel(this, webviewPanel, dispatchId, selectedNodeId, view);
    this.panels.set(dispatchId, panel);
    webviewPanel.onDidDispose(() => {
      if (this.panels.get(dispatchId) === panel) this.panels.delete(dispatchId);
      panel.dispose();
    });
    return panel;
  }

  dispose(): void {
    this.serializer.dispose();
    for (const panel of this.panels.values()) panel.close();
    this.panels.clear();
    this.layouts.dispose();
  }
}
