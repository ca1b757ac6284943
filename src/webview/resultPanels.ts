import * as vscode from 'vscode';
import type { ResultDetailsReader } from '../covalent/resultDetails';
import { type GraphLayoutOptions, type GraphViewState, parseGraphViewState } from './graphProtocol';
import type { LayoutInput } from './layout';
import { LayoutService } from './layoutService';
import type { PanelHost, PanelServices } from './panelHost';
import { panelResourceRoots, picturesRootOf } from './panelHtml';
import { PreviewPanel, previewKey, type PreviewTarget } from './previewPanel';
import { parsePersistedPreview } from './previewProtocol';
import { parsePersistedState, type GraphLayout } from './protocol';
import { ResultPanel } from './resultPanel';
import { fromPerson } from '../util/invocation';
import { Commands, PanelTypes } from '../util/commandIds';


/**
 * The result panels, one per dispatch, and the graph previews, one per lattice:
 * opening, focusing, restoring after a window reload, and what panels share
 * (the layout worker, cached layouts).
 */
export class ResultPanels implements PanelHost, vscode.Disposable {
  private readonly panels = new Map<string, ResultPanel>();
  private readonly previews = new Map<string, PreviewPanel>();
  /** Layouts of recently shown graph shapes: re-opening a panel skips ELK. */
  private readonly layoutCache = new Map<string, GraphLayout>();
  readonly layouts: LayoutService;
  private readonly serializers: vscode.Disposable[];

  /** Where result panels write the pictures of drawn values. */
  readonly picturesRoot: vscode.Uri;

  constructor(readonly services: PanelServices) {
    this.picturesRoot = picturesRootOf(services.extension.globalStorageUri);
    // Pictures of panels from a session that ended without closing them.
    void Promise.resolve(vscode.workspace.fs.delete(this.picturesRoot, { recursive: true, useTrash: false })).catch(() => undefined);
    this.layouts = new LayoutService(vscode.Uri.joinPath(services.extension.extensionUri, 'dist').fsPath);
    // Registered at activation so a panel left open is restored after a window reload.
    this.serializers = [
      vscode.window.registerWebviewPanelSerializer(PanelTypes.result, {
        deserializeWebviewPanel: (panel, state) => {
          this.restore(panel, state);
          return Promise.resolve();
        },
      }),
      vscode.window.registerWebviewPanelSerializer(PanelTypes.preview, {
        deserializeWebviewPanel: (panel, state) => {
          this.restorePreview(panel, state);
          return Promise.resolve();
        },
      }),
    ];
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
    return this.adopt(panel, restored.dispatchId, restored.selectedNodeId, restored.view, restored.serverAddress);
  }

  /**
   * Opens the panel of a dispatch, or focuses it when it is open. `serverAddress`
   * names its server when the store may not know the dispatch yet (a sublattice's
   * or a parent's, found from a panel of another server).
   */
  open(dispatchId: string, serverAddress?: string): ResultPanel {
    const existing = this.panels.get(dispatchId);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PanelTypes.result, `Covalent ${dispatchId.slice(0, 8)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: panelResourceRoots(this.services.extension.extensionUri, this.picturesRoot),
    });
    return this.adopt(panel, dispatchId, undefined, undefined, serverAddress);
  }

  get(dispatchId: string): ResultPanel | undefined {
    return this.panels.get(dispatchId);
  }

  /** Opens the graph preview of a lattice, or focuses it when it is open (a new build updates it). */
  openPreview(target: PreviewTarget, args: string): PreviewPanel {
    const existing = this.previews.get(previewKey(target));
    if (existing) {
      existing.webviewPanel.reveal(undefined, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PanelTypes.preview, `Preview ${target.lattice}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: panelResourceRoots(this.services.extension.extensionUri),
    });
    return this.adoptPreview(panel, target, args);
  }

  preview(target: PreviewTarget): PreviewPanel | undefined {
    return this.previews.get(previewKey(target));
  }

  /**
   * A preview VS Code kept across a window reload: its graph is built again from
   * the lattice and inputs its page saved, unless the workspace is not trusted
   * (building it runs the workspace's Python).
   */
  restorePreview(panel: vscode.WebviewPanel, state: unknown): PreviewPanel | undefined {
    const restored = parsePersistedPreview(state);
    const target = restored && { uri: vscode.Uri.parse(restored.uri), lattice: restored.lattice };
    if (!restored || !target || this.previews.has(previewKey(target))) {
      panel.dispose();
      return undefined;
    }
    const view = typeof state === 'object' && state !== null ? parseGraphViewState((state as { view?: unknown }).view) : undefined;
    const preview = this.adoptPreview(panel, target, restored.args, restored.selectedNodeId, view);
    if (!vscode.workspace.isTrusted) {
      preview.failed(restored.args, new Error('Building the graph runs Python from this workspace, which is in Restricted Mode. Trust the workspace, then press Preview Again.'));
    } else {
      void vscode.commands.executeCommand(Commands.previewGraph, fromPerson('panel', { uri: restored.uri, lattice: restored.lattice, args: restored.args }));
    }
    return preview;
  }

  all(): ResultPanel[] {
    return [...this.panels.values()];
  }

  /** Lays a graph out for `options`; a shape laid out recently (either kind of panel) comes from the cache. */
  async layoutFor(key: string, graph: LayoutInput, options: GraphLayoutOptions): Promise<GraphLayout> {
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

  private adoptPreview(webviewPanel: vscode.WebviewPanel, target: PreviewTarget, args: string, selectedNodeId?: number, view?: GraphViewState): PreviewPanel {
    webviewPanel.webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(this.services.extension.extensionUri) };
    const preview = new PreviewPanel(this, webviewPanel, target, args, selectedNodeId, view);
    const key = previewKey(target);
    this.previews.set(key, preview);
    webviewPanel.onDidDispose(() => {
      if (this.previews.get(key) === preview) this.previews.delete(key);
      preview.dispose();
    });
    return preview;
  }

  private adopt(webviewPanel: vscode.WebviewPanel, dispatchId: string, selectedNodeId?: number, view?: GraphViewState, serverAddress?: string): ResultPanel {
    webviewPanel.webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(this.services.extension.extensionUri, this.picturesRoot) };
    const panel = new ResultPanel(this, webviewPanel, dispatchId, { selectedNodeId, restoredView: view, serverAddress });
    this.panels.set(dispatchId, panel);
    webviewPanel.onDidDispose(() => {
      if (this.panels.get(dispatchId) === panel) this.panels.delete(dispatchId);
      panel.dispose();
    });
    return panel;
  }

  dispose(): void {
    for (const serializer of this.serializers) serializer.dispose();
    for (const panel of [...this.panels.values(), ...this.previews.values()]) panel.close();
    this.panels.clear();
    this.previews.clear();
    this.layouts.dispose();
  }
}
