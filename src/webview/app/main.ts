import {
  type CompareView,
  type DetailField,
  type HostMessage,
  PANEL_TABS,
  type PanelHeader,
  type PanelTab,
  parseHostMessage,
  type RenderReport,
  type TaskDetailsView,
  type TaskLive,
  type ValueView,
  type WebviewMessage,
  type WorkflowDetailsView,
} from '../protocol';
import { DEFAULT_VIEW_STATE, displayName, type GraphViewState, parseGraphViewState } from '../graphProtocol';
import type { PreviewHeader } from '../previewProtocol';
import { button, clear, definitionList, element, formatBytes, formatDuration, formatTime, icon, metaItem, statusChip } from './dom';
import { GraphView } from './graph';
import { previewGraphMessage, renderPreviewHeader, renderPreviewNode, renderPreviewSummary } from './previewPage';
import { ValueViews } from './valueView';
import { paintCompare } from './compareView';

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
const tabBar = element('nav', { className: 'tabs', attributes: { role: 'tablist' } });
const tabBodies: Record<Tab, HTMLElement> = {
  task: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-task' } }),
  workflow: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-workflow' } }),
  timeline: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-timeline' } }),
  compare: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-compare' } }),
};
const TAB_LABELS: Record<Tab, [string, string]> = {
  task: ['Task', 'symbol-method'],
  workflow: previewMode ? ['Summary', 'list-flat'] : ['Workflow', 'type-hierarchy'],
  timeline: ['Timeline', 'graph-line'],
  compare: ['Compare', 'diff'],
};
const tabButtons = new Map<Tab, HTMLButtonElement>();
for (const tab of TABS) {
  const [label, iconName] = TAB_LABELS[tab];
  const tabButton = element('button', { className: 'tab', attributes: { role: 'tab', 'data-tab': tab }, onClick: () => showTab(tab) }, icon(iconName), element('span', { text: label }));
  tabButton.type = 'button';
  tabButtons.set(tab, tabButton);
  tabBar.appendChild(tabButton);
}
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
  if (!header) return;
  const h = header;
  clear(headerRoot);
  const runtime = h.startedAt !== undefined ? (h.completedAt ?? (h.terminal ? undefined : Date.now())) : undefined;
  const title = element(
    'div',
    { className: 'title-row' },
    element('h1', { text: h.latticeName ?? 'Dispatch' }),
    statusChip(h.status),
    element('code', { className: 'dispatch-id', text: h.dispatchId, title: 'Dispatch id' }),
    iconButton('copy', 'Copy the dispatch id', () => post({ type: 'action', action: 'copyId' })),
  );
  const meta = element(
    'div',
    { className: 'meta-row' },
    metaItem('Started', formatTime(h.startedAt)),
    metaItem('Ended', formatTime(h.completedAt)),
    metaItem('Runtime', runtime !== undefined && h.startedAt !== undefined ? formatDuration(runtime - h.startedAt) : '—'),
    metaItem('Tasks', h.totalTasks !== undefined ? `${h.completedTasks ?? 0}/${h.totalTasks}` : '—'),
    metaItem('Server', h.serverAddress),
  );
  if (h.parentDispatchId) {
    const link = element('a', { className: 'link', text: h.parentDispatchId.slice(0, 8), title: `Open the parent dispatch ${h.parentDispatchId}`, attributes: { href: '#' } });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      post({ type: 'action', action: 'openParent' });
    });
    meta.appendChild(element('span', { className: 'meta' }, element('span', { className: 'meta-label', text: 'Redispatch of' }), link));
  }
  const actions = element(
    'div',
    { className: 'actions' },
    button('Redispatch', 'debug-restart', () => post({ type: 'action', action: 'redispatch' })),
    h.terminal ? undefined : button('Cancel', 'debug-stop', () => post({ type: 'action', action: 'cancel' })),
    button('Open in Covalent UI', 'link-external', () => post({ type: 'action', action: 'openInUi' })),
    button('Refresh', 'refresh', () => post({ type: 'action', action: 'refresh' })),
  );
  if (h.executors?.length) meta.appendChild(metaItem('Runs on', h.executors.map((group) => (h.executors?.length === 1 ? group.label : `${group.label} (${group.tasks})`)).join(', ')));
  headerRoot.appendChild(element('div', { className: 'header-main' }, title, meta));
  headerRoot.appendChild(actions);
  if (h.problem) headerRoot.appendChild(element('div', { className: 'problem', attributes: { role: 'alert' } }, icon('warning'), element('span', { text: h.problem })));
}

