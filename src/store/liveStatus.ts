import { CovalentClient, ListStatusFilter, LIST_STATUS_FILTERS } from '../covalent/client';
import { ServerConnections } from '../covalent/connections';
import { errorMessage, meansOffline, ServerTimeoutError, ServerUnreachableError } from '../covalent/errors';
import { CovalentSocket, SocketState } from '../covalent/socket';
import { Disposable } from '../util/events';
import { DispatchStore } from './dispatchStore';
import { DispatchState, GraphProblem, isTerminal, ListFilter } from './types';

/**
 * Keeps the one dispatch store in step with the server. Each tick sends exactly
 * one request: the tree's first page when the tree is visible and its listing is
 * stale, otherwise one bulk status request for every watched dispatch. Graphs are
 * fetched only for dispatches a view watches, and only when their status moved;
 * they run beside the ticks (a 5,000-task graph can take a busy server a minute)
 * with a timeout that grows with the task count, one request per graph at a time,
 * and retries with backoff that the views hear about.
 * The socket.io channel wakes a tick early and tells at once when the server goes.
 * No `vscode` here: the extension and the benchmarks drive the same code.
 */
export interface LiveStatusOptions {
  readonly address: string;
  readonly requestTimeoutMs: number;
  /** The quick interval, while something runs and a view shows it. */
  readonly pollIntervalMs: number;
  /**
   * Where the client of `address` comes from, with its token. Without it the
   * poller makes its own, with no token and `requestTimeoutMs`.
   */
  readonly connections?: ServerConnections;
  /** Interval while something runs but no view shows it. */
  readonly backgroundIntervalMs?: number;
  /** How often the visible tree's first page is reloaded (new dispatches made elsewhere). */
  readonly listRefreshMs?: number;
  /** Probe interval while the server is offline (the socket usually notices sooner). */
  readonly offlineProbeMs?: number;
  /** Page size of the tree (the server's list allows at most 99). */
  readonly pageSize?: number;
  /** Connect the socket.io channel (off in some benchmarks to count only polling). */
  readonly useSocket?: boolean;
  /** First wait before a failed graph request is tried again; doubles per failure up to a minute. */
  readonly graphRetryMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class LiveStatus implements Disposable {
  client: CovalentClient;
  private socket: CovalentSocket | undefined;
  private options: LiveStatusOptions;
  /** Used when the options bring no registry of clients. */
  private readonly ownConnections: ServerConnections;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private disposed = false;
  /** Dispatches whose full summary (progress, times) the next tick must fetch. */
  private readonly detailsNeeded = new Set<string>();
  /** Per dispatch whose graph was watched: what it was fetched at, requests under way, backoff. */
  private readonly graphFetches = new Map<string, GraphFetch>();
  private readonly errorsFetched = new Set<string>();
  /** Ids the server did not know long after they were made (deleted, or another server's): not polled again. */
  private readonly unknownToServer = new Set<string>();
  private readonly demand = new Set<string>();
  private listingWanted = false;
  private listingPages = 1;
  /** Server rows the listing has covered (more than its ids when sublattice dispatches were skipped). */
  private listingOffset = 0;
  private readonly subscriptions: Disposable[] = [];
  private socketSubscriptions: Disposable[] = [];

  constructor(
    readonly store: DispatchStore,
    options: LiveStatusOptions,
  ) {
    this.options = options;
    this.ownConnections = new ServerConnections({ timeoutMs: () => this.options.requestTimeoutMs });
    this.client = this.createClient();
    this.subscriptions.push(
      store.onDidChange((change) => {
        // A dispatch the editor just made (or one that changed elsewhere) may need polling.
        if (change.kind === 'dispatch' && !this.timer && !this.ticking) this.schedule(0);
      }),
      store.onDidWatchGraph((dispatchId) => {
        // Someone looks again: no reason to sit out an old backoff.
        const graphFetch = this.graphFetches.get(dispatchId);
        if (graphFetch && !graphFetch.inFlight) graphFetch.notBefore = 0;
        this.schedule(0);
      }),
    );
  }

  /** Starts polling and the socket; called once after the views exist. */
  start(): void {
    this.connectSocket();
    this.schedule(0);
  }

  /** New address, timeout or token: the client of that address; the store keeps what it knows. */
  reconfigure(options: LiveStatusOptions): void {
    const addressChanged = options.address !== this.options.address;
    this.options = options;
    this.client = this.createClient();
    if (addressChanged) {
      this.graphFetches.clear();
      this.errorsFetched.clear();
      this.store.setConnection('unknown');
      this.store.setListing({ dispatchIds: [], hasMore: false, filter: this.store.listing.filter });
      this.listingOffset = 0;
      this.listingPages = 1;
      this.listingWanted = true;
    }
    this.disconnectSocket();
    this.connectSocket();
    this.schedule(0);
  }

  /**
   * A view (tree, editor, panel) shows live status while `visible`. Quick polling
   * happens only while some view wants it; `key` names the view.
   */
  setDemand(key: string, visible: boolean): void {
    const had = this.demand.has(key);
    if (visible) this.demand.add(key);
    else this.demand.delete(key);
    if (visible && !had) this.schedule(0);
  }

  get treeVisible(): boolean {
    return this.demand.has('tree');
  }

  /** Reloads the tree's listing (and everything watched) now. */
  refresh(): Promise<void> {
    this.listingWanted = true;
    this.unknownToServer.clear();
    for (const dispatch of this.store.all()) if (!isTerminal(dispatch.status)) this.detailsNeeded.add(dispatch.dispatchId);
    for (const graphFetch of this.graphFetches.values()) Object.assign(graphFetch, { signature: undefined, notBefore: 0 });
    this.socket?.retryNow();
    return this.tickNow();
  }

  /** Filters the tree; the server does the filtering and paging. */
  setFilter(filter: ListFilter): Promise<void> {
    this.listingPages = 1;
    this.listingOffset = 0;
    this.store.setListing({ dispatchIds: [], hasMore: false, filter });
    this.listingWanted = true;
    return this.tickNow();
  }

  /** The tree's "Load more…": one more page of the server's list. */
  async loadMore(): Promise<void> {
    const listing = this.store.listing;
    const pageSize = this.pageSize;
    try {
      const page = await this.client.list({ offset: Math.max(this.listingOffset, listing.dispatchIds.length), count: pageSize, ...serverFilter(listing.filter) });
      this.online();
      this.listingOffset = Math.max(this.listingOffset, listing.dispatchIds.length) + page.scanned;
      this.mergeDispatches(page.dispatches);
      const known = new Set(listing.dispatchIds);
      const added = page.dispatches.map((dispatch) => dispatch.dispatchId).filter((id) => !known.has(id));
      this.listingPages = Math.max(1, Math.ceil(this.listingOffset / pageSize));
      this.store.setListing({ ...listing, dispatchIds: [...listing.dispatchIds, ...added], total: page.total, hasMore: page.hasMore, loadedAt: Date.now(), error: undefined });
    } catch (error) {
      this.failed(error);
      this.store.setListing({ ...this.store.listing, error: messageOf(error) });
    }
  }

  /** Deletes dispatches on the server, then forgets them. */
  async delete(dispatchIds: readonly string[]): Promise<void> {
    await this.client.deleteDispatches(dispatchIds);
    for (const id of dispatchIds) this.store.remove(id);
  }

  /** Runs a tick now (or right after the one in flight) and resolves when it is done. */
  async tickNow(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      await this.ticking;
      if (this.ticking) await this.ticking;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.runTick();
  }

  /** Dispatches that need polling: this server's, not finished, and started (or made by the editor). */
  watchedDispatches(): DispatchState[] {
    const address = this.options.address.replace(/\/+$/, '');
    return this.store
      .all()
      .filter((dispatch) => !isTerminal(dispatch.status) && (dispatch.status !== 'NEW_OBJECT' || dispatch.origin !== undefined))
      .filter((dispatch) => !dispatch.origin || dispatch.origin.serverAddress.replace(/\/+$/, '') === address)
      .filter((dispatch) => !this.unknownToServer.has(dispatch.dispatchId));
  }

  private get pageSize(): number {
    return Math.min(99, this.options.pageSize ?? 50);
  }

  private createClient(): CovalentClient {
    return (this.options.connections ?? this.ownConnections).client(this.options.address);
  }

  private connectSocket(): void {
    if (this.options.useSocket === false || this.disposed) return;
    const socket = new CovalentSocket({ baseUrl: this.options.address, token: this.client.http.options.token });
    this.socket = socket;
    this.socketSubscriptions = [
      socket.onDidChangeState((state) => this.socketChanged(state)),
      // `result-update` and `draw_request` carry no state we trust: they only say "look now".
      socket.onEvent(() => this.schedule(0)),
    ];
    socket.start();
  }

  private disconnectSocket(): void {
    for (const subscription of this.socketSubscriptions.splice(0)) subscription.dispose();
    this.socket?.dispose();
    this.socket = undefined;
  }

  /** The socket.io channel's state ('closed' when it is off). */
  get socketState(): SocketState {
    return this.socket?.state ?? 'closed';
  }

  private socketChanged(state: SocketState): void {
    if (state === 'connected' || state === 'disconnected') this.options.log?.('info', `socket.io channel to ${this.options.address} ${state}`);
    if (state === 'connected') {
      // Back (or first contact): reload what may have changed while we could not see.
      this.listingWanted = true;
      for (const dispatch of this.watchedDispatches()) this.detailsNeeded.add(dispatch.dispatchId);
      this.schedule(0);
    } else if (state === 'disconnected') {
      // The server may be gone: find out now instead of at the next tick.
      this.schedule(0);
    }
  }

  private schedule(delayMs: number): void {
    if (this.disposed) return;
    if (this.ticking) {
      if (delayMs === 0) this.tickAgain = true;
      return;
    }
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runTick();
    }, delayMs);
  }

  private async runTick(): Promise<void> {
    if (this.disposed) return;
    this.tickAgain = false;
    this.ticking = this.tick().catch((error) => this.options.log?.('error', `status poll failed: ${messageOf(error)}`));
    await this.ticking;
    this.ticking = undefined;
    if (this.disposed) return;
    const next = this.tickAgain ? 0 : this.nextDelay();
    if (next !== undefined) this.schedule(next);
  }

  /** Quick while something runs and is shown; slow when nobody looks; stopped when nothing needs it. */
  private nextDelay(): number | undefined {
    if (this.store.connection === 'offline') return this.options.offlineProbeMs ?? 1000;
    const watched = this.watchedDispatches();
    const shown = this.demand.size > 0;
    if (this.detailsNeeded.size > 0 || this.graphsToFetch().length > 0) return this.options.pollIntervalMs;
    const retry = this.nextGraphRetry();
    const earliest = (delay: number) => (retry === undefined ? delay : Math.min(delay, Math.max(retry, this.options.pollIntervalMs)));
    if (watched.length > 0) return earliest(shown ? this.options.pollIntervalMs : this.options.backgroundIntervalMs ?? 5000);
    if (this.treeVisible) return earliest(this.options.listRefreshMs ?? 1500);
    if (this.store.connection === 'unknown') return earliest(this.options.offlineProbeMs ?? 1000);
    return retry === undefined ? undefined : Math.max(retry, this.options.pollIntervalMs);
  }

  private listingStale(): boolean {
    if (!this.treeVisible) return false;
    if (this.listingWanted) return true;
    const loadedAt = this.store.listing.loadedAt ?? 0;
    return Date.now() - loadedAt >= (this.options.listRefreshMs ?? 1500);
  }

  private async tick(): Promise<void> {
    try {
      if (this.listingStale()) await this.reloadListing();
      else await this.pollStatuses();
      this.online();
    } catch (error) {
      this.failed(error);
      if (this.listingStale()) this.store.setListing({ ...this.store.listing, error: messageOf(error) });
      return;
    }
    this.refreshGraphs();
  }

  /** The tree's pages from the server's list: new dispatches made anywhere show up here. */
  private async reloadListing(): Promise<void> {
    const listing = this.store.listing;
    const count = Math.min(99, this.pageSize * this.listingPages);
    this.listingWanted = false;
    const page = await this.client.list({ offset: 0, count, ...serverFilter(listing.filter) });
    this.mergeDispatches(page.dispatches);
    // New dispatches push older ones down: the next page starts after what we hold.
    const held = new Set(listing.dispatchIds);
    const newOnes = page.dispatches.filter((dispatch) => !held.has(dispatch.dispatchId)).length;
    this.listingOffset = page.hasMore ? Math.max(page.scanned, this.listingOffset + newOnes) : page.scanned;
    // Rows the tree paged through past this window stay: they follow the last row the
    // window still shows (new dispatches on top push the window down, deleted ones leave it).
    const fresh = page.dispatches.map((dispatch) => dispatch.dispatchId);
    const freshSet = new Set(fresh);
    let windowEnd = -1;
    listing.dispatchIds.forEach((id, index) => {
      if (freshSet.has(id)) windowEnd = index;
    });
    // When this window is the whole list, nothing else is left on the server.
    const older = page.hasMore ? listing.dispatchIds.slice(windowEnd + 1).filter((id) => !freshSet.has(id)) : [];
    this.store.setListing({
      dispatchIds: [...fresh, ...older],
      total: page.total,
      hasMore: older.length > 0 ? listing.hasMore : page.hasMore,
      filter: listing.filter,
      loadedAt: Date.now(),
      error: undefined,
    });
  }

  /** One bulk request: statuses only, or full summaries when something changed. */
  private async pollStatuses(): Promise<void> {
    const watched = this.watchedDispatches().map((dispatch) => dispatch.dispatchId);
    const running = new Set(watched);
    const graphWatched = this.store.watchedGraphs().some((id) => running.has(id));
    const ids = [...new Set([...watched, ...this.detailsNeeded])];
    if (ids.length === 0) {
      if (this.store.connection !== 'online') await this.client.ping();
      return;
    }
    // Progress of a watched graph shows only in the full summary: ask for it then.
    if (this.detailsNeeded.size > 0 || graphWatched) {
      const asked = new Set(ids);
      const summaries = await this.client.summaries(ids);
      for (const id of asked) this.detailsNeeded.delete(id);
      this.forgetUnknown(ids, new Set(summaries.map((summary) => summary.dispatchId)));
      this.mergeDispatches(summaries);
      return;
    }
    const statuses = await this.client.statuses(ids);
    this.forgetUnknown(ids, statuses);
    const changed = [...statuses].filter(([id, status]) => this.store.get(id)?.status !== status).map(([id]) => id);
    if (changed.length === 0) return;
    // A status moved: read those dispatches' times and progress too, so views never
    // show COMPLETED next to last tick's progress. One more request per change, not per tick.
    try {
      this.mergeDispatches(await this.client.summaries(changed));
    } catch (error) {
      for (const id of changed) {
        this.store.update(id, { status: statuses.get(id) });
        this.detailsNeeded.add(id);
      }
      this.options.log?.('warn', `details of changed dispatches: ${messageOf(error)}`);
    }
  }

  /** A dispatch the server still does not list a minute after it was made is not polled any more. */
  private forgetUnknown(asked: readonly string[], answered: { has(id: string): boolean }): void {
    const now = Date.now();
    for (const id of asked) {
      if (answered.has(id)) continue;
      const made = this.store.get(id)?.origin?.submittedAt ?? this.store.get(id)?.createdAt ?? 0;
      if (now - made > 60000) {
        this.unknownToServer.add(id);
        this.options.log?.('warn', `dispatch ${id} is unknown to ${this.options.address}; no longer polled.`);
      }
    }
  }

  private mergeDispatches(dispatches: readonly DispatchState[]): void {
    for (const dispatch of dispatches) {
      const { dispatchId, ...fromServer } = dispatch;
      this.store.update(dispatchId, fromServer);
    }
  }

  /** Watched graphs due a request: status moved since the last fetch, none under way, not backing off. */
  private graphsToFetch(): string[] {
    const now = Date.now();
    return this.store.watchedGraphs().filter((id) => {
      const graphFetch = this.graphFetches.get(id);
      return !graphFetch || (!graphFetch.inFlight && now >= graphFetch.notBefore && graphFetch.signature !== this.signature(id));
    });
  }

  /** Milliseconds until a watched graph's backoff ends, when one is waiting for it. */
  private nextGraphRetry(): number | undefined {
    const now = Date.now();
    let soonest: number | undefined;
    for (const id of this.store.watchedGraphs()) {
      const graphFetch = this.graphFetches.get(id);
      if (!graphFetch || graphFetch.inFlight || graphFetch.notBefore <= now || graphFetch.signature === this.signature(id)) continue;
      soonest = Math.min(soonest ?? Infinity, graphFetch.notBefore - now);
    }
    return soonest;
  }

  private signature(dispatchId: string): string {
    const dispatch = this.store.get(dispatchId);
    return dispatch ? `${dispatch.status}|${dispatch.completedTasks ?? ''}|${dispatch.updatedAt ?? ''}` : 'unknown';
  }

  /** Starts the graph requests that are due; they finish on their own time, not the tick's. */
  private refreshGraphs(): void {
    this.forgetRemoved();
    for (const dispatchId of this.graphsToFetch()) void this.fetchGraph(dispatchId);
  }

  /**
   * Time allowed for one graph request: the status timeout plus a share per task
   * (a busy server sent 5,051 tasks in 59 s), doubled after each timeout, at most 5 minutes.
   */
  graphTimeoutMs(dispatchId: string): number {
    const tasks = this.store.get(dispatchId)?.totalTasks ?? this.store.graph(dispatchId)?.tasks.length ?? 0;
    const timeouts = this.graphFetches.get(dispatchId)?.timeouts ?? 0;
    const base = this.options.requestTimeoutMs + tasks * GRAPH_MS_PER_TASK;
    return Math.max(this.options.requestTimeoutMs, Math.min(GRAPH_TIMEOUT_CAP_MS, base * 2 ** timeouts));
  }

  private async fetchGraph(dispatchId: string): Promise<void> {
    let graphFetch = this.graphFetches.get(dispatchId);
    if (!graphFetch) this.graphFetches.set(dispatchId, (graphFetch = { inFlight: false, failures: 0, timeouts: 0, notBefore: 0 }));
    const signature = this.signature(dispatchId);
    // The server may write the last task rows just after the dispatch's status:
    // a finished dispatch's graph is read once more on the next tick.
    const firstTerminal = isTerminal(this.store.get(dispatchId)?.status) && graphFetch.signature !== `${signature}|first`;
    const timeoutMs = this.graphTimeoutMs(dispatchId);
    const tasks = this.store.get(dispatchId)?.totalTasks;
    const client = this.client;
    const started = Date.now();
    graphFetch.inFlight = true;
    // Past the usual request timeout the views say why the graph is not there yet.
    const slowNotice = setTimeout(
      () => this.disposed || this.store.setGraphProblem(dispatchId, { dispatchId, kind: 'waiting', message: `${slowGraph(tasks)}; still waiting (up to ${seconds(timeoutMs)}).` }),
      this.options.requestTimeoutMs,
    );
    try {
      const graph = await client.graph(dispatchId, { timeoutMs });
      if (this.disposed || client !== this.client) return;
      const took = Date.now() - started;
      Object.assign(graphFetch, { signature: firstTerminal ? `${signature}|first` : signature, failures: 0, timeouts: 0 });
      // A graph that was slow to send is not asked for again sooner than it took: the server stays usable.
      graphFetch.notBefore = took > this.options.pollIntervalMs ? Date.now() + took : 0;
      this.store.setGraph(graph);
      await this.fetchErrors(dispatchId);
    } catch (error) {
      if (this.disposed || client !== this.client) return;
      graphFetch.failures++;
      const retryMs = Math.min(GRAPH_RETRY_CAP_MS, (this.options.graphRetryMs ?? 2000) * 2 ** (graphFetch.failures - 1));
      graphFetch.notBefore = Date.now() + retryMs;
      this.options.log?.('warn', `tasks of ${dispatchId}: ${messageOf(error)}`);
      if (error instanceof ServerUnreachableError) {
        // The whole server is gone: the connection says so, not each graph.
        this.store.setGraphProblem(dispatchId, undefined);
        this.failed(error);
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
      // Settle the next tick around this graph's result (a change may be due at once, or a retry later).
      const next = this.disposed ? undefined : this.nextDelay();
      if (next !== undefined) this.schedule(next);
    }
  }

  /** Bookkeeping of dispatches the store no longer holds (deleted) goes with them. */
  private forgetRemoved(): void {
    for (const [id, graphFetch] of this.graphFetches) if (!graphFetch.inFlight && !this.store.get(id)) this.graphFetches.delete(id);
    for (const key of this.errorsFetched) if (!this.store.get(key.slice(0, key.lastIndexOf('/')))) this.errorsFetched.delete(key);
    for (const id of this.unknownToServer) if (!this.store.get(id)) this.unknownToServer.delete(id);
  }

  /** Entries the poller holds per dispatch (graph bookkeeping, fetched errors, unknown ids): tests check it stays bounded. */
  get bookkeepingSize(): number {
    return this.graphFetches.size + this.errorsFetched.size + this.unknownToServer.size + this.detailsNeeded.size;
  }

  /** Each failed task's error text, once. */
  private async fetchErrors(dispatchId: string): Promise<void> {
    const graph = this.store.graph(dispatchId);
    for (const task of graph?.tasks ?? []) {
      if (task.status !== 'FAILED') continue;
      const key = `${dispatchId}/${task.nodeId}`;
      if (this.errorsFetched.has(key)) continue;
      this.errorsFetched.add(key);
      try {
        const text = await this.client.details.taskError(dispatchId, task.nodeId);
        this.store.setTaskError({ dispatchId, nodeId: task.nodeId, taskName: task.name, text: text ?? `${task.name} failed (the server kept no error text).` });
      } catch (error) {
        this.errorsFetched.delete(key);
        this.options.log?.('warn', `error of task ${task.name} in ${dispatchId}: ${messageOf(error)}`);
      }
    }
  }

  private online(): void {
    if (this.store.connection !== 'online' || this.store.connectionError) {
      const wasOffline = this.store.connection === 'offline';
      // The list's error was the server being away: it goes with the same answer that says it is back.
      if (wasOffline && this.store.listing.error) this.store.setListing({ ...this.store.listing, error: undefined });
      this.store.setConnection('online');
      if (wasOffline) {
        this.options.log?.('info', `Covalent server at ${this.options.address} answers again.`);
        this.listingWanted = true;
        // Graphs that failed while it was away are asked for at once.
        for (const graphFetch of this.graphFetches.values()) if (!graphFetch.inFlight) graphFetch.notBefore = 0;
        this.socket?.retryNow();
      }
    }
  }

  private failed(error: unknown): void {
    const message = messageOf(error);
    if (this.store.connection !== 'offline' || this.store.connectionError !== message) {
      this.options.log?.(meansOffline(error) ? 'warn' : 'error', message);
    }
    // Unreachable, slow, or answering things that are not Covalent: either way not usable.
    this.store.setConnection('offline', message);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.disconnectSocket();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
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

function slowGraph(tasks: number | undefined): string {
  return `The Covalent server is slow to send this dispatch's graph${tasks ? ` (${tasks.toLocaleString('en-US')} tasks)` : ''}`;
}

function seconds(ms: number): string {
  return ms < 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function serverFilter(filter: ListFilter): { search?: string; status?: ListStatusFilter } {
  const status = filter.status && (LIST_STATUS_FILTERS as readonly string[]).includes(filter.status) ? (filter.status as ListStatusFilter) : undefined;
  return { search: filter.search, status };
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}
