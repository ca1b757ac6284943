import {
  type CompareView,
  type DetailField,
  type HostMessage,
  PANEL_TABS,
  type PanelHeader,
  type PanelTab,
  parseHostMessage,
  type TaskDetailsView,
  type TaskLive,
  type ValueView,
  type WebviewMessage,
  type WorkflowDetailsView,
} from '../protocol';
import { DEFAULT_VIEW_STATE, displayName, type GraphViewState, parseGraphViewState } from '../graphProtocol';
import type { PreviewHeader } from '../previewProtocol';
import { clear, element } from './dom';
import { GraphView } from './graph';
import { previewGraphMessage, renderPreviewHeader, renderPreviewNode, renderPreviewSummary } from './previewPage';
import { ValueViews } from './valueView';
import { paintCompare } from './compareView';
import { type DetailsPage, fillValue, paintTaskDetails, paintWorkflow } from './detailsView';
import { paintHeader } from './headerView';
import { pageReport } from './reportView';
import { buildTabs } from './tabsView';
import { paintTimeline } from './timelineView';

/**
 * The result panel's page. It draws only what the extension sends and asks for
 * more through validated messages; it never talks to the server. In preview mode
 * (`data-mode="preview"`) it shows a workflow's graph before any dispatch: a
 * preview header, no statuses, no Timeline or Compare tab.
 */
interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const dispatchId = document.body.getAttribute('data-dispatch-id') ?? '';
const previewMode = document.body.getAttribute('data-mode') === 'preview';
type Tab = PanelTab;
const TABS: readonly Tab[] = previewMode ? ['task', 'workflow'] : PANEL_TABS;

const saved = (vscode.getState() ?? {}) as { selectedNodeId?: unknown; tab?: unknown; view?: unknown; serverAddress?: unknown };
/** The dispatch's server as last saved: kept until a header names it. */
let persistedServer = typeof saved.serverAddress === 'string' ? saved.serverAddress : undefined;
/** The graph view this panel showed before (kept in the webview state): the extension lays out for it. */
const savedView = parseGraphViewState(saved.view);
const initialSelected = document.body.getAttribute('data-selected');
let selectedNodeId: number | undefined =
  typeof saved.selectedNodeId === 'number' ? saved.selectedNodeId : initialSelected ? Number(initialSelected) : undefined;
let activeTab: Tab = TABS.includes(saved.tab as Tab) ? (saved.tab as Tab) : 'task';
let header: PanelHeader | undefined;
let previewHeader: PreviewHeader | undefined;
/** In preview mode: the selected node's view has arrived (else it is asked for again when a graph comes). */
let previewNodeShown = false;
const tasks = new Map<number, TaskLive>();
let currentDetails: TaskDetailsView | undefined;
let workflowDetails: WorkflowDetailsView | undefined;
let workflowRequested = false;
let compareRequested = false;
let timelineTimer: number | undefined;
const values = new ValueViews((message) => post(message));
const detailsPage: DetailsPage = {
  post: (message) => post(message),
  values,
  previewMode,
  nodeInfo: (nodeId) => graph.nodeInfo(nodeId),
  task: (nodeId) => tasks.get(nodeId),
  selectTask: (nodeId) => selectTask(nodeId),
};

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function persist(): void {
  // A dispatch's server is kept too: after a reload the panel reads from that server, not the active one.
  persistedServer = header?.serverAddress ?? persistedServer;
  const identity = previewMode ? { preview: previewHeader && { uri: previewHeader.uri, lattice: previewHeader.latticeName, args: previewHeader.args } } : { dispatchId, serverAddress: persistedServer };
  vscode.setState({ ...identity, selectedNodeId, tab: activeTab, view: graph.viewState });
  post({ type: 'state', selectedNodeId, tab: activeTab });
}

function viewChanged(view: GraphViewState): void {
  persist();
  post({ type: 'graphView', view });
}

// ---------------------------------------------------------------- layout of the page
const headerRoot = element('header', { className: 'header' });
const graph = new GraphView(
  {
    select: (nodeId) => selectTask(nodeId),
    openSublattice: (nodeId) => post({ type: 'openSublattice', nodeId }),
    transformChanged: () => undefined,
    viewChanged,
    exported: (picture) => post({ type: 'exported', ...picture }),
  },
  savedView ?? DEFAULT_VIEW_STATE,
  previewMode ? { statuses: false, emptyText: 'The graph has no nodes.' } : undefined,
);
const { tabBar, tabBodies, tabButtons } = buildTabs(TABS, previewMode, (tab) => showTab(tab));
const sidePane = element('aside', { className: 'side-pane' }, tabBar, ...TABS.map((tab) => tabBodies[tab]));
const app = document.getElementById('app') ?? document.body;
app.appendChild(headerRoot);
app.appendChild(element('main', { className: 'body' }, graph.root, sidePane));

