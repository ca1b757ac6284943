/**
 * What the graph view and the extension say to each other about the graph itself:
 * how it is laid out and shown (the user's choices, remembered per panel), its
 * export as a picture, and the test hooks that drive its controls as a user would.
 * Nothing here knows about dispatches, so a graph built before any dispatch
 * (no statuses, nodes linked to source) can use the same view.
 *
 * No `vscode` and no DOM here: both bundles import it.
 */

export const GRAPH_DIRECTIONS = ['DOWN', 'RIGHT', 'UP', 'LEFT'] as const;
export type GraphDirection = (typeof GRAPH_DIRECTIONS)[number];

export const GRAPH_ALGORITHMS = ['layered', 'mrtree', 'force', 'rectpacking', 'box'] as const;
export type GraphAlgorithm = (typeof GRAPH_ALGORITHMS)[number];

/**
 * The layout algorithms offered, named as in the Covalent UI, with the most nodes
 * each lays out in a few seconds here (ELK's force and tree layouts grow much
 * faster than linearly: force needs 13 s for 300 nodes, tree 16 s for 5,000).
 */
export const GRAPH_ALGORITHM_CHOICES: readonly { readonly value: GraphAlgorithm; readonly label: string; readonly maxNodes: number }[] = [
  { value: 'layered', label: 'Layered', maxNodes: Number.POSITIVE_INFINITY },
  { value: 'mrtree', label: 'Tree', maxNodes: 1500 },
  { value: 'force', label: 'Force', maxNodes: 150 },
  { value: 'rectpacking', label: 'Rectangular', maxNodes: 6000 },
  { value: 'box', label: 'Box', maxNodes: Number.POSITIVE_INFINITY },
];

export function algorithmFits(algorithm: GraphAlgorithm, nodes: number): boolean {
  return nodes <= (GRAPH_ALGORITHM_CHOICES.find((choice) => choice.value === algorithm)?.maxNodes ?? 0);
}

/** The choices that change the layout (the extension lays the graph out again). */
export interface GraphLayoutOptions {
  readonly direction: GraphDirection;
  readonly algorithm: GraphAlgorithm;
  readonly showParameters: boolean;
  readonly showPostprocessing: boolean;
}

/** Everything the user chose about the graph view; the page keeps it in its webview state. */
export interface GraphViewState extends GraphLayoutOptions {
  readonly labels: boolean;
  readonly minimap: boolean;
  readonly draggable: boolean;
}

export const DEFAULT_LAYOUT_OPTIONS: GraphLayoutOptions = { direction: 'DOWN', algorithm: 'layered', showParameters: true, showPostprocessing: true };
export const DEFAULT_VIEW_STATE: GraphViewState = { ...DEFAULT_LAYOUT_OPTIONS, labels: true, minimap: false, draggable: false };

export function layoutOptionsOf(view: GraphLayoutOptions): GraphLayoutOptions {
  return { direction: view.direction, algorithm: view.algorithm, showParameters: view.showParameters, showPostprocessing: view.showPostprocessing };
}

export function layoutOptionsKey(options: GraphLayoutOptions): string {
  return `${options.direction}/${options.algorithm}/${options.showParameters ? 'p' : '-'}${options.showPostprocessing ? 'pp' : '--'}`;
}

/** The label a node shows: parameters show their value, Covalent's own nodes lose their `:kind:` prefix. */
export function displayName(name: string, kind: string): string {
  if (kind === 'parameter') return name.replace(/^:parameter:/, '');
  const internal = /^:([a-z_]+):(.*)$/.exec(name);
  if (internal) return internal[2] ? internal[2] : internal[1]!;
  return name;
}

