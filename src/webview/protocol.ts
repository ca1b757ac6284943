/**
 * The messages between the result panel (extension side) and its webview, both
 * ways, with validators. Neither side trusts the other's messages: a webview can
 * be scripted by whatever it displays if escaping ever failed, so the extension
 * checks every message before acting on it; the webview checks what it gets so a
 * bug on one side shows up as a clear error, not a half-drawn page.
 *
 * No `vscode` and no DOM here: both bundles import it.
 */
import {
  GRAPH_HOST_TYPES,
  type GraphDrawReport,
  type GraphHostMessage,
  type GraphLayoutOptions,
  type GraphViewState,
  type GraphWebviewMessage,
  parseGraphHostMessage,
  parseGraphViewState,
  parseGraphWebviewMessage,
} from './graphProtocol';
import { PREVIEW_HOST_TYPES, parsePreviewHostMessage, parsePreviewWebviewMessage, type PreviewHostMessage, type PreviewWebviewMessage } from './previewProtocol';
import { parseValueHostMessage, parseValueWebviewMessage, VALUE_HOST_TYPES, type ValueHostMessage, type ValueReport, type ValueWebviewMessage } from './valueProtocol';

import { TASK_FIELDS as DETAIL_FIELDS, type TaskField as DetailField, type ValueText as ValueView, type WorkflowField } from '../covalent/values';

/** The panel's view of a dispatch status (the server's names). */
export type StatusName = string;

export interface PanelHeader {
  readonly dispatchId: string;
  readonly latticeName?: string;
  readonly status: StatusName;
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly totalTasks?: number;
  readonly completedTasks?: number;
  readonly serverAddress: string;
  readonly parentDispatchId?: string;
  readonly terminal: boolean;
  /** Why the panel cannot show fresh data (server offline, dispatch unknown…). */
  readonly problem?: string;
  /** Where the tasks run: each executor (in words) and how many tasks it has, most first. */
  readonly executors?: readonly ExecutorGroup[];
}

export interface ExecutorGroup {
  /** `dask · scheduler tcp://10.0.0.5:8786`. */
  readonly label: string;
  readonly tasks: number;
}

/** A node as laid out (positions from the layout library, in graph units). */
export interface LaidOutNode {
  readonly nodeId: number;
  readonly name: string;
  readonly kind: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly subDispatchId?: string;
}

export interface LaidOutEdge {
  readonly source: number;
  readonly target: number;
  readonly label?: string;
  /** Polyline points x0,y0,x1,y1,… from the layout library. */
  readonly points: readonly number[];
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidOutNode[];
  readonly edges: readonly LaidOutEdge[];
  /** Nodes the choices hide (parameters, post-processing): named for the other views of the page. */
  readonly hiddenNodes?: readonly { readonly nodeId: number; readonly name: string; readonly kind: string }[];
  /** The choices it was laid out with, and by what. */
  readonly options?: GraphLayoutOptions;
  readonly engine?: string;
}

/** The live part of a task: sent on every change, applied without redrawing. */
export interface TaskLive {
  readonly nodeId: number;
  readonly status: StatusName;
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly reused: boolean;
  /** Where it runs, in words (`dask · scheduler tcp://10.0.0.5:8786`), or the executor's short name until the settings are read. */
  readonly executor?: string;
}

/** The panel shows values and fields exactly as the details reader returns them. */
export { TASK_FIELDS as DETAIL_FIELDS, WORKFLOW_FIELDS } from '../covalent/values';
export type { TaskField as DetailField, ValueText as ValueView, WorkflowField } from '../covalent/values';

export interface TaskDetailsView {
  readonly nodeId: number;
  readonly name: string;
  readonly executor?: string;
  readonly fields: Readonly<Record<DetailField, ValueView>>;
}


export interface WorkflowDetailsView {
  readonly name?: string;
  readonly executor?: string;
  readonly workflowExecutor?: string;
  readonly fields: Readonly<Record<WorkflowField, ValueView>>;
}