function showTab(tab: Tab): void {
  activeTab = tab;
  for (const [name, node] of tabButtons) node.setAttribute('aria-selected', String(name === tab));
  for (const name of PANEL_TABS) tabBodies[name].hidden = name !== tab;
  if (tab === 'workflow' && previewMode) renderPreviewSummary(tabBodies.workflow, previewHeader);
  else if (tab === 'workflow' && !workflowRequested) {
    workflowRequested = true;
    renderPlaceholder(tabBodies.workflow, 'Loading the workflow’s inputs and result…');
    post({ type: 'loadWorkflow' });
  }
  if (tab === 'compare' && !compareRequested) {
    compareRequested = true;
    renderPlaceholder(tabBodies.compare, 'Comparing with the parent dispatch…');
    post({ type: 'loadCompare' });
  }
  if (tab === 'timeline') renderTimeline();
  persist();
}

function renderPlaceholder(target: HTMLElement, text: string): void {
  clear(target);
  target.appendChild(element('p', { className: 'placeholder', text }));
}

// ---------------------------------------------------------------- header
function renderHeader(): void {
  if (header) paintHeader(headerRoot, header, post);
}

// ---------------------------------------------------------------- task details
function selectTask(nodeId: number): void {
  selectedNodeId = nodeId;
  previewNodeShown = false;
  graph.select(nodeId);
  showTab('task');
  const info = graph.nodeInfo(nodeId);
  renderPlaceholder(tabBodies.task, `Loading ${info ? displayName(info.name, info.kind) : 'the task'}…`);
  post({ type: 'select', nodeId });
  persist();
}

function renderTaskDetails(details: TaskDetailsView): void {
  currentDetails = details;
  paintTaskDetails(tabBodies.task, details, detailsPage);
}

function applyFullValue(nodeId: number | null, field: DetailField, value: ValueView): void {
  const container = nodeId === null ? tabBodies.workflow : tabBodies.task;
  if (nodeId !== null && currentDetails?.nodeId !== nodeId) return;
  const section = container.querySelector<HTMLElement>(`section[data-field="${field}"]`);
  if (section) fillValue(section, nodeId, field, value, post);
}

function renderWorkflow(details: WorkflowDetailsView): void {
  workflowDetails = details;
  const failed = [...tasks.values()].filter((task) => task.status === 'FAILED');
  paintWorkflow(tabBodies.workflow, details, { ...detailsPage, status: header?.status, failed });
}

// ---------------------------------------------------------------- timeline
function scheduleTimeline(): void {
  if (activeTab !== 'timeline' || timelineTimer !== undefined) return;
  timelineTimer = window.setTimeout(() => {
    timelineTimer = undefined;
    renderTimeline();
  }, 300);
}

function renderTimeline(): void {
  paintTimeline(tabBodies.timeline, tasks, (nodeId) => graph.nodeInfo(nodeId), selectTask);
}

// ---------------------------------------------------------------- compare
function renderCompare(compare: CompareView | undefined, message: string | undefined): void {
  paintCompare(tabBodies.compare, compare, message, { selectTask, values });
}

// ---------------------------------------------------------------- messages
let drawStarted = 0;

