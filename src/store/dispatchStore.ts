import { Emitter } from '../util/events';
import type { ExecutorDescription } from '../executors/describe';
import { type DispatchGraph, type DispatchListing, type DispatchOrigin, type DispatchState, type DispatchStatus, type GraphProblem, isTerminal, type ServerConnection, type StoreChange, type TaskError } from './types';

export interface DispatchStoreOptions {
  /**
   * Graphs (and task executors) kept of finished dispatches no view watches, the
   * most recently used (default 50); older ones are dropped and fetched again
   * when a view watches them. Watched and unfinished dispatches' graphs always stay.
   */
  readonly idleGraphs?: number;
}

/**
 * The single source of truth for dispatch state. The Covalent client and the
 * poller write to it; every view (tree, status bar, CodeLens, panel) reads it and
 * listens to `onDidChange`. Nothing here talks HTTP.
 */
export class DispatchStore {
  private readonly dispatches = new Map<string, DispatchState>();
  /** Dispatches deleted from their server by the editor: a listing read before the delete does not bring them back. */
  private readonly deleted = new Set<string>();
  /** In order of use, least recent first (`graph` and `setGraph` move one to the end). */
  private readonly graphs = new Map<string, DispatchGraph>();
  private readonly idleGraphs: number;
  private readonly graphProblems = new Map<string, GraphProblem>();
  /** How many views are looking at a dispatch's tasks (their graph is kept fresh). */
  private readonly graphWatchers = new Map<string, number>();
  private connectionState: ServerConnection = 'unknown';
  private connectionProblem: string | undefined;
  private listingState: DispatchListing = { dispatchIds: [], hasMore: false, filter: {} };
  private readonly errors = new Map<string, Map<number, TaskError>>();
  /** Per dispatch: where each task runs, as the server stored it (it never changes once submitted). */
  private readonly executorsByDispatch = new Map<string, ReadonlyMap<number, ExecutorDescription>>();
  private readonly changes = new Emitter<StoreChange>();
  private readonly watcherChanges = new Emitter<string>();

  readonly onDidChange = this.changes.event;
  /** A view started watching a dispatch's graph (the poller fetches it at once). */
  readonly onDidWatchGraph = this.watcherChanges.event;

  constructor(options: DispatchStoreOptions = {}) {
    this.idleGraphs = options.idleGraphs ?? 50;
  }

  get connection(): ServerConnection {
    return this.connectionState;
  }

  /** Why the server is offline or unusable, in words for people. */
  get connectionError(): string | undefined {
    return this.connectionProblem;
  }

  setConnection(connection: ServerConnection, error?: string): void {
    if (connection === this.connectionState && error === this.connectionProblem) return;
    this.connectionState = connection;
    this.connectionProblem = error;
    this.changes.fire({ kind: 'connection', connection, error });
  }

  get listing(): DispatchListing {
    return this.listingState;
  }

  /** The tree's page of the server's list; the dispatches themselves go through `update`. */
  setListing(listing: DispatchListing): void {
    this.listingState = listing;
    this.changes.fire({ kind: 'list' });
  }

  setTaskError(error: TaskError): void {
    let forDispatch = this.errors.get(error.dispatchId);
    if (!forDispatch) this.errors.set(error.dispatchId, (forDispatch = new Map<number, TaskError>()));
    if (forDispatch.get(error.nodeId)?.text === error.text) return;
    forDispatch.set(error.nodeId, error);
    this.changes.fire({ kind: 'taskErrors', dispatchId: error.dispatchId });
  }

  /** Errors of a dispatch's failed tasks that have been fetched so far. */
  taskErrors(dispatchId: string): TaskError[] {
    return [...(this.errors.get(dispatchId)?.values() ?? [])];
  }

  /** One task's error, once fetched (a lookup, not a copy of the dispatch's errors). */
  taskError(dispatchId: string, nodeId: number): TaskError | undefined {
    return this.errors.get(dispatchId)?.get(nodeId);
  }

  /** Records a dispatch the editor just made, before the server has said anything. */
  track(dispatchId: string, origin: DispatchOrigin, status: DispatchStatus = origin.disableRun ? 'NEW_OBJECT' : 'STARTING'): DispatchState {
    const existing = this.dispatches.get(dispatchId);
    const state: DispatchState = existing
      ? { ...existing, origin: { ...existing.origin, ...origin } }
      : { dispatchId, status, origin, createdAt: origin.submittedAt ?? Date.now() };
    this.dispatches.set(dispatchId, state);
    this.changes.fire({ kind: 'dispatch', dispatchId });
    return state;
  }

  /** Merges what the server said; fires only when something changed. */
  update(dispatchId: string, fromServer: Partial<Omit<DispatchState, 'dispatchId' | 'origin'>>): void {
    if (this.deleted.has(dispatchId)) return;
    const existing = this.dispatches.get(dispatchId);
    const next = { ...(existing ?? { dispatchId, status: 'NEW_OBJECT' }), ...definedOnly(fromServer) };
    if (existing && shallowEqual(existing, next)) return;
    this.dispatches.set(dispatchId, next);
    // Finished now: its graph may be one too many of the idle ones.
    if (isTerminal(next.status) && !isTerminal(existing?.status) && this.graphs.has(dispatchId)) this.dropIdleGraphs();
    this.changes.fire({ kind: 'dispatch', dispatchId });
  }