export type CompareChange = 'reused' | 'replaced' | 'rerun' | 'added' | 'removed';

export interface CompareRow {
  readonly nodeId: number;
  readonly name: string;
  readonly parentName?: string;
  readonly change: CompareChange;
  readonly status?: StatusName;
  readonly parentStatus?: StatusName;
  readonly durationMs?: number;
  readonly parentDurationMs?: number;
  readonly result?: string;
  readonly parentResult?: string;
}

export interface CompareView {
  readonly parentDispatchId: string;
  readonly rows: readonly CompareRow[];
  readonly result?: string;
  readonly parentResult?: string;
}

/** What the webview says it drew: the test hook reads this, not the extension's model. */
export interface RenderReport {
  readonly nodes: readonly { nodeId: number; name: string; kind: string; status: string; reused: boolean; executor?: string; x?: number; y?: number; width?: number; height?: number }[];
  readonly edges: readonly { source: number; target: number }[];
  readonly selectedNodeId?: number;
  /** Text of the details pane as displayed. */
  readonly detailsText: string;
  /** Text of the workflow tab as displayed. */
  readonly workflowText?: string;
  /** Elements inside value boxes that were not created by the webview (must be 0). */
  readonly foreignElements: number;
  /** Their tag names, to say what got in. */
  readonly foreignTags?: readonly string[];
  /** Elements of the page with an `on…` attribute (must be 0: data never brings a handler). */
  readonly eventHandlerAttributes?: number;
  /** Every script element of the page (VS Code's bridge and ours). */
  readonly scripts?: readonly string[];
  /** `window.__covalentInjected` — any script from server data that ran sets it. */
  readonly injectedScriptRan: boolean;
  readonly header: string;
  /** What the page saved for VS Code to give back after a reload (`vscode.getState()`). */
  readonly savedState?: unknown;
  /** The side pane's tabs, as labelled. */
  readonly tabs?: readonly string[];
  readonly timelineBars: number;
  /** Timeline rows drawn as reused (zero-length) marks. */
  readonly timelineReused: number;
  readonly compareRows: number;
  /** How many full graph renders happened since the page loaded (live updates must not add any). */
  readonly graphRenders: number;
  readonly transform: { x: number; y: number; scale: number };
  /** What the graph's canvas holds and how it is shown. */
  readonly graph?: GraphDrawReport;
  /** Each drawn value of the side pane, as painted. */
  readonly values?: readonly ValueReport[];
}

export type HostMessage =
  | { readonly type: 'header'; readonly header: PanelHeader }
  | { readonly type: 'graph'; readonly layout: GraphLayout; readonly tasks: readonly TaskLive[] }
  | { readonly type: 'tasks'; readonly tasks: readonly TaskLive[] }
  | { readonly type: 'graphProblem'; readonly message: string }
  | { readonly type: 'details'; readonly nodeId: number; readonly details: TaskDetailsView }
  | { readonly type: 'workflow'; readonly details: WorkflowDetailsView }
  | { readonly type: 'fullValue'; readonly nodeId: number | null; readonly field: DetailField; readonly value: ValueView }
  | { readonly type: 'compare'; readonly compare?: CompareView; readonly message?: string }
  | { readonly type: 'detailsProblem'; readonly nodeId: number | null; readonly message: string }
  | { readonly type: 'select'; readonly nodeId: number }
  | { readonly type: 'showTab'; readonly tab: PanelTab }
  | { readonly type: 'probe'; readonly requestId: number }
  /** Test hook: press the "show all" button of a field of the selected task, as a click would. */
  | { readonly type: 'pressShowAll'; readonly field: DetailField }
  /** Benchmark hook: pan (or zoom) the graph for this many frames and report frame times. */
  | { readonly type: 'measurePan'; readonly requestId: number; readonly frames: number; readonly gesture?: 'pan' | 'zoom' }
  | GraphHostMessage
  | PreviewHostMessage
  | ValueHostMessage;

