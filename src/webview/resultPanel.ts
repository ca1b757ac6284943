import * as vscode from 'vscode';
import type { CovalentContext } from '../context';
import { DetailsError, ResultDetailsReader, TaskDetails } from '../covalent/resultDetails';
import { DispatchGraph } from '../store/types';
import { GraphChannel } from './graphChannel';
import { GraphLayoutOptions, GraphViewState, layoutOptionsKey } from './graphProtocol';
import { LayoutService } from './layoutService';
import { compareWithParent, liveTasks, panelHeader, topologyKey } from './model';
import {
  DetailField,
  GraphLayout,
  HostMessage,
  PanelAction,
  PanelTab,
  PanMeasurement,
  parsePersistedState,
  parseWebviewMessage,
  RenderReport,
  TaskDetailsView,
  WebviewMessage,
} from './protocol';

export const RESULT_PANEL_VIEW_TYPE = 'covalent.result';
/** Up to this many tasks the panel reads the manifest at once to find a redispatch's parent. */
const SMALL_GRAPH_TASKS = 200;

/**
 * The result panels, one per dispatch. A panel reads dispatch state and the task
 * graph from the one store (asking the poller to keep the graph fresh while it is
 * open); task details come from the Covalent client's details reader. The webview
 * only displays what it is sent and asks through validated messages.
 */
export class ResultPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ResultPanel>();
  private readonly readers = new Map<string, ResultDetailsReader>();
  readonly layouts: LayoutService;

  constructor(readonly context: CovalentContext) {
    this.layouts = new LayoutService(vscode.Uri.joinPath(context.extension.extensionUri, 'dist').fsPath);
    context.register(
      vscode.window.registerWebviewPanelSerializer(RESULT_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          this.restore(panel, state);
        },
      }),
    );
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
      localResourceRoots: this.resourceRoots(),
    });
    return this.adopt(panel, dispatchId);
  }

  get(dispatchId: string): ResultPanel | undefined {
    return this.panels.get(dispatchId);
  }

  all(): ResultPanel[] {
    return [...this.panels.values()];
  }

  /** Layouts of recently shown graph shapes: re-opening a panel skips ELK. */
  private readonly layoutCache = new Map<string, GraphLayout>();

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
    while (this.layoutCache.size > 8) this.layoutCache.delete(this.layoutCache.keys().next().value as string);
    return layout;
  }

  reader(serverAddress: string): ResultDetailsReader {
    let reader = this.readers.get(serverAddress);
    if (!reader) {
      reader = new ResultDetailsReader({ serverAddress, timeoutMs: this.context.config.requestTimeoutMs });
      this.readers.set(serverAddress, reader);
    }
    return reader;
  }

  resourceRoots(): vscode.Uri[] {
    const root = this.context.extension.extensionUri;
    return [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')];
  }

  private adopt(webviewPanel: vscode.WebviewPanel, dispatchId: string, selectedNodeId?: number, view?: GraphViewState): ResultPanel {
    webviewPanel.webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots() };
    const panel = new ResultPanel(this, webviewPanel, dispatchId, selectedNodeId, view);
    this.panels.set(dispatchId, panel);
    webviewPanel.onDidDispose(() => {
      if (this.panels.get(dispatchId) === panel) this.panels.delete(dispatchId);
      panel.dispose();
    });
    return panel;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.close();
    this.panels.clear();
    this.layouts.dispose();
  }
}

const instances = new WeakMap<CovalentContext, ResultPanels>();

/** The panels of this extension instance; created (and the serializer registered) on first use. */
export function resultPanels(context: CovalentContext): ResultPanels {
  let panels = instances.get(context);
  if (!panels) {
    panels = new ResultPanels(context);
    instances.set(context, panels);
    context.register(panels);
  }
  return panels;
}

