import type { ExecutorChoice } from '../executors/choice';

/**
 * Dispatches as the Covalent client reads them and every view shows them: their
 * statuses, their tasks and links, and what the editor knows of the ones it made.
 * Plain data, no `vscode`: the client fills it, the store holds it (and
 * re-exports it, in src/store/types.ts), views render it.
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