function iconButton(iconName: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = element('button', { className: 'icon-button', title, attributes: { 'aria-label': title }, onClick }, icon(iconName));
  node.type = 'button';
  return node;
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
  const target = tabBodies.task;
  clear(target);
  const live = tasks.get(details.nodeId);
  const info = graph.nodeInfo(details.nodeId);
  const status = live?.status ?? 'UNKNOWN';
  const duration = live?.startedAt !== undefined && live.completedAt !== undefined ? live.completedAt - live.startedAt : undefined;
  const titleRow = element('div', { className: 'details-title' }, element('h2', { text: details.name }), statusChip(status));
  if (live?.reused) titleRow.appendChild(element('span', { className: 'badge reused-badge', text: '↻ reused from the parent dispatch' }));
  target.appendChild(titleRow);
  const actions = element('div', { className: 'details-actions' });
  if (!details.name.startsWith(':')) {
    actions.appendChild(button('Go to source', 'go-to-file', () => post({ type: 'goToSource', nodeId: details.nodeId })));
    actions.appendChild(button('Run locally', 'run', () => post({ type: 'taskAction', action: 'runLocally', nodeId: details.nodeId })));
    actions.appendChild(button('Debug locally', 'debug-alt-small', () => post({ type: 'taskAction', action: 'debugLocally', nodeId: details.nodeId })));
    actions.appendChild(button('Compare…', 'diff', () => post({ type: 'taskAction', action: 'compare', nodeId: details.nodeId })));
  }
  if (info?.kind === 'sublattice') actions.appendChild(button('Open sublattice', 'type-hierarchy-sub', () => post({ type: 'openSublattice', nodeId: details.nodeId })));
  target.appendChild(actions);
  target.appendChild(
    definitionList([
      ['Status', status.replace(/_/g, ' ')],
      ['Started', formatTime(live?.startedAt)],
      ['Ended', formatTime(live?.completedAt)],
      ['Duration', live?.reused ? '0 (reused)' : formatDuration(duration)],
      ['Executor', details.executor ?? live?.executor ?? '—'],
      ['Kind', info?.kind ?? '—'],
      ['Node', String(details.nodeId)],
    ]),
  );
  const fields: [DetailField, string][] = [
    ['inputs', 'Inputs'],
    ['result', 'Result'],
    ['error', 'Error'],
    ['stdout', 'Stdout'],
    ['stderr', 'Stderr'],
    ['source', 'Source'],
  ];
  for (const [field, label] of fields) {
    const section = valueSection(details.nodeId, field, label, details.fields[field]);
    target.appendChild(section);
    if (drawable(field, details.fields[field])) values.draw(section, { nodeId: details.nodeId, value: field === 'inputs' ? 'inputs' : 'result' });
  }
}

/** Inputs and results are drawn (figures, tables, arrays) when the server has them. */
function drawable(field: DetailField, value: ValueView | undefined): boolean {
  return !previewMode && (field === 'inputs' || field === 'result') && value !== undefined && !value.unavailable && value.text !== '';
}

function valueSection(nodeId: number | null, field: DetailField, label: string, value: ValueView | undefined): HTMLElement {
  const section = element('section', { className: `value-section field-${field}`, attributes: { 'data-field': field } });
  section.appendChild(element('h3', { text: label }));
  fillValue(section, nodeId, field, value);
  return section;
}

