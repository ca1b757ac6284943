import * as vscode from 'vscode';
import { sameAddress } from '../covalent/servers';
import { fromPerson } from '../util/invocation';
import type { TaskDetails } from '../covalent/resultDetails';
import type { DispatchGraph } from '../store/types';
import { messageOf } from '../util/errors';
import { GraphPanel, type OwnMessage } from './graphPanel';
import { type GraphViewState, layoutOptionsKey } from './graphProtocol';
import { compareWithParent, liveTasks, panelHeader, topologyKey } from './model';
import type { DetailField, GraphLayout, PanelAction, TaskAction, TaskDetailsView } from './protocol';
import type { ValueButton, ValueName } from './valueProtocol';
import type { PanelHost } from './panelHost';
import { ValueChannel } from './valueChannel';
import { Commands } from '../util/commandIds';

/** The commands behind the task details pane's Run locally, Debug locally and Compare… buttons. */
const TASK_ACTION_COMMANDS: Readonly<Record<TaskAction, string>> = {
  runLocally: Commands.runTaskLocally,
  debugLocally: Commands.debugTask,
  compare: Commands.compareTask,
};

/** Up to this many tasks the panel reads the manifest at once to find a redispatch's parent. */
const SMALL_GRAPH_TASKS = 200;

/**
 * One panel showing one dispatch. It reads dispatch state and the task graph from
 * the one store (asking the poller to keep the graph fresh while it is open);
 * task details come from the Covalent client's details reader. The page only
 * displays what it is sent and asks through validated messages (see GraphPanel).
 */
export class ResultPanel extends GraphPanel {
  private layoutKey: string | undefined;
  private layout: GraphLayout | undefined;
  private headerTimer: NodeJS.Timeout | undefined;
  private parentDispatchId: string | undefined;
  /** Set when the server says it does not know this dispatch. */
  private problem: string | undefined;
  private trackedHere = false;
  private parentWatch: { dispose(): void } | undefined;
  private compareWanted = false;
  /** When this panel was opened, and when its graph reached the store and was laid out (logged once drawn). */
  private readonly openedAt = Date.now();
  /** Where each task runs, as the store has it: the page shows it in the graph, the header and the task's details. */
  private readonly executorOf = (nodeId: number) => this.owner.services.store.executor(this.dispatchId, nodeId);
  private graphArrivedAt: number | undefined;
  private laidOutAt: number | undefined;
  private drawLogged = false;
  private selectedNodeId: number | undefined;
  /** Values drawn as figures, tables and arrays, and their pictures' files. */
  private readonly values: ValueChannel;

  constructor(
    owner: PanelHost,
    webviewPanel: vscode.WebviewPanel,
    readonly dispatchId: string,
    /** A restored panel brings the selection, the graph view and the server its page saved. */
    restored: { readonly selectedNodeId?: number; readonly restoredView?: GraphViewState; readonly serverAddress?: string } = {},
  ) {
    super(owner, webviewPanel, `Result panel ${dispatchId}`, { mode: 'result', dispatchId, selectedNodeId: restored.selectedNodeId }, restored.restoredView);
    this.selectedNodeId = restored.selectedNodeId;
    const services = owner.services;
    this.values = new ValueChannel(webviewPanel.webview, services.values, dispatchId, () => this.serverAddress, () => this.parentDispatchId, owner.picturesRoot, (message) => this.post(message));
    this.disposables.push(this.values);
    services.values.warm();
    const store = services.store;
    // The poller fetches graphs only of watched dispatches; a dispatch it has never
    // heard of is recorded (on the server its page named, else the active one) so its status is polled too.
    if (!store.get(dispatchId)) {
      store.track(dispatchId, { serverAddress: restored.serverAddress ?? services.settings.current.dispatcherAddress });
      this.trackedHere = true;
    }
    this.disposables.push(store.watchGraph(dispatchId));
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
    // While the panel is visible the poller runs at its quick interval.
    const demandKey = `panel:${dispatchId}`;
    const setDemand = (visible: boolean) => services.liveViews.poller.setDemand(demandKey, visible);
    setDemand(webviewPanel.visible);
    this.disposables.push(webviewPanel.onDidChangeViewState((event) => setDemand(event.webviewPanel.visible)), { dispose: () => setDemand(false) });
    if (!store.graph(dispatchId)) owner.layouts.warm();
    this.updateTitle();
    if (this.trackedHere) void this.checkKnown();
    else void this.resolveParentOfSmallGraph();
  }