export interface PanMeasurement {
  readonly frames: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export const PANEL_TABS = ['task', 'workflow', 'timeline', 'compare'] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

export const PANEL_ACTIONS = ['redispatch', 'cancel', 'openInUi', 'copyId', 'openParent', 'refresh'] as const;
export type PanelAction = (typeof PANEL_ACTIONS)[number];

/** What the task details pane offers for one task: run or debug it here, compare it with another dispatch. */
export const TASK_ACTIONS = ['runLocally', 'debugLocally', 'compare'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'select'; readonly nodeId: number }
  | { readonly type: 'showAll'; readonly nodeId: number | null; readonly field: DetailField }
  | { readonly type: 'action'; readonly action: PanelAction }
  | { readonly type: 'taskAction'; readonly action: TaskAction; readonly nodeId: number }
  | { readonly type: 'goToSource'; readonly nodeId: number }
  | { readonly type: 'openSublattice'; readonly nodeId: number }
  | { readonly type: 'loadWorkflow' }
  | { readonly type: 'loadCompare' }
  | { readonly type: 'drawn'; readonly nodes: number; readonly elapsedMs: number }
  | { readonly type: 'rendered'; readonly requestId: number; readonly report: RenderReport }
  | { readonly type: 'panMeasured'; readonly requestId: number; readonly measurement: PanMeasurement }
  | { readonly type: 'state'; readonly selectedNodeId?: number; readonly tab?: string }
  | GraphWebviewMessage
  | PreviewWebviewMessage
  | ValueWebviewMessage;

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNodeId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** A message from the webview, or undefined when it is not one this panel knows. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isObject(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'ready':
    case 'loadWorkflow':
    case 'loadCompare':
      return { type: value.type };
    case 'select':
    case 'goToSource':
    case 'openSublattice':
      return isNodeId(value.nodeId) ? { type: value.type, nodeId: value.nodeId } : undefined;
    case 'showAll':
      if (!(value.nodeId === null || isNodeId(value.nodeId)) || !isOneOf(DETAIL_FIELDS, value.field)) return undefined;
      return { type: 'showAll', nodeId: value.nodeId, field: value.field };
    case 'action':
      return isOneOf(PANEL_ACTIONS, value.action) ? { type: 'action', action: value.action } : undefined;
    case 'taskAction':
      return isOneOf(TASK_ACTIONS, value.action) && isNodeId(value.nodeId) ? { type: 'taskAction', action: value.action, nodeId: value.nodeId } : undefined;
    case 'drawn':
      return typeof value.nodes === 'number' && typeof value.elapsedMs === 'number'
        ? { type: 'drawn', nodes: value.nodes, elapsedMs: value.elapsedMs }
        : undefined;
    case 'rendered':
      return typeof value.requestId === 'number' && isRenderReport(value.report)
        ? { type: 'rendered', requestId: value.requestId, report: value.report }
        : undefined;
    case 'panMeasured':
      return typeof value.requestId === 'number' && isObject(value.measurement) && typeof value.measurement.meanMs === 'number'
        ? { type: 'panMeasured', requestId: value.requestId, measurement: value.measurement as unknown as PanMeasurement }
        : undefined;
    case 'state':
      return {
        type: 'state',
        selectedNodeId: isNodeId(value.selectedNodeId) ? value.selectedNodeId : undefined,
        tab: typeof value.tab === 'string' && value.tab.length < 40 ? value.tab : undefined,
      };
    default:
      return parseGraphWebviewMessage(value) ?? parsePreviewWebviewMessage(value) ?? parseValueWebviewMessage(value);
  }
}