function fillValue(section: HTMLElement, nodeId: number | null, field: DetailField, value: ValueView | undefined): void {
  for (const old of Array.from(section.querySelectorAll('.value, .unavailable, .empty, .show-all'))) old.remove();
  if (!value) return;
  if (value.unavailable) {
    section.appendChild(element('p', { className: 'unavailable', text: `Not available: ${value.unavailable}` }));
    return;
  }
  if (!value.text) {
    section.appendChild(element('p', { className: 'empty', text: '(none)' }));
    return;
  }
  section.appendChild(element('pre', { className: `value${field === 'error' || field === 'stderr' ? ' value-error' : ''}`, text: value.text }));
  if (value.truncated) {
    const more = button(value.totalBytes === undefined ? 'Show all' : `Show all (${formatBytes(value.totalBytes)})`, 'unfold', () => {
      more.disabled = true;
      post({ type: 'showAll', nodeId, field });
    });
    more.classList.add('show-all');
    section.appendChild(more);
  }
}

function applyFullValue(nodeId: number | null, field: DetailField, value: ValueView): void {
  const container = nodeId === null ? tabBodies.workflow : tabBodies.task;
  if (nodeId !== null && currentDetails?.nodeId !== nodeId) return;
  const section = container.querySelector<HTMLElement>(`section[data-field="${field}"]`);
  if (section) fillValue(section, nodeId, field, value);
}

// ---------------------------------------------------------------- workflow
function renderWorkflow(details: WorkflowDetailsView): void {
  workflowDetails = details;
  const target = tabBodies.workflow;
  clear(target);
  target.appendChild(element('div', { className: 'details-title' }, element('h2', { text: details.name ?? 'Workflow' }), statusChip(header?.status ?? 'UNKNOWN')));
  target.appendChild(
    definitionList([
      ['Executor', details.executor ?? '—'],
      ['Workflow executor', details.workflowExecutor ?? '—'],
    ]),
  );
  for (const [field, label] of [
    ['inputs', 'Inputs'],
    ['result', 'Result'],
  ] as const) {
    const section = valueSection(null, field, label, details.fields[field]);
    target.appendChild(section);
    if (drawable(field, details.fields[field])) values.draw(section, { nodeId: null, value: field });
  }
  const failed = [...tasks.values()].filter((task) => task.status === 'FAILED');
  const errorSection = valueSection(null, 'error', 'Error', details.fields.error);
  if (failed.length > 0) {
    const list = element('p', { className: 'failed-tasks', text: 'Failed tasks: ' });
    for (const task of failed) {
      const info = graph.nodeInfo(task.nodeId);
      const link = element('a', { className: 'link', text: info ? displayName(info.name, info.kind) : String(task.nodeId), attributes: { href: '#' } });
      link.addEventListener('click', (event) => {
        event.preventDefault();
        selectTask(task.nodeId);
      });
      list.appendChild(link);
      list.appendChild(document.createTextNode(' '));
    }
    errorSection.appendChild(list);
  }
  target.appendChild(errorSection);
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
  const target = tabBodies.timeline;
  const scroll = target.scrollTop;
  clear(target);
  const rows = [...tasks.values()]
    .filter((task) => task.startedAt !== undefined && graph.nodeInfo(task.nodeId)?.kind !== 'parameter')
    .sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.nodeId - b.nodeId);
  if (rows.length === 0) {
    target.appendChild(element('p', { className: 'placeholder', text: 'No task has started yet.' }));
    return;
  }
  const now = Date.now();
  const start = Math.min(...rows.map((task) => task.startedAt ?? now));
  const end = Math.max(...rows.map((task) => task.completedAt ?? (isRunning(task.status) ? now : task.startedAt ?? now)));
  const span = Math.max(1, end - start);
  target.appendChild(element('p', { className: 'timeline-scale', text: `${formatTime(start)} — ${formatDuration(span)} in total. ↻ marks reused tasks (no run time).` }));
  const list = element('div', { className: 'timeline' });
  for (const task of rows) {
    const info = graph.nodeInfo(task.nodeId);
    const from = task.startedAt ?? start;
    const to = task.completedAt ?? (isRunning(task.status) ? now : from);
    const row = element('div', { className: 'timeline-row', attributes: { 'data-node': String(task.nodeId) }, onClick: () => selectTask(task.nodeId) });
    row.appendChild(element('span', { className: 'timeline-label', text: info ? displayName(info.name, info.kind) : String(task.nodeId), title: info?.name }));
    const track = element('span', { className: 'timeline-track' });
    const left = ((from - start) / span) * 100;
    if (task.reused || to === from) {
      const mark = element('span', { className: `timeline-mark${task.reused ? ' reused' : ''}`, title: task.reused ? 'reused: no run time' : 'no run time', text: task.reused ? '↻' : '◆' });
      mark.style.left = `${left}%`;
      track.appendChild(mark);
    } else {
      const bar = element('span', { className: 'timeline-bar', attributes: { 'data-status': task.status }, title: `${formatDuration(to - from)} · ${task.status}` });
      bar.style.left = `${left}%`;
      bar.style.width = `${Math.max(0.3, ((to - from) / span) * 100)}%`;
      track.appendChild(bar);
    }
    row.appendChild(track);
    row.appendChild(element('span', { className: 'timeline-duration', text: task.reused ? 'reused' : formatDuration(to - from) }));
    list.appendChild(row);
  }
  target.appendChild(list);
  target.scrollTop = scroll;
}

