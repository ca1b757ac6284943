import type { CovalentClient } from '../covalent/client';
import type { ServerConnections } from '../covalent/connections';
import { meansOffline, TokenWantedError } from '../covalent/errors';
import { sameAddress } from '../covalent/servers';
import { messageOf } from '../util/errors';
import type { SocketState } from '../covalent/socket';
import type { Disposable } from '../util/events';
import type { DispatchStore } from '../store/dispatchStore';
import { type DispatchState, isTerminal, type ListFilter } from '../store/types';
import { GraphFetcher, type GraphFetchSettings } from './graphFetcher';
import { DispatchListingPager, type ListingSettings } from './listingPager';
import type { OpenStatusChannel, StatusChannel } from './statusChannel';

/**
 * Keeps the one dispatch store in step with the server. Each tick sends exactly
 * one request: the tree's first page when the tree is visible and its listing is
 * stale (`DispatchListingPager`), otherwise one bulk status request for every
 * watched dispatch. After each tick the watched graphs whose status moved are
 * fetched beside the ticks (`GraphFetcher`, with its own timeouts and backoff).
 * The server's channel (`StatusChannel`) wakes a tick early and tells at once when
 * the server goes. No `vscode` here: the extension and the benchmarks drive the same code.
 */
export interface StatusPollerOptions extends GraphFetchSettings, ListingSettings {
  readonly address: string;
  /** The quick interval, while something runs and a view shows it. */
  readonly pollIntervalMs: number;
  /** Interval while something runs but no view shows it. */
  readonly backgroundIntervalMs?: number;
  /** Probe interval while the server is offline (the channel usually notices sooner). */
  readonly offlineProbeMs?: number;
  /** Probe interval while the server wants a token it does not have (setting one reconnects at once). */
  readonly unauthorizedProbeMs?: number;
}

/** What the poller works with, given once by whoever builds it (the extension, a test, a benchmark). */
export interface StatusPollerDependencies {
  readonly store: DispatchStore;
  /** The client of each server address, carrying its token and the request timeout. */
  readonly connections: ServerConnections;
  /** Opens the active server's push channel; one that opens none leaves the poller to polling alone. */
  readonly openChannel: OpenStatusChannel;
}

export class StatusPoller implements Disposable {
  client: CovalentClient;
  readonly store: DispatchStore;
  private readonly connections: ServerConnections;
  private readonly openChannel: OpenStatusChannel;
  private channel: StatusChannel | undefined;
  private options: StatusPollerOptions;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private disposed = false;
  /** Dispatches whose full summary (progress, times) the next tick must fetch. */
  private readonly detailsNeeded = new Set<string>();
  /** Ids the server did not know long after they were made (deleted, or another server's): not polled again. */
  private readonly unknownToServer = new Set<string>();
  private readonly demand = new Set<string>();
  /** The last problem polling each other server had (said once in the log). */
  private readonly otherServerProblems = new Map<string, string>();
  private readonly graphs: GraphFetcher;
  private readonly listing: DispatchListingPager;
  private readonly subscriptions: Disposable[] = [];
  private channelSubscriptions: Disposable[] = [];

  constructor({ store, connections, openChannel }: StatusPollerDependencies, options: StatusPollerOptions) {
    this.store = store;
    this.connections = connections;
    this.openChannel = openChannel;
    this.options = options;
    this.client = this.createClient();
    this.graphs = new GraphFetcher({
      store,
      client: (dispatchId) => this.clientOf(dispatchId),
      settings: () => this.options,
      unreachable: (dispatchId, error) => {
        if (this.isActiveServer(this.serverOf(dispatchId))) this.failed(error);
      },
      settled: () => {
        const next = this.nextDelay();
        if (next !== undefined) this.schedule(next);
      },
    });
    this.listing = new DispatchListingPager({
      store,
      client: () => this.client,
      settings: () => this.options,
      answered: () => this.online(),
      failed: (error) => this.failed(error),
    });
    this.subscriptions.push(
      store.onDidChange((change) => {
        // A dispatch the editor just made (or one that changed elsewhere) may need polling.
        if (change.kind === 'dispatch' && !this.timer && !this.ticking) this.schedule(0);
      }),
      store.onDidWatchGraph((dispatchId) => {
        this.graphs.watchedAgain(dispatchId);
        this.schedule(0);
      }),
    );
  }

  /** Starts polling and the channel; called once after the views exist. */
  start(): void {
    this.connectChannel();
    this.schedule(0);
  }