/** Covalent's post-processing node: it collects every task's output (`:postprocess:`). */
export function isPostprocessing(name: string): boolean {
  return name.startsWith(':postprocess:');
}

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function flag(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** A view state from anywhere (saved state, a message): unknown or missing fields take their defaults. */
export function parseGraphViewState(value: unknown): GraphViewState | undefined {
  if (!isObject(value)) return undefined;
  return {
    direction: oneOf(GRAPH_DIRECTIONS, value.direction, DEFAULT_VIEW_STATE.direction),
    algorithm: oneOf(GRAPH_ALGORITHMS, value.algorithm, DEFAULT_VIEW_STATE.algorithm),
    showParameters: flag(value.showParameters, DEFAULT_VIEW_STATE.showParameters),
    showPostprocessing: flag(value.showPostprocessing, DEFAULT_VIEW_STATE.showPostprocessing),
    labels: flag(value.labels, DEFAULT_VIEW_STATE.labels),
    minimap: flag(value.minimap, DEFAULT_VIEW_STATE.minimap),
    draggable: flag(value.draggable, DEFAULT_VIEW_STATE.draggable),
  };
}

export const GRAPH_EXPORT_FORMATS = ['svg', 'png'] as const;
export type GraphExportFormat = (typeof GRAPH_EXPORT_FORMATS)[number];

/** The controls a test can press (each as its button or key would). */
export const GRAPH_CONTROLS = ['zoomIn', 'zoomOut', 'fit', 'minimap', 'orientation', 'layout', 'parameters', 'postprocessing', 'labels', 'draggable'] as const;
export type GraphControl = (typeof GRAPH_CONTROLS)[number];

/** A picture of the graph as the page made it: SVG text, or PNG bytes in base64. */
export interface GraphExportData {
  readonly format: GraphExportFormat;
  readonly data: string;
}

/** Pictures bigger than this are refused (a 5,000-task graph's SVG is ~3 MB). */
export const MAX_EXPORT_CHARS = 120 * 1024 * 1024;

/** Messages from the page about the graph (validated by the extension). */
export type GraphWebviewMessage =
  | { readonly type: 'graphView'; readonly view: GraphViewState }
  | { readonly type: 'exported'; readonly requestId?: number; readonly format: GraphExportFormat; readonly data: string };

export function parseGraphWebviewMessage(value: Fields): GraphWebviewMessage | undefined {
  switch (value.type) {
    case 'graphView': {
      const view = parseGraphViewState(value.view);
      return view ? { type: 'graphView', view } : undefined;
    }
    case 'exported': {
      const format = oneOf(GRAPH_EXPORT_FORMATS, value.format, 'svg');
      if (value.format !== format || typeof value.data !== 'string' || value.data.length > MAX_EXPORT_CHARS) return undefined;
      const requestId = typeof value.requestId === 'number' && Number.isInteger(value.requestId) ? value.requestId : undefined;
      return { type: 'exported', requestId, format, data: value.data };
    }
    default:
      return undefined;
  }
}

/** Messages to the page about the graph. */
export type GraphHostMessage =
  /** The view state to show (a restored panel's, when the page had none). */
  | { readonly type: 'graphView'; readonly view: GraphViewState }
  /** Make a picture and send it back as `exported` with this request id. */
  | { readonly type: 'exportGraph'; readonly requestId: number; readonly format: GraphExportFormat }
  /** Test hooks: press a control (`value`: the orientation or layout to end at), search for a task, drag a node by (dx, dy) screen pixels. */
  | { readonly type: 'pressControl'; readonly control: GraphControl; readonly value?: string }
  | { readonly type: 'findTask'; readonly query: string }
  | { readonly type: 'dragNode'; readonly nodeId: number; readonly dx: number; readonly dy: number };

export const GRAPH_HOST_TYPES = ['graphView', 'exportGraph', 'pressControl', 'findTask', 'dragNode'] as const;

export function parseGraphHostMessage(value: Fields): GraphHostMessage | undefined {
  switch (value.type) {
    case 'graphView': {
      const view = parseGraphViewState(value.view);
      return view ? { type: 'graphView', view } : undefined;
    }
    case 'exportGraph':
      return typeof value.requestId === 'number' && (GRAPH_EXPORT_FORMATS as readonly unknown[]).includes(value.format) ? (value as unknown as GraphHostMessage) : undefined;
    case 'pressControl':
      return (GRAPH_CONTROLS as readonly unknown[]).includes(value.control) && (value.value === undefined || typeof value.value === 'string') ? (value as unknown as GraphHostMessage) : undefined;
    case 'findTask':
      return typeof value.query === 'string' ? (value as unknown as GraphHostMessage) : undefined;
    case 'dragNode':
      return typeof value.nodeId === 'number' && typeof value.dx === 'number' && typeof value.dy === 'number' ? (value as unknown as GraphHostMessage) : undefined;
    default:
      return undefined;
  }
}

/** What the canvas holds, as the page reports it to tests (beside the nodes and edges it drew). */
export interface GraphDrawReport {
  readonly view: GraphViewState;
  /** The layout the drawn positions came from. */
  readonly layout: GraphLayoutOptions & { readonly engine: string };
  /** Level of detail of the last frame: 'full' (labels), 'boxes', or 'dots'. */
  readonly detail: string;
  /** Nodes and labels painted in the visible area, counted while painting. */
  readonly visibleNodes: number;
  readonly labelsPainted: number;
  /** Full repaints of the graph, and nodes repainted alone (live status changes). */
  readonly fullRepaints: number;
  /** Test-hook drags that have ended (pointer up). */
  readonly dragsFinished: number;
  readonly nodeRepaints: number;
  readonly minimapShown: boolean;
  readonly minimapPainted: number;
  /** Canvas size in CSS pixels. */
  readonly viewport: { readonly width: number; readonly height: number };
  /** Colour read back from the canvas at each visible node's status mark, beside the colour its status has. */
  readonly pixels: readonly { readonly nodeId: number; readonly actual: string; readonly expected: string }[];
  readonly findResult?: string;
  readonly message?: string;
}
