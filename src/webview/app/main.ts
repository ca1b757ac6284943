import {
  type CompareView,
  type DetailField,
  type HostMessage,
  PANEL_TABS,
  type PanelTab,
  parseHostMessage,
  type TaskDetailsView,
  type ValueView,
  type WebviewMessage,
  type WorkflowDetailsView,
} from '../protocol';
import { DEFAULT_VIEW_STATE, displayName, type GraphViewState } from '../graphProtocol';
import { clear, element } from './dom';
import { GraphView } from './graph';
import { previewGraphMessage, renderPreviewHeader, renderPreviewNode, renderPreviewSummary } from './previewPage';
import { ValueViews } from './valueView';
import { paintCompare } from './compareView';
import { type DetailsPage, fillValue, paintTaskDetails, paintWorkflow } from './detailsView';
import { paintHeader } from './headerView';
import { acquireHostChannel } from './hostChannel';
import { pageModeOf } from './pageMode';
import { PageState } from './pageState';
import { pageReport } from './reportView';
import { buildTabs } from './tabsView';
import { paintTimeline } from './timelineView';

/**
 * The result panel's page. It draws only what the extension sends and asks for
 * more through validated messages; it never talks to the server. In preview mode
 * (`data-mode="preview"`) it shows a workflow's graph before any dispatch: what
 * differs is the page mode's (pageMode.ts), chosen once here.
 */
const host = acquireHostChannel();
const mode = pageModeOf(document.body);
const state = new PageState(host.getState(), document.body, mode.tabs);
let timelineTimer: number | undefined;
const values = new ValueViews((message) => post(message));
const detailsPage: DetailsPage = {
  post: (message) => post(message),
  values,
  drawsValues: mode.drawsValues,
  nodeInfo: (nodeId) => graph.nodeInfo(nodeId),
  task: (nodeId) => state.tasks.get(nodeId),
  selectTask: (nodeId) => selectTask(nodeId),
};

function post(message: WebviewMessage): void {
  host.postMessage(message);
}

function persist(): void {
  state.persistedServer = state.header?.serverAddress ?? state.persistedServer;
  host.setState({ ...mode.identity(state), selectedNodeId: state.selectedNodeId, tab: state.activeTab, view: graph.viewState });
  post({ type: 'state', selectedNodeId: state.selectedNodeId, tab: state.activeTab });
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
  state.savedView ?? DEFAULT_VIEW_STATE,
  mode.graph,
);
const { tabBar, tabBodies, tabButtons } = buildTabs(mode.tabs, mode.tabLabels, (tab) => showTab(tab));
const sidePane = element('aside', { className: 'side-pane' }, tabBar, ...mode.tabs.map((tab) => tabBodies[tab]));
const app = document.getElementById('app') ?? document.body;
app.appendChild(headerRoot);
app.appendChild(element('main', { className: 'body' }, graph.root, sidePane));