  /** New address, timeout or token: the client of that address; the store keeps what it knows. */
  reconfigure(options: StatusPollerOptions): void {
    const addressChanged = options.address !== this.options.address;
    this.options = options;
    this.client = this.createClient();
    if (addressChanged) {
      this.graphs.clear();
      this.store.setConnection('unknown');
      this.listing.reset();
    }
    this.disconnectChannel();
    this.connectChannel();
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
    this.listing.want();
    this.unknownToServer.clear();
    for (const dispatch of this.store.all()) if (!isTerminal(dispatch.status)) this.detailsNeeded.add(dispatch.dispatchId);
    this.graphs.refetchAll();
    this.channel?.retryNow();
    return this.tickNow();
  }

  /** Filters the tree; the server does the filtering and paging. */
  setFilter(filter: ListFilter): Promise<void> {
    this.listing.setFilter(filter);
    return this.tickNow();
  }

  /** The tree's "Load more…": one more page of the server's list. */
  loadMore(): Promise<void> {
    return this.listing.loadMore();
  }

  /** Deletes dispatches on their servers, then forgets them. */
  async delete(dispatchIds: readonly string[]): Promise<void> {
    const byServer = new Map<string, string[]>();
    for (const id of dispatchIds) byServer.set(this.serverOf(id), [...(byServer.get(this.serverOf(id)) ?? []), id]);
    for (const [server, ids] of byServer) {
      await this.connections.client(server).deleteDispatches(ids);
      for (const id of ids) this.store.remove(id);
    }
  }

  /** Runs a tick now (or right after the one in flight) and resolves when it is done. */
  async tickNow(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      await this.ticking;
      if (this.ticking !== undefined) await this.ticking;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.runTick();
  }

  /** Dispatches that need polling: the active server's, not finished, and started (or made by the editor). */
  watchedDispatches(): DispatchState[] {
    return this.unfinished().filter((dispatch) => this.isActiveServer(this.serverOf(dispatch.dispatchId)));
  }

  /**
   * Running dispatches of other servers that still matter here (the editor made
   * them, or a panel shows them), by server: each server gets its own bulk request.
   */
  otherServersWatched(): Map<string, string[]> {
    const graphs = new Set(this.store.watchedGraphs());
    const byServer = new Map<string, string[]>();
    for (const dispatch of this.unfinished()) {
      const server = this.serverOf(dispatch.dispatchId);
      if (this.isActiveServer(server) || (!dispatch.origin && !graphs.has(dispatch.dispatchId))) continue;
      byServer.set(server, [...(byServer.get(server) ?? []), dispatch.dispatchId]);
    }
    return byServer;
  }

  private unfinished(): DispatchState[] {
    return this.store
      .all()
      .filter((dispatch) => !isTerminal(dispatch.status) && (dispatch.status !== 'NEW_OBJECT' || dispatch.origin !== undefined))
      .filter((dispatch) => !this.unknownToServer.has(dispatch.dispatchId));
  }

  /** The server of a dispatch; one nobody said anything about is taken to be the active one's. */
  private serverOf(dispatchId: string): string {
    return this.store.serverOf(dispatchId) ?? this.options.address;
  }

  private isActiveServer(address: string): boolean {
    return sameAddress(address, this.options.address);
  }

  /** The client of the server a dispatch lives on (graphs and errors are read there). */
  private clientOf(dispatchId: string): CovalentClient {
    const server = this.serverOf(dispatchId);
    return this.isActiveServer(server) ? this.client : this.connections.client(server);
  }

  /** Time a graph request of this dispatch gets now (it grows with its tasks and its timeouts). */
  graphTimeoutMs(dispatchId: string): number {
    return this.graphs.timeoutMs(dispatchId);
  }

  private createClient(): CovalentClient {
    return this.connections.client(this.options.address);
  }

  private connectChannel(): void {
    if (this.disposed) return;
    const channel = this.openChannel(this.options.address, this.client.http.options.token);
    if (!channel) return;
    this.channel = channel;
    this.channelSubscriptions = [
      channel.onDidChangeState((state) => this.channelChanged(state)),
      // `result-update` and `draw_request` carry no state we trust: they only say "look now".
      channel.onEvent(() => this.schedule(0)),
    ];
    channel.start();
  }

  private disconnectChannel(): void {
    for (const subscription of this.channelSubscriptions.splice(0)) subscription.dispose();
    this.channel?.dispose();
    this.channel = undefined;
  }

  /** The socket.io channel's state ('closed' when none is open). */
  get socketState(): SocketState {
    return this.channel?.state ?? 'closed';
  }

