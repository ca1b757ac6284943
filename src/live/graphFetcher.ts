import type { CovalentClient } from '../covalent/client';
import { ServerTimeoutError, ServerUnreachableError } from '../covalent/errors';
import { messageOf } from '../util/errors';
import { executorLabel } from '../executors/describe';
import type { DispatchStore } from '../store/dispatchStore';
import { type GraphProblem, isTerminal } from '../store/types';

/**
 * The task graphs of the dispatches a view watches, fetched only when their
 * status moved. They run beside the poller's ticks (a 5,000-task graph can take a
 * busy server a minute) with a timeout that grows with the task count, one request
 * per graph at a time, and retries with backoff that the views hear about
 * (`GraphProblem`). A dispatch's first graph brings where its tasks run (the
 * settings of their executors, once); a fetched graph its failed tasks' error texts.
 * No `vscode` here.
 */
export interface GraphFetchSettings {
  /** The status poll's timeout: a graph gets at least this, plus a share per task. */
  readonly requestTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** First wait before a failed graph request is tried again; doubles per failure up to a minute. */
  readonly graphRetryMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** What the fetcher needs from the poller that drives it. */
export interface GraphFetcherHost {
  readonly store: DispatchStore;
  /** The client of the dispatch's server now: a graph that comes back from an earlier one (the timeout changed) is dropped. */
  client(dispatchId: string): CovalentClient;
  settings(): GraphFetchSettings;
  /** The dispatch's whole server is gone: the connection says so, not each graph. */
  unreachable(dispatchId: string, error: ServerUnreachableError): void;
  /** A graph request ended: the next tick may be due sooner (a change) or later (a retry). */
  settled(): void;
}

interface GraphFetch {
  /** The dispatch's signature when its graph was last fetched (`…|first` after a finished one's first read). */
  signature?: string;
  /** A request is under way: never a second one for the same graph. */
  inFlight: boolean;
  /** Failures in a row: each doubles the wait before the next try. */
  failures: number;
  /** Timeouts in a row: each doubles the time the next request gets. */
  timeouts: number;
  /** No request before this (milliseconds since the epoch). */
  notBefore: number;
}

/** A busy Covalent 0.240 sent a 5,051-task graph in 59 s (about 12 ms a task): graphs get 20 ms a task on top. */
const GRAPH_MS_PER_TASK = 20;
const GRAPH_TIMEOUT_CAP_MS = 5 * 60000;
const GRAPH_RETRY_CAP_MS = 60000;

export class GraphFetcher {
  /** Per dispatch whose graph was watched: what it was fetched at, requests under way, backoff. */
  private readonly fetches = new Map<string, GraphFetch>();
  private readonly errorsFetched = new Set<string>();
  private disposed = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly host: GraphFetcherHost) {}

  private get store(): DispatchStore {
    return this.host.store;
  }

  /** Watched graphs due a request: status moved since the last fetch, none under way, not backing off. */
  due(): string[] {
    const now = Date.now();
    return this.store.watchedGraphs().filter((id) => {
      const graphFetch = this.fetches.get(id);
      // The store without its graph (the dispatch was removed and came back) asks again whatever the status says.
      return !graphFetch || (!graphFetch.inFlight && now >= graphFetch.notBefore && (graphFetch.signature !== this.signature(id) || !this.store.graph(id)));
    });
  }

  /** Milliseconds until a watched graph's backoff ends, when one is waiting for it. */
  nextRetry(): number | undefined {
    const now = Date.now();
    let soonest: number | undefined;
    for (const id of this.store.watchedGraphs()) {
      const graphFetch = this.fetches.get(id);
      if (!graphFetch || graphFetch.inFlight || graphFetch.notBefore <= now || graphFetch.signature === this.signature(id)) continue;
      soonest = Math.min(soonest ?? Infinity, graphFetch.notBefore - now);
    }
    return soonest;
  }

  /** Starts the graph requests that are due; they finish on their own time, not the tick's. */
  startDue(): void {
    this.forgetRemoved();
    for (const dispatchId of this.due()) {
      const request = this.fetch(dispatchId);
      this.inFlight.add(request);
      void request.finally(() => this.inFlight.delete(request));
    }
  }