/** One panel showing one dispatch. */
export class ResultPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private readonly queue: HostMessage[] = [];
  private layoutKey: string | undefined;
  private layoutRun = 0;
  private layout: GraphLayout | undefined;
  private headerTimer: NodeJS.Timeout | undefined;
  private parentDispatchId: string | undefined;
  /** Set when the server says it does not know this dispatch. */
  private problem: string | undefined;
  private trackedHere = false;
  private parentWatch: { dispose(): void } | undefined;
  private compareWanted = false;
  private nextRequest = 1;
  private readonly probes = new Map<number, (report: RenderReport) => void>();
  private readonly panProbes = new Map<number, (measurement: PanMeasurement) => void>();
  private readonly drawnEmitter = new vscode.EventEmitter<{ nodes: number; at: number }>();
  /** Fires when the webview reports a graph fully drawn (the benchmark listens). */
  readonly onDidDraw = this.drawnEmitter.event;
  private disposed = false;
  /** When this panel was opened, and when its graph reached the store and was laid out (logged once drawn). */
  private readonly openedAt = Date.now();
  private graphArrivedAt: number | undefined;
  private laidOutAt: number | undefined;
  private drawLogged = false;
  /** The graph's controls, layout choices and pictures (tests press the controls through it). */
  readonly graphControls: GraphChannel;

  constructor(
    private readonly owner: ResultPanels,
    readonly webviewPanel: vscode.WebviewPanel,
    readonly dispatchId: string,
    private selectedNodeId?: number,
    restoredView?: GraphViewState,
  ) {
    this.graphControls = new GraphChannel(
      {
        post: (message) => this.post(message),
        relayout: () => this.graphChanged(true),
        pictureName: () => `${this.owner.context.store.get(this.dispatchId)?.name ?? 'graph'}-${this.dispatchId.slice(0, 8)}`,
        log: (message) => this.owner.context.output.info(message),
      },
      restoredView,
    );
    this.disposables.push(this.graphControls);
    const store = owner.context.store;
    // The poller fetches graphs only of watched dispatches; a dispatch it has never
    // heard of is recorded so its status is polled too.
    if (!store.get(dispatchId)) {
      store.track(dispatchId, { serverAddress: owner.context.config.dispatcherAddress });
      this.trackedHere = true;
    }
    this.disposables.push(store.watchGraph(dispatchId), this.drawnEmitter);
    const subscription = store.onDidChange((change) => {
      if (change.kind === 'connection') this.scheduleHeader();
      if (!('dispatchId' in change)) return;
      if (change.dispatchId === this.dispatchId) {
        if (change.kind === 'graph') this.graphChanged();
        else this.scheduleHeader();
      } else if (change.dispatchId === this.parentDispatchId && change.kind === 'graph' && this.compareWanted) {
        void this.sendCompare();
      }
    });
    this.disposables.push({ dispose: () => subscription.dispose() });
    this.disposables.push(webviewPanel.webview.onDidReceiveMessage((message: unknown) => this.received(message)));
    // While the panel is visible the poller runs at its quick interval.
    const demandKey = `panel:${dispatchId}`;
    const setDemand = (visible: boolean) => owner.context.liveStatus?.live.setDemand(demandKey, visible);
    setDemand(webviewPanel.visible);
    this.disposables.push(webviewPanel.onDidChangeViewState((event) => setDemand(event.webviewPanel.visible)), { dispose: () => setDemand(false) });
    if (!store.graph(dispatchId)) owner.layouts.warm();
    webviewPanel.webview.html = this.html();
    this.updateTitle();
    if (this.trackedHere) void this.checkKnown();
    else void this.resolveParentOfSmallGraph();
  }

  get serverAddress(): string {
    return this.owner.context.store.get(this.dispatchId)?.origin?.serverAddress ?? this.owner.context.config.dispatcherAddress;
  }

  reveal(): void {
    this.webviewPanel.reveal();
  }

  close(): void {
    this.webviewPanel.dispose();
  }

  /** Test hook: what the webview itself says it has drawn. */
  probe(timeoutMs = 10000): Promise<RenderReport> {
    const requestId = this.nextRequest++;
    return this.roundTrip(this.probes, requestId, { type: 'probe', requestId }, timeoutMs, 'report what it drew');
  }

  /** Benchmark hook: frame times while the webview pans (or zooms) the graph. */
  measurePan(frames: number, timeoutMs = 60000, gesture: 'pan' | 'zoom' = 'pan'): Promise<PanMeasurement> {
    const requestId = this.nextRequest++;
    return this.roundTrip(this.panProbes, requestId, { type: 'measurePan', requestId, frames, gesture }, timeoutMs, `measure ${gesture === 'pan' ? 'panning' : 'zooming'}`);
  }

  /** Test hook: select a task as a click would. */
  select(nodeId: number): void {
    this.post({ type: 'select', nodeId });
  }

  /** Test hook: press "show all" on a field of the selected task, as a click would. */
  pressShowAll(field: DetailField): void {
    this.post({ type: 'pressShowAll', field });
  }

  /** What the webview's "Open sublattice" and "Go to source" buttons do (tests call these too). */
  openSublattice(nodeId: number): Promise<void> {
    return this.handle({ type: 'openSublattice', nodeId });
  }

  goToTaskSource(nodeId: number): Promise<void> {
    return this.handle({ type: 'goToSource', nodeId });
  }

  /** Test hook: switch the side pane's tab as a click would. */
  showTab(tab: PanelTab): void {
    this.post({ type: 'showTab', tab });
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

  private html(): string {
    const webview = this.webviewPanel.webview;
    const root = this.owner.context.extension.extensionUri;
    const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(root, ...parts)).toString();
    const nonce = createNonce();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'webview.css')}">