  private channelChanged(state: SocketState): void {
    if (state === 'connected' || state === 'disconnected') this.options.log?.('info', `socket.io channel to ${this.options.address} ${state}`);
    if (state === 'connected') {
      // Back (or first contact): reload what may have changed while we could not see.
      this.listing.want();
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
    if (this.store.connection === 'unauthorized') return this.options.unauthorizedProbeMs ?? 5000;
    const watched = [...this.watchedDispatches(), ...[...this.otherServersWatched().values()].flat()];
    const shown = this.demand.size > 0;
    if (this.detailsNeeded.size > 0 || this.graphs.due().length > 0) return this.options.pollIntervalMs;
    const retry = this.graphs.nextRetry();
    const earliest = (delay: number) => (retry === undefined ? delay : Math.min(delay, Math.max(retry, this.options.pollIntervalMs)));
    if (watched.length > 0) return earliest(shown ? this.options.pollIntervalMs : this.options.backgroundIntervalMs ?? 5000);
    if (this.treeVisible) return earliest(this.options.listRefreshMs ?? 1500);
    if (this.store.connection === 'unknown') return earliest(this.options.offlineProbeMs ?? 1000);
    return retry === undefined ? undefined : Math.max(retry, this.options.pollIntervalMs);
  }

  private async tick(): Promise<void> {
    try {
      if (this.listing.stale(this.treeVisible)) await this.listing.reload();
      else await this.pollStatuses();
      this.online();
    } catch (error) {
      this.failed(error);
      if (this.listing.stale(this.treeVisible)) this.store.setListing({ ...this.store.listing, error: messageOf(error) });
      return;
    }
    for (const id of this.unknownToServer) if (!this.store.get(id)) this.unknownToServer.delete(id);
    this.graphs.startDue();
  }

  /** One bulk request for the active server (statuses only, or full summaries when something changed), one per other server. */
  private async pollStatuses(): Promise<void> {
    await this.pollActiveServer();
    for (const [server, ids] of this.otherServersWatched()) {
      try {
        const summaries = await this.connections.client(server).summaries(ids);
        this.forgetUnknown(ids, new Set(summaries.map((summary) => summary.dispatchId)));
        this.store.updateAll(summaries);
        this.otherServerProblems.delete(server);
      } catch (error) {
        // Another server's trouble is not the active one's: said once in the log, tried again next tick.
        const message = messageOf(error);
        if (this.otherServerProblems.get(server) !== message) this.options.log?.('warn', `dispatches on ${server}: ${message}`);
        this.otherServerProblems.set(server, message);
      }
    }
  }

  private async pollActiveServer(): Promise<void> {
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
      this.store.updateAll(summaries);
      return;
    }
    const statuses = await this.client.statuses(ids);
    this.forgetUnknown(ids, statuses);
    const changed = [...statuses].filter(([id, status]) => this.store.get(id)?.status !== status).map(([id]) => id);
    if (changed.length === 0) return;
    // A status moved: read those dispatches' times and progress too, so views never
    // show COMPLETED next to last tick's progress. One more request per change, not per tick.
    try {
      this.store.updateAll(await this.client.summaries(changed));
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

  /** Resolves when the graph requests under way now have ended. */
  graphRequestsSettled(): Promise<void> {
    return this.graphs.settled();
  }

  /** Entries the poller holds per dispatch (graph bookkeeping, fetched errors, unknown ids): tests check it stays bounded. */
  get bookkeepingSize(): number {
    return this.graphs.size + this.unknownToServer.size + this.detailsNeeded.size;
  }

  private online(): void {
    if (this.store.connection !== 'online' || this.store.connectionError) {
      const wasOffline = this.store.connection === 'offline' || this.store.connection === 'unauthorized';
      // A refused channel was closed: a server that lets us in again gets it back.
      if (this.store.connection === 'unauthorized' && !this.channel) this.connectChannel();
      // The list's error was the server being away: it goes with the same answer that says it is back.
      if (wasOffline && this.store.listing.error) this.store.setListing({ ...this.store.listing, error: undefined });
      this.store.setConnection('online');
      if (wasOffline) {
        this.options.log?.('info', `Covalent server at ${this.options.address} answers again.`);
        this.listing.want();
        this.graphs.retryNow();
        this.channel?.retryNow();
      }
    }
  }

  private failed(error: unknown): void {
    const message = messageOf(error);
    if (this.store.connection === 'online' || this.store.connection === 'unknown' || this.store.connectionError !== message) {
      this.options.log?.(meansOffline(error) ? 'warn' : 'error', message);
    }
    if (error instanceof TokenWantedError) {
      // It answers, but not to us: no point knocking on the socket.io channel until a token comes.
      this.disconnectChannel();
      this.store.setConnection('unauthorized', message);
      return;
    }
    // Unreachable, slow, or answering things that are not Covalent: either way not usable.
    this.store.setConnection('offline', message);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.graphs.dispose();
    this.disconnectChannel();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