  /** `update` for each of many dispatches the server described. */
  updateAll(fromServer: readonly DispatchState[]): void {
    for (const { dispatchId, ...state } of fromServer) this.update(dispatchId, state);
  }

  remove(dispatchId: string): void {
    if (!this.dispatches.delete(dispatchId)) return;
    this.graphs.delete(dispatchId);
    this.graphProblems.delete(dispatchId);
    this.errors.delete(dispatchId);
    this.executorsByDispatch.delete(dispatchId);
    if (this.listingState.dispatchIds.includes(dispatchId)) {
      this.listingState = {
        ...this.listingState,
        dispatchIds: this.listingState.dispatchIds.filter((id) => id !== dispatchId),
        total: this.listingState.total === undefined ? undefined : Math.max(0, this.listingState.total - 1),
      };
    }
    this.changes.fire({ kind: 'list' });
  }

  /** A dispatch the editor deleted from its server (a cancelled submission's): gone, and kept out of later listings. */
  forget(dispatchId: string): void {
    this.deleted.add(dispatchId);
    this.remove(dispatchId);
  }

  get(dispatchId: string): DispatchState | undefined {
    return this.dispatches.get(dispatchId);
  }

  /** The server a dispatch lives on: where the editor sent it, else the server that described it. */
  serverOf(dispatchId: string): string | undefined {
    const state = this.dispatches.get(dispatchId);
    return state?.origin?.serverAddress ?? state?.serverAddress;
  }

  /** Newest first. */
  all(): DispatchState[] {
    return [...this.dispatches.values()].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  }

  /** Dispatches the editor made of one lattice in one file, newest first. */
  forLattice(fileUri: string, latticeName: string): DispatchState[] {
    return this.all().filter((state) => state.origin?.fileUri === fileUri && state.origin?.latticeName === latticeName);
  }

  /** A fresh graph also ends any problem fetching it. */
  setGraph(graph: DispatchGraph): void {
    this.graphs.delete(graph.dispatchId);
    this.graphs.set(graph.dispatchId, graph);
    this.graphProblems.delete(graph.dispatchId);
    this.dropIdleGraphs();
    this.changes.fire({ kind: 'graph', dispatchId: graph.dispatchId });
  }

  /** Why a graph is missing or behind (slow or failing server); undefined clears it. Fires a 'graph' change. */
  setGraphProblem(dispatchId: string, problem: GraphProblem | undefined): void {
    const existing = this.graphProblems.get(dispatchId);
    if (existing === problem || (existing && problem && existing.kind === problem.kind && existing.message === problem.message)) return;
    if (problem) this.graphProblems.set(dispatchId, problem);
    else if (!this.graphProblems.delete(dispatchId)) return;
    this.changes.fire({ kind: 'graph', dispatchId });
  }

  graphProblem(dispatchId: string): GraphProblem | undefined {
    return this.graphProblems.get(dispatchId);
  }

  /** The dispatch's graph, now its most recently used. */
  graph(dispatchId: string): DispatchGraph | undefined {
    const graph = this.graphs.get(dispatchId);
    if (graph) {
      this.graphs.delete(dispatchId);
      this.graphs.set(dispatchId, graph);
    }
    return graph;
  }

  /** Where each task of a dispatch runs, with the settings that say where. Fires a 'graph' change. */
  setExecutors(dispatchId: string, executors: ReadonlyMap<number, ExecutorDescription>): void {
    this.executorsByDispatch.set(dispatchId, executors);
    this.changes.fire({ kind: 'graph', dispatchId });
  }

  /** A task's executor, once read from the server (the graph alone gives only its short name). */
  executor(dispatchId: string, nodeId: number): ExecutorDescription | undefined {
    return this.executorsByDispatch.get(dispatchId)?.get(nodeId);
  }

  hasExecutors(dispatchId: string): boolean {
    return this.executorsByDispatch.has(dispatchId);
  }

  /** A view starts showing a dispatch's tasks; dispose when it stops. */
  watchGraph(dispatchId: string): { dispose(): void } {
    this.graphWatchers.set(dispatchId, (this.graphWatchers.get(dispatchId) ?? 0) + 1);
    this.watcherChanges.fire(dispatchId);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        const count = (this.graphWatchers.get(dispatchId) ?? 1) - 1;
        if (count <= 0) {
          this.graphWatchers.delete(dispatchId);
          this.dropIdleGraphs();
        } else this.graphWatchers.set(dispatchId, count);
      },
    };
  }

  watchedGraphs(): string[] {
    return [...this.graphWatchers.keys()];
  }

  /**
   * Past `idleGraphs` graphs of finished dispatches nobody watches, the least
   * recently used go, with their executors (both come back with the next fetch).
   * Nobody shows them, so no change fires.
   */
  private dropIdleGraphs(): void {
    const idle = [...this.graphs.keys()].filter((id) => !this.graphWatchers.has(id) && isTerminal(this.dispatches.get(id)?.status));
    for (const id of idle.slice(0, Math.max(0, idle.length - this.idleGraphs))) {
      this.graphs.delete(id);
      this.executorsByDispatch.delete(id);
    }
  }

  dispose(): void {
    this.changes.dispose();
    this.watcherChanges.dispose();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function shallowEqual(a: object, b: object): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
  }
  return true;
}