<title>Covalent dispatch</title>
</head>
<body data-dispatch-id="${escapeAttribute(this.dispatchId)}" data-selected="${this.selectedNodeId ?? ''}">
<div id="app" role="application" aria-label="Covalent dispatch result"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'main.js')}"></script>
</body>
</html>`;
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    if (!this.ready) {
      // Only the newest header/graph/tasks matter; older ones would be redrawn anyway.
      if (message.type === 'header' || message.type === 'graph' || message.type === 'tasks') {
        const index = this.queue.findIndex((queued) => queued.type === message.type);
        if (index >= 0) this.queue.splice(index, 1);
        if (message.type === 'graph') this.dropQueued('tasks');
      }
      this.queue.push(message);
      return;
    }
    void this.webviewPanel.webview.postMessage(message);
  }

  private dropQueued(type: HostMessage['type']): void {
    for (let index = this.queue.length - 1; index >= 0; index--) if (this.queue[index].type === type) this.queue.splice(index, 1);
  }

  private received(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.owner.context.output.warn(`Result panel ${this.dispatchId}: ignored a message the panel does not know: ${preview(raw)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => {
      this.owner.context.output.error(`Result panel ${this.dispatchId}: ${message.type} failed: ${messageOf(error)}`);
    });
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // Header and graph are sent fresh below; queued copies would only draw twice.
        for (const queued of this.queue.splice(0)) {
          if (queued.type !== 'header' && queued.type !== 'graph' && queued.type !== 'tasks') void this.webviewPanel.webview.postMessage(queued);
        }
        this.graphControls.ready();
        this.sendHeader();
        this.graphChanged(true);
        return;
      case 'select':
        this.selectedNodeId = message.nodeId;
        await this.sendDetails(message.nodeId);
        return;
      case 'showAll':
        await this.sendFullValue(message.nodeId, message.field);
        return;
      case 'loadWorkflow':
        await this.sendWorkflow();
        return;
      case 'loadCompare':
        this.compareWanted = true;
        await this.sendCompare();
        return;
      case 'action':
        await this.runAction(message.action);
        return;
      case 'goToSource':
        await this.goToSource(message.nodeId);
        return;
      case 'openSublattice': {
        const task = this.task(message.nodeId);
        if (task?.subDispatchId) this.owner.open(task.subDispatchId);
        else void vscode.window.showInformationMessage(`Covalent: task ${task?.name ?? message.nodeId} has no sublattice dispatch yet.`);
        return;
      }
      case 'drawn': {
        const now = Date.now();
        if (!this.drawLogged && this.graphArrivedAt !== undefined) {
          this.drawLogged = true;
          const since = (at: number | undefined) => (at === undefined ? '?' : String(at - this.openedAt));
          this.owner.context.output.info(
            `Result panel ${this.dispatchId}: ${message.nodes} nodes drawn ${now - this.openedAt} ms after opening (graph in the store at ${since(this.graphArrivedAt)} ms, laid out at ${since(this.laidOutAt)} ms, page drew in ${Math.round(message.elapsedMs)} ms).`,
          );
        }
        this.drawnEmitter.fire({ nodes: message.nodes, at: now });
        return;
      }
      case 'rendered':
        this.probes.get(message.requestId)?.(message.report);
        this.probes.delete(message.requestId);
        return;
      case 'panMeasured':
        this.panProbes.get(message.requestId)?.(message.measurement);
        this.panProbes.delete(message.requestId);
        return;
      case 'state':
        this.selectedNodeId = message.selectedNodeId;
        return;
      case 'graphView':
      case 'exported':
        this.graphControls.received(message);
        return;
    }
  }

  private task(nodeId: number) {
    return this.owner.context.store.graph(this.dispatchId)?.tasks.find((task) => task.nodeId === nodeId);
  }

  private scheduleHeader(): void {
    if (this.headerTimer) return;
    // Several store changes in one tick become one message.
    this.headerTimer = setTimeout(() => {
      this.headerTimer = undefined;
      this.sendHeader();
    }, 30);
  }

  private sendHeader(): void {
    const store = this.owner.context.store;
    const problem = store.connection === 'offline' ? (store.connectionError ?? 'The Covalent server does not answer.') : (this.problem ?? store.graphProblem(this.dispatchId)?.message);
    this.post({
      type: 'header',
      header: panelHeader(this.dispatchId, store.get(this.dispatchId), store.graph(this.dispatchId), this.owner.context.config.dispatcherAddress, this.parentDispatchId, problem),
    });
    this.updateTitle();
  }

  private updateTitle(): void {
    const state = this.owner.context.store.get(this.dispatchId);
    const name = state?.name ?? state?.origin?.latticeName;
    this.webviewPanel.title = `${name ?? 'Dispatch'} ${this.dispatchId.slice(0, 8)}`;
  }

  /** A new graph in the store: statuses only when its shape is known, else a new layout. */
  private graphChanged(force = false): void {
    const graph = this.owner.context.store.graph(this.dispatchId);
    if (!graph) {
      // A slow or failing server: say so where the graph would be, not a spinner forever.
      const problem = this.owner.context.store.graphProblem(this.dispatchId);
      if (problem) this.post({ type: 'graphProblem', message: problem.message });
      return;
    }
    this.graphArrivedAt ??= Date.now();
    void this.resolveParentOfSmallGraph();
    // A layout fits a graph shape laid out with the same choices.
    const key = `${topologyKey(graph)}|${layoutOptionsKey(this.graphControls.layoutOptions)}`;
    if (key === this.layoutKey && this.layout) {
      if (force) this.post({ type: 'graph', layout: this.layout, tasks: liveTasks(graph) });
      else this.post({ type: 'tasks', tasks: liveTasks(graph) });
      this.scheduleHeader();
      return;
    }
    if (key === this.layoutKey) return; // Layout of this shape is under way.
    this.layoutKey = key;
    void this.layOut(graph, key);
  }

  private async layOut(graph: DispatchGraph, key: string): Promise<void> {
    const run = ++this.layoutRun;
    try {
      const layout = await this.owner.layoutFor(key, graph, this.graphControls.layoutOptions);
      if (run !== this.layoutRun || this.disposed) return;
      this.laidOutAt ??= Date.now();
      this.layout = layout;
      // The store may have moved on while ELK ran: send the newest statuses.
      const latest = this.owner.context.store.graph(this.dispatchId) ?? graph;
      this.post({ type: 'graph', layout, tasks: liveTasks(key.startsWith(`${topologyKey(latest)}|`) ? latest : graph) });
      this.scheduleHeader();
    } catch (error) {
      if (run !== this.layoutRun) return;
      this.layoutKey = undefined;
      this.post({ type: 'graphProblem', message: messageOf(error) });
    }
  }

  private async sendDetails(nodeId: number): Promise<void> {
    try {
      const details = await this.owner.reader(this.serverAddress).task(this.dispatchId, nodeId);
      this.post({ type: 'details', nodeId, details: detailsView(details) });
    } catch (error) {
      this.post({ type: 'detailsProblem', nodeId, message: messageOf(error) });
    }
  }

  private async sendFullValue(nodeId: number | null, field: DetailField): Promise<void> {
    try {
      const value = await this.owner.reader(this.serverAddress).fullValue(this.dispatchId, nodeId, field);
      this.post({ type: 'fullValue', nodeId, field, value });
    } catch (error) {
      this.post({ type: 'detailsProblem', nodeId, message: messageOf(error) });
    }
  }

  private async sendWorkflow(): Promise<void> {
    try {
      const details = await this.owner.reader(this.serverAddress).workflow(this.dispatchId);
      this.post({
        type: 'workflow',
        details: { name: details.name, executor: details.executor, workflowExecutor: details.workflowExecutor, fields: details.fields },
      });
    } catch (error) {
      this.post({ type: 'detailsProblem', nodeId: null, message: messageOf(error) });
    }
  }

  /**
   * The parent of a redispatch: known when the editor made it; otherwise read
   * from the manifest, which for a big dispatch is megabytes, so only for small
   * graphs or when the Compare tab asks.
   */
  private async resolveParent(): Promise<void> {
    const known = this.owner.context.store.get(this.dispatchId)?.origin?.parentDispatchId;
    if (known) {
      this.parentDispatchId = known;
      return;
    }
    try {
      this.parentDispatchId = await this.owner.reader(this.serverAddress).parentOf(this.dispatchId);
      if (this.parentDispatchId) this.scheduleHeader();
    } catch {
      // Not there yet or the server is away: the header shows the connection problem.
    }
  }

  private parentLookedUp = false;

  private async resolveParentOfSmallGraph(): Promise<void> {
    const graph = this.owner.context.store.graph(this.dispatchId);
    if (this.parentLookedUp || !graph || graph.tasks.length > SMALL_GRAPH_TASKS) return;
    this.parentLookedUp = true;
    await this.resolveParent();
  }

  /** A dispatch the server does not know would otherwise wait for its graph forever. */
  private async checkKnown(): Promise<void> {
    let known: boolean;
    try {
      known = await this.owner.reader(this.serverAddress).exists(this.dispatchId);
    } catch {
      return; // Offline: the header says so.
    }
    if (known || this.disposed) return;
    this.problem = `The Covalent server at ${this.serverAddress} does not know dispatch ${this.dispatchId}.`;
    // Recorded only for this panel: the poller need not ask about it again.
    if (this.trackedHere) this.owner.context.store.remove(this.dispatchId);
    this.post({ type: 'graphProblem', message: this.problem });
    this.scheduleHeader();
  }


  private async sendCompare(): Promise<void> {
    if (!this.parentDispatchId) await this.resolveParent();
    const parentId = this.parentDispatchId;
    if (!parentId) {
      this.post({ type: 'compare', message: 'This dispatch is not a redispatch: there is no parent to compare with.' });
      return;
    }
    const store = this.owner.context.store;
    this.parentWatch ??= store.watchGraph(parentId);
    const current = store.graph(this.dispatchId);
    const parent = store.graph(parentId);
    if (!current || !parent) {
      this.post({ type: 'compare', message: `Loading the tasks of the parent dispatch ${parentId}…` });
      return;
    }
    const reader = this.owner.reader(this.serverAddress);
    const ids = (graph: DispatchGraph) => graph.tasks.filter((task) => task.kind !== 'parameter').map((task) => task.nodeId);
    const [results, parentResults, workflow, parentWorkflow] = await Promise.all([
      reader.taskResults(this.dispatchId, ids(current)).catch(() => new Map<number, string>()),
      reader.taskResults(parentId, ids(parent)).catch(() => new Map<number, string>()),
      reader.workflow(this.dispatchId).catch(() => undefined),
      reader.workflow(parentId).catch(() => undefined),
    ]);
    const compare = compareWithParent(current, parent, results, parentResults);
    this.post({ type: 'compare', compare: { ...compare, result: workflow?.fields.result.text, parentResult: parentWorkflow?.fields.result.text } });
  }

  private async runAction(action: PanelAction): Promise<void> {
    const dispatchId = this.dispatchId;
    switch (action) {
      case 'copyId':
        await vscode.env.clipboard.writeText(dispatchId);
        void vscode.window.setStatusBarMessage(`Copied dispatch id ${dispatchId}`, 3000);
        return;
      case 'openInUi':
        await vscode.env.openExternal(vscode.Uri.parse(`${this.serverAddress}/${encodeURIComponent(dispatchId)}`));
        return;
      case 'openParent':
        if (this.parentDispatchId) this.owner.open(this.parentDispatchId);
        return;
      case 'redispatch':
        // With `kind` (as a tree item sends it) the command asks for inputs and options.
        await vscode.commands.executeCommand('covalent.redispatch', { kind: 'dispatch', dispatchId });
        return;
      case 'cancel': {
        const choice = await vscode.window.showWarningMessage(`Cancel dispatch ${dispatchId}?`, { modal: true }, 'Cancel Dispatch');
        if (choice) await vscode.commands.executeCommand('covalent.cancel', { kind: 'dispatch', dispatchId });
        return;
      }
      case 'refresh':
        this.owner.reader(this.serverAddress).forget(dispatchId);
        if (this.selectedNodeId !== undefined) await this.sendDetails(this.selectedNodeId);
        return;
    }
  }

  /** Opens the electron's definition: in the file it was dispatched from, else anywhere in the workspace. */
  private async goToSource(nodeId: number): Promise<void> {
    const task = this.task(nodeId);
    const name = task?.name;
    if (!name || name.startsWith(':')) {
      void vscode.window.showInformationMessage('Covalent: this node is made by Covalent, not a function in your code.');
      return;
    }
    const definition = new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${escapeRegExp(name)}[ \\t]*\\(`, 'm');
    const origin = this.owner.context.store.get(this.dispatchId)?.origin?.fileUri;
    const candidates: vscode.Uri[] = origin ? [vscode.Uri.parse(origin)] : [];
    candidates.push(...(await vscode.workspace.findFiles('**/*.py', '**/{.venv,venv,node_modules,site-packages}/**', 500)));
    for (const uri of candidates) {
      let document: vscode.TextDocument;
      try {
        document = await vscode.workspace.openTextDocument(uri);
      } catch {
        continue;
      }
      const match = definition.exec(document.getText());
      if (!match) continue;
      // The language server knows electrons (not a `def` in a string); the text match is the fallback.
      const symbol = await electronSymbol(document.uri, name);
      const start = symbol?.selectionRange.start ?? document.positionAt(match.index + match[0].indexOf('def'));
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(start, start), viewColumn: vscode.ViewColumn.One });
      return;
    }
    void vscode.window.showWarningMessage(`Covalent: no definition of ${name} found in this workspace.`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.headerTimer);
    this.parentWatch?.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

async function electronSymbol(uri: vscode.Uri, name: string): Promise<vscode.DocumentSymbol | undefined> {
  let symbols: vscode.DocumentSymbol[] | undefined;
  try {
    symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
  } catch {
    return undefined;
  }
  const queue = [...(symbols ?? [])];
  while (queue.length > 0) {
    const symbol = queue.shift()!;
    if (symbol.name === name && (symbol.detail === 'electron' || symbol.detail === 'sublattice')) return symbol;
    if (Array.isArray(symbol.children)) queue.push(...symbol.children);
  }
  return undefined;
}

function detailsView(details: TaskDetails): TaskDetailsView {
  return { nodeId: details.nodeId, name: details.name, executor: details.executor, fields: details.fields };
}

function createNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function messageOf(error: unknown): string {
  if (error instanceof DetailsError) return error.message;
  return error instanceof Error ? error.message : String(error);
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