function isRenderReport(value: unknown): value is RenderReport {
  return (
    isObject(value) &&
    Array.isArray(value.nodes) &&
    Array.isArray(value.edges) &&
    typeof value.detailsText === 'string' &&
    typeof value.foreignElements === 'number' &&
    typeof value.injectedScriptRan === 'boolean' &&
    typeof value.graphRenders === 'number'
  );
}

const HOST_TYPES = ['header', 'graph', 'tasks', 'graphProblem', 'details', 'workflow', 'fullValue', 'compare', 'detailsProblem', 'select', 'showTab', 'probe', 'measurePan', 'pressShowAll', ...GRAPH_HOST_TYPES, ...PREVIEW_HOST_TYPES, ...VALUE_HOST_TYPES] as const;

/**
 * The webview's check of what the extension sent: the shape of the envelope and
 * of the parts the page indexes into. Strings are displayed as text only, so
 * their content needs no check.
 */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isObject(value) || !isOneOf(HOST_TYPES, value.type)) return undefined;
  switch (value.type) {
    case 'header':
      return isObject(value.header) && typeof value.header.dispatchId === 'string' ? (value as unknown as HostMessage) : undefined;
    case 'graph':
      return isObject(value.layout) && Array.isArray(value.layout.nodes) && Array.isArray(value.layout.edges) && Array.isArray(value.tasks)
        ? (value as unknown as HostMessage)
        : undefined;
    case 'tasks':
      return Array.isArray(value.tasks) ? (value as unknown as HostMessage) : undefined;
    case 'details':
      return isNodeId(value.nodeId) && isObject(value.details) && isObject(value.details.fields) ? (value as unknown as HostMessage) : undefined;
    case 'workflow':
      return isObject(value.details) && isObject(value.details.fields) ? (value as unknown as HostMessage) : undefined;
    case 'fullValue':
      return isOneOf(DETAIL_FIELDS, value.field) && isObject(value.value) ? (value as unknown as HostMessage) : undefined;
    case 'select':
      return isNodeId(value.nodeId) ? (value as unknown as HostMessage) : undefined;
    case 'pressShowAll':
      return isOneOf(DETAIL_FIELDS, value.field) ? (value as unknown as HostMessage) : undefined;
    case 'showTab':
      return isOneOf(PANEL_TABS, value.tab) ? (value as unknown as HostMessage) : undefined;
    case 'probe':
    case 'measurePan':
      return typeof value.requestId === 'number' ? (value as unknown as HostMessage) : undefined;
    case 'graphView':
    case 'exportGraph':
    case 'pressControl':
    case 'findTask':
    case 'dragNode':
      return parseGraphHostMessage(value);
    case 'previewHeader':
    case 'previewNode':
    case 'pressPreviewAction':
      return parsePreviewHostMessage(value);
    case 'drawnValue':
    case 'valueProblem':
    case 'pressValueButton':
      return parseValueHostMessage(value);
    default:
      return value as unknown as HostMessage;
  }
}

/** The state the webview keeps across reloads (`vscode.setState`) and the serializer restores. */
export interface PersistedPanelState {
  readonly dispatchId: string;
  /** The server that holds the dispatch (absent in states saved before it was kept). */
  readonly serverAddress?: string;
  readonly selectedNodeId?: number;
  readonly tab?: string;
  readonly view?: GraphViewState;
}

function isServerAddress(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2000) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function parsePersistedState(value: unknown): PersistedPanelState | undefined {
  if (!isObject(value) || typeof value.dispatchId !== 'string' || !/^[0-9A-Za-z_-]{1,100}$/.test(value.dispatchId)) return undefined;
  return {
    dispatchId: value.dispatchId,
    ...(isServerAddress(value.serverAddress) ? { serverAddress: value.serverAddress } : {}),
    selectedNodeId: isNodeId(value.selectedNodeId) ? value.selectedNodeId : undefined,
    tab: typeof value.tab === 'string' ? value.tab : undefined,
    ...(value.view !== undefined ? { view: parseGraphViewState(value.view) } : {}),
  };
}