function received(raw: unknown): void {
  const message = parseHostMessage(raw);
  if (!message) {
    console.warn('Covalent result panel: ignored a message it does not know', raw);
    return;
  }
  handle(message);
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'header':
      header = message.header;
      renderHeader();
      // The first header (or a new server) is saved at once: a reload then reads from that server.
      if (header.serverAddress !== persistedServer) persist();
      return;
    case 'graph':
      drawStarted = performance.now();
      tasks.clear();
      for (const task of message.tasks) tasks.set(task.nodeId, task);
      graph.render(message.layout, message.tasks);
      if (previewMode) showPreviewGraphMessage();
      if (selectedNodeId !== undefined && graph.nodeInfo(selectedNodeId) && !(previewMode ? previewNodeShown : currentDetails)) selectTask(selectedNodeId);
      scheduleTimeline();
      // Two frames later the graph is on screen.
      requestAnimationFrame(() => requestAnimationFrame(() => post({ type: 'drawn', nodes: message.layout.nodes.length, elapsedMs: performance.now() - drawStarted })));
      return;
    case 'tasks': {
      let selectedChanged = false;
      for (const task of message.tasks) {
        const before = tasks.get(task.nodeId);
        if (task.nodeId === selectedNodeId && before && (before.status !== task.status || before.completedAt !== task.completedAt)) selectedChanged = true;
        tasks.set(task.nodeId, task);
      }
      graph.update(message.tasks);
      scheduleTimeline();
      // The selected task moved on: its result, output and times are new.
      if (selectedChanged && selectedNodeId !== undefined) post({ type: 'select', nodeId: selectedNodeId });
      if (workflowDetails && message.tasks.some((task) => task.status === 'FAILED')) renderWorkflow(workflowDetails);
      return;
    }
    case 'graphProblem':
      graph.showMessage(message.message);
      return;
    case 'details':
      if (message.nodeId === selectedNodeId) renderTaskDetails(message.details);
      return;
    case 'workflow':
      renderWorkflow(message.details);
      return;
    case 'fullValue':
      applyFullValue(message.nodeId, message.field, message.value);
      return;
    case 'drawnValue':
    case 'valueProblem':
    case 'pressValueButton':
      values.received(message);
      return;
    case 'compare':
      renderCompare(message.compare, message.message);
      if (!message.compare) compareRequested = message.message?.startsWith('Loading') ?? false;
      return;
    case 'detailsProblem': {
      const target = message.nodeId === null ? tabBodies.workflow : tabBodies.task;
      if (message.nodeId === null) workflowRequested = false;
      clear(target);
      target.appendChild(element('p', { className: 'unavailable', attributes: { role: 'alert' }, text: message.message }));
      return;
    }
    case 'select':
      selectTask(message.nodeId);
      return;
    case 'showTab':
      showTab(message.tab);
      return;
    case 'pressShowAll':
      tabBodies.task.querySelector<HTMLButtonElement>(`section[data-field="${message.field}"] .show-all`)?.click();
      return;
    case 'probe':
      post({ type: 'rendered', requestId: message.requestId, report: pageReport({ graph, selectedNodeId, tabBodies, values, header: headerRoot, tabBar, savedState: vscode.getState() }) });
      return;
    case 'measurePan':
      void graph.testHooks.measureGesture(message.frames, message.gesture ?? 'pan').then((measurement) => post({ type: 'panMeasured', requestId: message.requestId, measurement }));
      return;
    case 'graphView':
      graph.applyView(message.view);
      persist();
      return;
    case 'exportGraph':
      void graph.exportPicture(message.format).then((picture) => picture && post({ type: 'exported', requestId: message.requestId, ...picture }));
      return;
    case 'pressControl':
      graph.testHooks.press(message.control, message.value);
      return;
    case 'findTask':
      graph.testHooks.findAsTyped(message.query);
      return;
    case 'dragNode':
      void graph.testHooks.dragNode(message.nodeId, message.dx, message.dy);
      return;
    case 'previewHeader':
      previewHeader = message.header;
      renderPreviewHeader(headerRoot, message.header, post);
      showPreviewGraphMessage();
      // Too big to draw, or a traceback to read: the Summary tab is the view.
      if ((message.header.tooLarge || message.header.problem?.traceback) && activeTab !== 'workflow') showTab('workflow');
      else if (activeTab === 'workflow') renderPreviewSummary(tabBodies.workflow, previewHeader);
      persist();
      return;
    case 'previewNode':
      if (message.node.nodeId !== selectedNodeId) return;
      previewNodeShown = true;
      renderPreviewNode(tabBodies.task, message.node, post);
      return;
    case 'pressPreviewAction':
      headerRoot.querySelector<HTMLButtonElement>(`button[data-action="${message.action}"]`)?.click();
      return;
  }
}

/** Building, failed, or too big to draw: said where the graph is. */
function showPreviewGraphMessage(): void {
  const text = previewHeader && previewGraphMessage(previewHeader);
  if (text) graph.showMessage(text);
  else if (previewHeader?.state === 'ready' && graph.nodeCount > 0) graph.showMessage(undefined);
}

window.addEventListener('message', (event: MessageEvent) => received(event.data));
showTab(activeTab);
// Before `ready`: the extension lays the graph out for the view this panel showed before.
if (savedView) post({ type: 'graphView', view: savedView });
post({ type: 'ready' });

// The runtime of a running dispatch counts up between updates.
window.setInterval(() => {
  if (header && !header.terminal && header.startedAt !== undefined) renderHeader();
}, 1000);