  /** Resolves when the graph requests under way now have ended (tests wait on it instead of sleeping). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Someone looks again: no reason to sit out an old backoff. */
  watchedAgain(dispatchId: string): void {
    const graphFetch = this.fetches.get(dispatchId);
    if (graphFetch && !graphFetch.inFlight) graphFetch.notBefore = 0;
  }

  /** Every watched graph is read again at the next tick (a manual refresh). */
  refetchAll(): void {
    for (const graphFetch of this.fetches.values()) Object.assign(graphFetch, { signature: undefined, notBefore: 0 });
  }

  /** The server answers again: graphs that failed while it was away are asked for at once. */
  retryNow(): void {
    for (const graphFetch of this.fetches.values()) if (!graphFetch.inFlight) graphFetch.notBefore = 0;
  }

  /** Another server: nothing fetched from the last one counts. */
  clear(): void {
    this.fetches.clear();
    this.errorsFetched.clear();
  }

  /** Entries held per dispatch (graph bookkeeping, fetched errors). */
  get size(): number {
    return this.fetches.size + this.errorsFetched.size;
  }

  /**
   * Time allowed for one graph request: the status timeout plus a share per task
   * (a busy server sent 5,051 tasks in 59 s), doubled after each timeout, at most 5 minutes.
   */
  timeoutMs(dispatchId: string): number {
    const { requestTimeoutMs } = this.host.settings();
    const tasks = this.store.get(dispatchId)?.totalTasks ?? this.store.graph(dispatchId)?.tasks.length ?? 0;
    const timeouts = this.fetches.get(dispatchId)?.timeouts ?? 0;
    const base = requestTimeoutMs + tasks * GRAPH_MS_PER_TASK;
    return Math.max(requestTimeoutMs, Math.min(GRAPH_TIMEOUT_CAP_MS, base * 2 ** timeouts));
  }

  dispose(): void {
    this.disposed = true;
  }

  private signature(dispatchId: string): string {
    const dispatch = this.store.get(dispatchId);
    return dispatch ? `${dispatch.status}|${dispatch.completedTasks ?? ''}|${dispatch.updatedAt ?? ''}` : 'unknown';
  }

  private async fetch(dispatchId: string): Promise<void> {
    let graphFetch = this.fetches.get(dispatchId);
    if (!graphFetch) this.fetches.set(dispatchId, (graphFetch = { inFlight: false, failures: 0, timeouts: 0, notBefore: 0 }));
    const signature = this.signature(dispatchId);
    // The server may write the last task rows just after the dispatch's status:
    // a finished dispatch's graph is read once more on the next tick.
    const firstTerminal = isTerminal(this.store.get(dispatchId)?.status) && graphFetch.signature !== `${signature}|first`;
    const timeoutMs = this.timeoutMs(dispatchId);
    const tasks = this.store.get(dispatchId)?.totalTasks;
    const client = this.host.client(dispatchId);
    const started = Date.now();
    graphFetch.inFlight = true;
    // Past the usual request timeout the views say why the graph is not there yet.
    const slowNotice = setTimeout(
      () => this.removed(dispatchId) || this.store.setGraphProblem(dispatchId, { dispatchId, kind: 'waiting', message: `${slowGraph(tasks)}; still waiting (up to ${seconds(timeoutMs)}).` }),
      this.host.settings().requestTimeoutMs,
    );
    try {
      const graph = await client.graph(dispatchId, { timeoutMs });
      // Removed while its graph was on the way: nothing of it is kept.
      if (this.removed(dispatchId) || client !== this.host.client(dispatchId)) return;
      const took = Date.now() - started;
      Object.assign(graphFetch, { signature: firstTerminal ? `${signature}|first` : signature, failures: 0, timeouts: 0 });
      // A graph that was slow to send is not asked for again sooner than it took: the server stays usable.
      graphFetch.notBefore = took > this.host.settings().pollIntervalMs ? Date.now() + took : 0;
      this.store.setGraph(graph);
      await this.fetchExecutors(dispatchId);
      await this.fetchErrors(dispatchId);
    } catch (error) {
      // Removed meanwhile (Delete answers the request with a 404): nothing to retry, nothing to say.
      if (this.removed(dispatchId) || client !== this.host.client(dispatchId)) return;
      graphFetch.failures++;
      const settings = this.host.settings();
      const retryMs = Math.min(GRAPH_RETRY_CAP_MS, (settings.graphRetryMs ?? 2000) * 2 ** (graphFetch.failures - 1));
      graphFetch.notBefore = Date.now() + retryMs;
      settings.log?.('warn', `tasks of ${dispatchId}: ${messageOf(error)}`);
      if (error instanceof ServerUnreachableError) {
        this.store.setGraphProblem(dispatchId, undefined);
        this.host.unreachable(dispatchId, error);
        return;
      }
      let problem: GraphProblem;
      if (error instanceof ServerTimeoutError) {
        graphFetch.timeouts++;
        // A slow graph is not a dead server: status polls go on with their own quick timeout.
        problem = { dispatchId, kind: 'timeout', retryAt: graphFetch.notBefore, message: `${slowGraph(tasks)}: no answer within ${seconds(timeoutMs)}. Trying again in ${seconds(retryMs)}, waiting longer.` };
      } else {
        problem = { dispatchId, kind: 'failed', retryAt: graphFetch.notBefore, message: `The tasks of this dispatch could not be read: ${messageOf(error)} Trying again in ${seconds(retryMs)}.` };
      }
      this.store.setGraphProblem(dispatchId, problem);
    } finally {
      clearTimeout(slowNotice);
      graphFetch.inFlight = false;
      if (!this.store.get(dispatchId)) this.fetches.delete(dispatchId);
      if (!this.disposed) this.host.settled();
    }
  }