  get serverAddress(): string {
    return this.owner.services.store.serverOf(this.dispatchId) ?? this.owner.services.settings.current.dispatcherAddress;
  }

  /** Fires when the page says a drawn value is on screen. */
  get onDidPaintValue(): ValueChannel['onDidPaint'] {
    return this.values.onDidPaint;
  }

  /** Test hook: press a drawn value's Fetch, Save As… or Copy loading code button, as a click would. */
  pressValueButton(nodeId: number | null, value: ValueName, button: ValueButton): void {
    this.post({ type: 'pressValueButton', nodeId, value, button });
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

  protected pageReady(): void {
    this.sendHeader();
    this.graphChanged(true);
  }

  protected relayout(): void {
    this.graphChanged(true);
  }

  protected pictureName(): string {
    return `${this.owner.services.store.get(this.dispatchId)?.name ?? 'graph'}-${this.dispatchId.slice(0, 8)}`;
  }

  protected override drawn(nodes: number, elapsedMs: number): void {
    if (this.drawLogged || this.graphArrivedAt === undefined) return;
    this.drawLogged = true;
    const since = (at: number | undefined) => (at === undefined ? '?' : String(at - this.openedAt));
    this.owner.services.output.info(
      `Result panel ${this.dispatchId}: ${nodes} nodes drawn ${Date.now() - this.openedAt} ms after opening (graph in the store at ${since(this.graphArrivedAt)} ms, laid out at ${since(this.laidOutAt)} ms, page drew in ${Math.round(elapsedMs)} ms).`,
    );
  }

  protected async handle(message: OwnMessage): Promise<void> {
    switch (message.type) {
      case 'select':
        this.selectedNodeId = message.nodeId;
        this.values.prefetch(message.nodeId);
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
      case 'taskAction':
        await vscode.commands.executeCommand(TASK_ACTION_COMMANDS[message.action], fromPerson('panel', { dispatchId: this.dispatchId, taskId: message.nodeId }));
        return;
      case 'goToSource':
        await this.goToSource(message.nodeId);
        return;
      case 'openSublattice': {
        const task = this.task(message.nodeId);
        // A sublattice's dispatch lives on its parent's server.
        if (task?.subDispatchId) this.owner.open(task.subDispatchId, this.serverAddress);
        else void vscode.window.showInformationMessage(`Covalent: task ${task?.name ?? message.nodeId} has no sublattice dispatch yet.`);
        return;
      }
      case 'drawValue':
      case 'valueAction':
      case 'valuePainted':
        await this.values.received(message);
        return;
      case 'state':
        this.selectedNodeId = message.selectedNodeId;
        return;
      case 'previewAction':
      case 'openFrame':
        return; // A preview's buttons: not on a dispatch's page.
    }
  }

  private task(nodeId: number) {
    return this.owner.services.store.graph(this.dispatchId)?.tasks.find((task) => task.nodeId === nodeId);
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
    const store = this.owner.services.store;
    // The connection is the active server's: it speaks for this panel only when its dispatch lives there.
    const activeServer = sameAddress(this.serverAddress, this.owner.services.settings.current.dispatcherAddress);
    const serverProblem = activeServer && (store.connection === 'offline' || store.connection === 'unauthorized') ? (store.connectionError ?? 'The Covalent server does not answer.') : undefined;
    const problem = serverProblem ?? this.problem ?? store.graphProblem(this.dispatchId)?.message;
    this.post({
      type: 'header',
      header: panelHeader(this.dispatchId, store.get(this.dispatchId), store.graph(this.dispatchId), this.serverAddress, this.parentDispatchId, problem, this.executorOf),
    });
    this.updateTitle();
  }

  private updateTitle(): void {
    const state = this.owner.services.store.get(this.dispatchId);
    const name = state?.name ?? state?.origin?.latticeName;
    this.webviewPanel.title = `${name ?? 'Dispatch'} ${this.dispatchId.slice(0, 8)}`;
  }

  /** A new graph in the store: statuses only when its shape is known, else a new layout. */
  private graphChanged(force = false): void {
    const graph = this.owner.services.store.graph(this.dispatchId);
    if (!graph) {
      // A slow or failing server: say so where the graph would be, not a spinner forever.
      const problem = this.owner.services.store.graphProblem(this.dispatchId);
      if (problem) this.post({ type: 'graphProblem', message: problem.message });
      return;
    }
    this.graphArrivedAt ??= Date.now();
    void this.resolveParentOfSmallGraph();
    // A layout fits a graph shape laid out with the same choices.
    const key = `${topologyKey(graph)}|${layoutOptionsKey(this.graphControls.layoutOptions)}`;
    if (key === this.layoutKey && this.layout) {
      if (force) this.post({ type: 'graph', layout: this.layout, tasks: liveTasks(graph, this.executorOf) });
      else this.post({ type: 'tasks', tasks: liveTasks(graph, this.executorOf) });
      this.scheduleHeader();
      return;
    }
    if (key === this.layoutKey) return; // Layout of this shape is under way.
    this.layoutKey = key;
    void this.layOut(graph, key);
  }

  private layOut(graph: DispatchGraph, key: string): Promise<void> {
    return this.layOutGraph(
      key,
      graph,
      (layout) => {
        this.laidOutAt ??= Date.now();
        this.layout = layout;
        // The store may have moved on while ELK ran: send the newest statuses.
        const latest = this.owner.services.store.graph(this.dispatchId) ?? graph;
        this.post({ type: 'graph', layout, tasks: liveTasks(key.startsWith(`${topologyKey(latest)}|`) ? latest : graph, this.executorOf) });
        this.scheduleHeader();
      },
      () => (this.layoutKey = undefined),
    );
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
    const known = this.owner.services.store.get(this.dispatchId)?.origin?.parentDispatchId;
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
    const graph = this.owner.services.store.graph(this.dispatchId);
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
    if (this.trackedHere) this.owner.services.store.remove(this.dispatchId);
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
    const store = this.owner.services.store;
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
        if (this.parentDispatchId) this.owner.open(this.parentDispatchId, this.serverAddress);
        return;
      case 'redispatch':
        await vscode.commands.executeCommand(Commands.redispatch, fromPerson('panel', { dispatchId }));
        return;
      case 'cancel': {
        const choice = await vscode.window.showWarningMessage(`Cancel dispatch ${dispatchId}?`, { modal: true }, 'Cancel Dispatch');
        if (choice) await vscode.commands.executeCommand(Commands.cancel, fromPerson('panel', { dispatchId }));
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
    const name = this.task(nodeId)?.name;
    if (!name || name.startsWith(':')) {
      void vscode.window.showInformationMessage('Covalent: this node is made by Covalent, not a function in your code.');
      return;
    }
    const origin = this.owner.services.store.get(this.dispatchId)?.origin?.fileUri;
    const found = await this.owner.services.locator.reveal(name, { preferred: origin ? [vscode.Uri.parse(origin)] : [], kinds: ['electron', 'sublattice'], viewColumn: vscode.ViewColumn.One });
    if (!found) void vscode.window.showWarningMessage(`Covalent: no definition of ${name} found in this workspace.`);
  }

  override dispose(): void {
    if (this.disposed) return;
    clearTimeout(this.headerTimer);
    this.parentWatch?.dispose();
    super.dispose();
  }
}

function detailsView(details: TaskDetails): TaskDetailsView {
  return { nodeId: details.nodeId, name: details.name, executor: details.executor, fields: details.fields };
}
