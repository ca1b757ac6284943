import type { ExecutorChoice } from '../executors/choice';

/**
 * The shape of dispatch state every view reads. Plain data, no `vscode`: the
 * Covalent client fills it, the store holds it, views render it.
 */

/** `covalent/_shared_files/util_classes.py` in Covalent 0.240. */
export const DISPATCH_STATUSES = [
  'NEW_OBJECT',
  'STARTING',
  'PENDING_REUSE',
  'PENDING_REPLACEMENT',
  'RUNNING',
  'DISPATCHING',
  'POSTPROCESSING',
  'PENDING_POSTPROCESSING',
  'POSTPROCESSING_FAILED',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const;

export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<DispatchStatus> = new Set<DispatchStatus>([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'POSTPROCESSING_FAILED',
]);

export function isDispatchStatus(value: unknown): value is DispatchStatus {
  return typeof value === 'string' && (DISPATCH_STATUSES as readonly string[]).includes(value);
}

export function isTerminal(status: DispatchStatus | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.has(status);
}

/** What the editor knows about a dispatch it made (the server does not know these). */
export interface DispatchOrigin {
  /** File the lattice was dispatched from, as a URI string. */
  readonly fileUri?: string;
  /** The lattice's name as written in that file. */
  readonly latticeName?: string;
  /** The inputs as the user typed them (Python call syntax). */
  readonly inputs?: string;
  /** Server the dispatch went to (the configured address at that time). */
  readonly serverAddress: string;
  /** For a redispatch: the dispatch it was made from. */
  readonly parentDispatchId?: string;
  /** Saved with `disable_run`, not started yet. */
  readonly disableRun?: boolean;
  /** Milliseconds since the epoch when the editor submitted it. */
  readonly submittedAt?: number;
  /** Where the editor chose to run it; absent: as written. */
  readonly executors?: ExecutorChoice;
}

/** One dispatch as the store holds it. Timestamps are milliseconds since the epoch. */
export interface DispatchState {
  readonly dispatchId: string;
  /** The server that described it (dispatch ids are unique, but each lives on one server). */
  readonly serverAddress?: string;
  readonly rootDispatchId?: string;
  readonly name?: string;
  readonly status: DispatchStatus;
  readonly totalTasks?: number;
  readonly completedTasks?: number;
  readonly createdAt?: number;
  readonly updatedAt?: number;
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly origin?: DispatchOrigin;
}

/** Covalent's node type: 'function', 'parameter', 'sublattice', 'electron_list', 'electron_dict', 'attribute', 'generated', 'subscript', or a newer one. */
export type TaskKind = string;

/** One node of a dispatch's transport graph. */
export interface TaskState {
  readonly nodeId: number;
  readonly name: string;
  readonly kind: TaskKind;
  readonly status: DispatchStatus;
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly executor?: string;
  readonly subDispatchId?: string;
  /** A redispatch reused the previous result: start time equals end time. */
  readonly reused: boolean;
}

export interface TaskEdge {
  readonly source: number;
  readonly target: number;
  /** Parameter name or position the value flows into, when the server gives one. */
  readonly label?: string;
}

/** A dispatch's tasks and the links between them, as the tree, the editor and the panel read them. */
export interface DispatchGraph {
  readonly dispatchId: string;
  readonly tasks: readonly TaskState[];
  readonly edges: readonly TaskEdge[];
  /** Milliseconds since the epoch when this graph was fetched. */
  readonly fetchedAt: number;
}

/**
 * Why a watched dispatch's graph is missing or behind. Views show `message` as-is
 * (instead of waiting forever) until a graph arrives.
 */
export interface GraphProblem {
  readonly dispatchId: string;
  /** 'waiting': a request is under way but slow; 'timeout': it gave up and will retry; 'failed': the server answered with an error. */
  readonly kind: 'waiting' | 'timeout' | 'failed';
  readonly message: string;
  /** When the next attempt starts (milliseconds since the epoch), when one is planned. */
  readonly retryAt?: number;
}

/** 'unauthorized': the server (or its proxy) answers 401/403 — it wants a token, or another one. */
export type ServerConnection = 'unknown' | 'online' | 'offline' | 'unauthorized';

/** Filter of the Dispatches tree (the server's list does the filtering). */
export interface ListFilter {
  /** Part of a lattice name or dispatch id. */
  readonly search?: string;
  readonly status?: DispatchStatus;
}

/** The server's list of dispatches as far as the tree has paged through it. */
export interface DispatchListing {
  /** Newest first, as the server sent them. */
  readonly dispatchIds: readonly string[];
  /** How many the server has for this filter, when it says (searches only). */
  readonly total?: number;
  /** The server has more than these: the tree offers "Load more…". */
  readonly hasMore: boolean;
  readonly filter: ListFilter;
  /** Milliseconds since the epoch of the last successful load. */
  readonly loadedAt?: number;
  /** Why the last load failed, in words for people; cleared by the next success. */
  readonly error?: string;
}

/** A failed task's error text (traceback), for diagnostics and the result panel. */
export interface TaskError {
  readonly dispatchId: string;
  readonly nodeId: number;
  readonly taskName: string;
  readonly text: string;
  /** Where the task ran, in words (`dask · scheduler tcp://10.0.0.5:8786`), when known. */
  readonly executor?: string;
}

/** Events the store fires; views refresh only what changed. */
export type StoreChange =
  | { readonly kind: 'dispatch'; readonly dispatchId: string }
  | { readonly kind: 'graph'; readonly dispatchId: string }
  | { readonly kind: 'list' }
  | { readonly kind: 'taskErrors'; readonly dispatchId: string }
  | { readonly kind: 'connection'; readonly connection: ServerConnection; readonly error?: string };