function showTab(tab: PanelTab): void {
  state.activeTab = tab;
  for (const [name, node] of tabButtons) node.setAttribute('aria-selected', String(name === tab));
  for (const name of PANEL_TABS) tabBodies[name].hidden = name !== tab;
  if (tab === 'workflow' && mode.workflowTabIsSummary) renderPreviewSummary(tabBodies.workflow, state.previewHeader);
  else if (tab === 'workflow' && !state.workflowRequested) {
    state.workflowRequested = true;
    renderPlaceholder(tabBodies.workflow, 'Loading the workflow’s inputs and result…');
    post({ type: 'loadWorkflow' });
  }
  if (tab === 'compare' && !state.compareRequested) {
    state.compareRequested = true;
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
  if (state.header) paintHeader(headerRoot, state.header, post);
}

// ---------------------------------------------------------------- task details
function selectTask(nodeId: number): void {
  state.selectedNodeId = nodeId;
  state.previewNodeShown = false;
  graph.select(nodeId);
  showTab('task');
  const info = graph.nodeInfo(nodeId);
  renderPlaceholder(tabBodies.task, `Loading ${info ? displayName(info.name, info.kind) : 'the task'}…`);
  post({ type: 'select', nodeId });
  persist();
}

function renderTaskDetails(details: TaskDetailsView): void {
  state.currentDetails = details;
  paintTaskDetails(tabBodies.task, details, detailsPage);
}

function applyFullValue(nodeId: number | null, field: DetailField, value: ValueView): void {
  const container = nodeId === null ? tabBodies.workflow : tabBodies.task;
  if (nodeId !== null && state.currentDetails?.nodeId !== nodeId) return;
  const section = container.querySelector<HTMLElement>(`section[data-field="${field}"]`);
  if (section) fillValue(section, nodeId, field, value, post);
}

function renderWorkflow(details: WorkflowDetailsView): void {
  state.workflowDetails = details;
  const failed = [...state.tasks.values()].filter((task) => task.status === 'FAILED');
  paintWorkflow(tabBodies.workflow, details, { ...detailsPage, status: state.header?.status, failed });
}

// ---------------------------------------------------------------- timeline
function scheduleTimeline(): void {
  if (state.activeTab !== 'timeline' || timelineTimer !== undefined) return;
  timelineTimer = window.setTimeout(() => {
    timelineTimer = undefined;
    renderTimeline();
  }, 300);
}

function renderTimeline(): void {
  paintTimeline(tabBodies.timeline, state.tasks, (nodeId) => graph.nodeInfo(nodeId), selectTask);
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
      state.header = message.header;
      renderHeader();
      // The first header (or a new server) is saved at once: a reload then reads from that server.
      if (message.header.serverAddress !== state.persistedServer) persist();
      return;
    case 'graph':
      drawStarted = performance.now();
      state.tasks.clear();
      for (const task of message.tasks) state.tasks.set(task.nodeId, task);
      graph.render(message.layout, message.tasks);
      if (mode.graphShowsBuildState) showPreviewGraphMessage();
      if (state.selectedNodeId !== undefined && graph.nodeInfo(state.selectedNodeId) && !mode.selectedNodeShown(state)) selectTask(state.selectedNodeId);
      scheduleTimeline();
      // Two frames later the graph is on screen.
      requestAnimationFrame(() => requestAnimationFrame(() => post({ type: 'drawn', nodes: message.layout.nodes.length, elapsedMs: performance.now() - drawStarted })));
      return;
    case 'tasks': {
      let selectedChanged = false;
      for (const task of message.tasks) {
        const before = state.tasks.get(task.nodeId);
        if (task.nodeId === state.selectedNodeId && before && (before.status !== task.status || before.completedAt !== task.completedAt)) selectedChanged = true;
        state.tasks.set(task.nodeId, task);
      }
      graph.update(message.tasks);
      scheduleTimeline();
      // The selected task moved on: its result, output and times are new.
      if (selectedChanged && state.selectedNodeId !== undefined) post({ type: 'select', nodeId: state.selectedNodeId });
      if (state.workflowDetails && message.tasks.some((task) => task.status === 'FAILED')) renderWorkflow(state.workflowDetails);
      return;
    }
    case 'graphProblem':
      graph.showMessage(message.message);
      return;
    case 'details':
      if (message.nodeId === state.selectedNodeId) renderTaskDetails(message.details);
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
      if (!message.compare) state.compareRequested = message.message?.startsWith('Loading') ?? false;
      return;
    case 'detailsProblem': {
      const target = message.nodeId === null ? tabBodies.workflow : tabBodies.task;
      if (message.nodeId === null) state.workflowRequested = false;
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
      post({ type: 'rendered', requestId: message.requestId, report: pageReport({ graph, selectedNodeId: state.selectedNodeId, tabBodies, values, header: headerRoot, tabBar, savedState: host.getState() }) });
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
      state.previewHeader = message.header;
      renderPreviewHeader(headerRoot, message.header, post);
      showPreviewGraphMessage();
      // Too big to draw, or a traceback to read: the Summary tab is the view.
      if ((message.header.tooLarge || message.header.problem?.traceback) && state.activeTab !== 'workflow') showTab('workflow');
      else if (state.activeTab === 'workflow') renderPreviewSummary(tabBodies.workflow, message.header);
      persist();
      return;
    case 'previewNode':
      if (message.node.nodeId !== state.selectedNodeId) return;
      state.previewNodeShown = true;
      renderPreviewNode(tabBodies.task, message.node, post);
      return;
    case 'pressPreviewAction':
      headerRoot.querySelector<HTMLButtonElement>(`button[data-action="${message.action}"]`)?.click();
      return;
  }
}

/** Building, failed, or too big to draw: said where the graph is. */
function showPreviewGraphMessage(): void {
  const previewHeader = state.previewHeader;
  const text = previewHeader && previewGraphMessage(previewHeader);
  if (text) graph.showMessage(text);
  else if (previewHeader?.state === 'ready' && graph.nodeCount > 0) graph.showMessage(undefined);
}

window.addEventListener('message', (event: MessageEvent) => received(event.data));
showTab(state.activeTab);
// Before `ready`: the extension lays the graph out for the view this panel showed before.
if (state.savedView) post({ type: 'graphView', view: state.savedView });
post({ type: 'ready' });

// The runtime of a running dispatch counts up between updates.
window.setInterval(() => {
  if (state.header && !state.header.terminal && state.header.startedAt !== undefined) renderHeader();
}, 1000);