  /** The fetcher is done, or the dispatch left the store while a request was under way: its answers are dropped. */
  private removed(dispatchId: string): boolean {
    return this.disposed || !this.store.get(dispatchId);
  }

  /** Where the dispatch's tasks run, once: the graph gives only each executor's short name. */
  private async fetchExecutors(dispatchId: string): Promise<void> {
    if (this.store.hasExecutors(dispatchId)) return;
    try {
      const executors = await this.host.client(dispatchId).details.taskExecutors(dispatchId);
      if (!this.removed(dispatchId)) this.store.setExecutors(dispatchId, executors);
    } catch (error) {
      this.host.settings().log?.('warn', `executors of ${dispatchId}: ${messageOf(error)}`);
    }
  }

  /** Each failed task's error text, once, with where it ran. */
  private async fetchErrors(dispatchId: string): Promise<void> {
    const graph = this.store.graph(dispatchId);
    for (const task of graph?.tasks ?? []) {
      if (task.status !== 'FAILED') continue;
      const key = `${dispatchId}/${task.nodeId}`;
      if (this.errorsFetched.has(key)) continue;
      this.errorsFetched.add(key);
      try {
        const text = await this.host.client(dispatchId).details.taskError(dispatchId, task.nodeId);
        if (this.removed(dispatchId)) return;
        const executor = executorLabel(this.store.executor(dispatchId, task.nodeId), task.executor);
        this.store.setTaskError({ dispatchId, nodeId: task.nodeId, taskName: task.name, text: text ?? silentFailure(task.name, executor), executor });
      } catch (error) {
        this.errorsFetched.delete(key);
        this.host.settings().log?.('warn', `error of task ${task.name} in ${dispatchId}: ${messageOf(error)}`);
      }
    }
  }

  /** Bookkeeping of dispatches the store no longer holds (deleted) goes with them. */
  private forgetRemoved(): void {
    for (const [id, graphFetch] of this.fetches) if (!graphFetch.inFlight && !this.store.get(id)) this.fetches.delete(id);
    for (const key of this.errorsFetched) if (!this.store.get(key.slice(0, key.lastIndexOf('/')))) this.errorsFetched.delete(key);
  }
}

/**
 * A task that failed without a word from the server: Covalent 0.240 records none
 * when it cannot reach the executor (a Dask scheduler that does not answer, say).
 */
function silentFailure(taskName: string, executor: string | undefined): string {
  if (!executor) return `${taskName} failed (the server kept no error text).`;
  return (
    `${taskName} failed on the executor ${executor} and the server kept no error text: ` +
    'usually the Covalent server could not reach that executor. Check that it runs and that the server can reach it.'
  );
}

function slowGraph(tasks: number | undefined): string {
  return `The Covalent server is slow to send this dispatch's graph${tasks ? ` (${tasks.toLocaleString('en-US')} tasks)` : ''}`;
}

function seconds(ms: number): string {
  return ms < 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