function isRunning(status: string): boolean {
  return status === 'RUNNING' || status === 'DISPATCHING' || status === 'POSTPROCESSING';
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
      post({ type: 'rendered', requestId: message.requestId, report: renderReport() });
      return;
    case 'measurePan':
      void graph.measureGesture(message.frames, message.gesture ?? 'pan').then((measurement) => post({ type: 'panMeasured', requestId: message.requestId, measurement }));
      return;
    case 'graphView':
      graph.applyView(message.view);
      persist();
      return;
    case 'exportGraph':
      void graph.exportPicture(message.format).then((picture) => picture && post({ type: 'exported', requestId: message.requestId, ...picture }));
      return;
    case 'pressControl':
      graph.press(message.control, message.value);
      return;
    case 'findTask':
      graph.findAsTyped(message.query);
      return;
    case 'dragNode':
      void graph.dragNode(message.nodeId, message.dx, message.dy);
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

function renderReport(): RenderReport {
  // Value boxes hold text only: any element inside one came from data, not from us.
  // (Scripts outside #app are VS Code's own webview bridge.)
  // Drawn values' pictures are ours (img.value-image); sanitized HTML is counted apart.
  const foreign = Array.from(document.querySelectorAll('pre.value *, .placeholder *, dd *, td *:not(.badge), #app script, #app img:not(.value-image), #app iframe, #app object, #app embed, #app b')).filter(
    (node) => !node.closest('.side-by-side') && (!node.closest('.value-html') || ['SCRIPT', 'IMG', 'IFRAME', 'OBJECT', 'EMBED'].includes(node.tagName)),
  );
  const handlers = Array.from(document.querySelectorAll('#app *')).filter((node) => Array.from(node.attributes).some((attribute) => attribute.name.startsWith('on'))).length;
  const scripts = Array.from(document.querySelectorAll('script')).map((script) => script.src || 'inline');
  return {
    nodes: graph.drawnNodes(),
    edges: graph.drawnEdges(),
    selectedNodeId,
    detailsText: tabBodies.task.textContent ?? '',
    workflowText: tabBodies.workflow.textContent ?? '',
    foreignElements: foreign.length,
    foreignTags: foreign.map((node) => node.tagName.toLowerCase()),
    eventHandlerAttributes: handlers,
    values: values.reports(),
    scripts,
    injectedScriptRan: (window as unknown as { __covalentInjected?: unknown }).__covalentInjected !== undefined,
    header: headerRoot.textContent ?? '',
    tabs: Array.from(tabBar.querySelectorAll('.tab')).map((tab) => tab.textContent ?? ''),
    timelineBars: tabBodies.timeline.querySelectorAll('.timeline-row').length,
    timelineReused: tabBodies.timeline.querySelectorAll('.timeline-mark.reused').length,
    compareRows: tabBodies.compare.querySelectorAll('tbody tr').length,
    graphRenders: graph.renders,
    transform: { ...graph.transform },
    graph: graph.report(),
    savedState: vscode.getState(),
  };
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
