import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { ServerConnections } from '../../src/covalent/connections';
import { StatusPoller, type StatusPollerOptions } from '../../src/live/statusPoller';
import { DispatchStore } from '../../src/store/dispatchStore';
import type { DispatchStatus } from '../../src/store/types';
import { waitFor } from '../support/wait';

/**
 * A fake of the Covalent HTTP API holding dispatch states in memory, to check the
 * poller's request pattern (pure logic). The real server is in the integration tests.
 */
class FakeCovalent {
  readonly statuses = new Map<string, DispatchStatus>();
  readonly requests: URL[] = [];
  answerGarbage = false;
  /** How long the graph endpoint takes to answer (a busy server with a big graph). */
  graphDelayMs = 0;
  /** Tasks each dispatch has (the summary's electron_num). */
  electronCount = 2;
  /** Progress moves on every summary: each tick changes what a graph was fetched at. */
  moving = false;
  graphsInFlight = 0;
  maxGraphsInFlight = 0;
  readonly graphRequestTimes: number[] = [];
  private progress = 0;
  private server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    this.requests.push(url);
    if (url.pathname.endsWith('/graph') && this.graphDelayMs > 0) {
      this.graphRequestTimes.push(Date.now());
      this.maxGraphsInFlight = Math.max(this.maxGraphsInFlight, ++this.graphsInFlight);
      const answer = () => {
        this.graphsInFlight--;
        clearTimeout(timer);
        if (!response.destroyed) this.answer(url, response);
      };
      const timer = setTimeout(answer, this.graphDelayMs);
      // The client gave up: the request is no longer in flight.
      response.on('close', () => {
        if (!response.writableEnded) answer();
      });
      return;
    }
    this.answer(url, response);
  });
  address = '';

  private answer(url: URL, response: http.ServerResponse): void {
    if (this.answerGarbage) {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<h1>proxy error</h1>');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    if (url.pathname === '/api/v2/dispatches') {
      const ids = url.searchParams.getAll('dispatch_id');
      // Without ids: the server's list, newest first, paged by offset and count.
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const wanted = ids.length ? ids : [...this.statuses.keys()].reverse().slice(offset, offset + Number(url.searchParams.get('count') ?? 10));
      const dispatches = wanted
        .filter((id) => this.statuses.has(id))
        .map((id) => (url.searchParams.get('status_only') === 'true' ? { dispatch_id: id, status: this.statuses.get(id) } : { dispatch_id: id, root_dispatch_id: id, status: this.statuses.get(id), name: 'wf', electron_num: this.electronCount, completed_electron_num: this.statuses.get(id) === 'COMPLETED' ? this.electronCount : this.moving ? ++this.progress : 0 }));
      response.end(JSON.stringify({ dispatches, metadata: { count: dispatches.length } }));
    } else if (url.pathname.endsWith('/graph')) {
      const id = url.pathname.split('/')[4] ?? '';
      response.end(JSON.stringify({ dispatch_id: id, graph: { nodes: [{ id: 1, name: 'task', node_id: 0, status: this.statuses.get(id), type: 'function' }], links: [] } }));
    } else {
      response.end('{}');
    }
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.address = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(predicate: (url: URL) => boolean): number {
    return this.requests.filter(predicate).length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isGraph = (url: URL) => url.pathname.endsWith('/graph');
const isBulk = (url: URL) => url.pathname === '/api/v2/dispatches';

/**
 * The poller as these tests drive it: clients of its own with the poll's timeout,
 * and no socket.io channel, so every request counted is a poll.
 */
function pollingOnly(store: DispatchStore, options: StatusPollerOptions): StatusPoller {
  const connections = new ServerConnections({ timeoutMs: () => options.requestTimeoutMs });
  return new StatusPoller({ store, connections, openChannel: () => undefined }, options);
}

describe('StatusPoller', () => {
  let server: FakeCovalent;
  let poller: StatusPoller | undefined;
  beforeEach(async () => {
    server = new FakeCovalent();
    await server.start();
  });
  afterEach(async () => {
    poller?.dispose();
    poller = undefined;
    await server.close();
  });

  function start(store: DispatchStore): StatusPoller {
    poller = pollingOnly(store, { address: server.address, requestTimeoutMs: 1000, pollIntervalMs: 100, backgroundIntervalMs: 100, offlineProbeMs: 100 });
    poller.setDemand('test', true);
    poller.start();
    return poller;
  }

  it('asks for all watched dispatches in one request per tick, whatever their number', async () => {
    const store = new DispatchStore();
    for (let index = 0; index < 100; index++) {
      server.statuses.set(`d${index}`, 'RUNNING');
      store.track(`d${index}`, { serverAddress: server.address });
    }
    start(store);
    await sleep(650);
    const bulk = server.requests.filter(isBulk).filter((url) => url.searchParams.getAll('dispatch_id').length > 0);
    assert.ok(bulk.length >= 3 && bulk.length <= 9, `${bulk.length} bulk requests in 650 ms at a 100 ms interval`);
    for (const url of bulk) assert.strictEqual(url.searchParams.getAll('dispatch_id').length, 100);
    assert.strictEqual(server.requests.length, bulk.length, 'nothing else was asked');
    assert.strictEqual(store.get('d7')?.status, 'RUNNING');
  });

  it('fetches a graph only while watched and only when the status moved', async () => {
    const store = new DispatchStore();
    server.statuses.set('a', 'RUNNING');
    server.statuses.set('b', 'RUNNING');
    store.track('a', { serverAddress: server.address });
    store.track('b', { serverAddress: server.address });
    const poller = start(store);
    const watcher = store.watchGraph('a');
    await sleep(500);
    assert.strictEqual(server.count(isGraph), 1, 'fetched once, then the status did not move');
    assert.strictEqual(server.requests.filter(isGraph)[0]?.pathname, '/api/v1/dispatches/a/graph');
    server.statuses.set('a', 'COMPLETED');
    server.statuses.set('b', 'COMPLETED');
    await poller.tickNow();
    await poller.tickNow();
    await sleep(300);
    assert.strictEqual(store.get('a')?.status, 'COMPLETED');
    assert.strictEqual(store.graph('a')?.tasks[0]?.status, 'COMPLETED');
    assert.strictEqual(server.count(isGraph), 3, 'after the change, and once more to settle a finished graph; never for the unwatched b');
    watcher.dispose();
  });

  it('keeps polling statuses while a slow graph is under way, never asks for it twice at once, and gives it longer by its size', async () => {
    const store = new DispatchStore();
    server.statuses.set('big', 'RUNNING');
    server.electronCount = 50; // 200 ms + 50 × 20 ms = 1.2 s for the graph, 200 ms for everything else
    server.moving = true;
    server.graphDelayMs = 700;
    store.track('big', { serverAddress: server.address });
    poller = pollingOnly(store, { address: server.address, requestTimeoutMs: 200, pollIntervalMs: 50 });
    poller.setDemand('panel', true);
    poller.start();
    const watcher = store.watchGraph('big');
    await sleep(450);
    assert.strictEqual(store.graph('big'), undefined, 'still on its way');
    assert.strictEqual(store.graphProblem('big')?.kind, 'waiting');
    assert.match(store.graphProblem('big')?.message ?? '', /slow to send this dispatch's graph \(50 tasks\); still waiting \(up to 1\.2 s\)/);
    assert.strictEqual(store.connection, 'online', 'a slow graph is not a dead server');
    const polls = server.count(isBulk);
    assert.ok(polls >= 4, `${polls} status polls went on beside the graph`);
    await sleep(500);
    assert.strictEqual(store.graph('big')?.tasks.length, 1, 'the graph arrived within its own timeout');
    assert.strictEqual(store.graphProblem('big'), undefined, 'and the notice went with it');
    assert.strictEqual(server.maxGraphsInFlight, 1, 'never two requests for one graph');
    assert.strictEqual(server.graphRequestTimes.length, 1, 'progress moved every tick, yet the graph was not asked again while under way');
    watcher.dispose();
  });

  it('says when a graph request timed out and retries it with backoff and a longer wait, then shows it', async function () {
    this.timeout(6000);
    const store = new DispatchStore();
    server.statuses.set('big', 'RUNNING');
    server.graphDelayMs = 60000;
    store.track('big', { serverAddress: server.address });
    poller = pollingOnly(store, { address: server.address, requestTimeoutMs: 100, pollIntervalMs: 50, graphRetryMs: 100 });
    poller.setDemand('panel', true);
    poller.start();
    const watcher = store.watchGraph('big');
    const problems: string[] = [];
    const subscription = store.onDidChange((change) => {
      const problem = change.kind === 'graph' ? store.graphProblem('big') : undefined;
      if (problem) problems.push(`${problem.kind}: ${problem.message}`);
    });
    await sleep(1600);
    assert.strictEqual(store.connection, 'online');
    assert.ok(
      problems.some((problem) => /^timeout: The Covalent server is slow to send this dispatch's graph \(2 tasks\): no answer within 0\.1 s\. Trying again in 0\.1 s/.test(problem)),
      problems.join('\n'),
    );
    // 140 ms (100 + 2 × 20) then 280 ms, 560 ms…, with 100, 200, 400 ms pauses: 3 tries in 1.6 s, not one per 50 ms tick.
    const starts = server.graphRequestTimes;
    assert.ok(starts.length >= 2 && starts.length <= 4, `${starts.length} graph requests`);
    assert.strictEqual(server.maxGraphsInFlight, 1);
    const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
    assert.ok(gaps.every((gap, index) => index === 0 || gap > gaps[index - 1]!), `gaps grow: ${gaps.join(', ')} ms`);
    assert.ok(server.count(isBulk) >= 10, 'status polls went on');
    server.graphDelayMs = 0;
    await sleep(1500);
    assert.strictEqual(store.graph('big')?.tasks.length, 1, 'the retry got the graph');
    assert.strictEqual(store.graphProblem('big'), undefined);
    subscription.dispose();
    watcher.dispose();
  });

  it('forgets its per-dispatch bookkeeping with the dispatches: nothing grows over many ticks of coming and going dispatches', async () => {
    const store = new DispatchStore();
    server.moving = true;
    const poller = start(store);
    for (let round = 0; round < 5; round++) {
      const ids = Array.from({ length: 40 }, (_, index) => `r${round}-${index}`);
      for (const id of ids) {
        server.statuses.set(id, 'RUNNING');
        store.track(id, { serverAddress: server.address, submittedAt: Date.now() - 120000 });
      }
      // Half are unknown to the server (deleted elsewhere): the poller stops asking about them.
      for (const id of ids.slice(20)) server.statuses.delete(id);
      const watchers = ids.slice(0, 10).map((id) => store.watchGraph(id));
      await poller.tickNow();
      await poller.tickNow();
      await sleep(150);
      assert.ok(poller.bookkeepingSize > 0, 'the poller did track them');
      watchers.forEach((watcher) => watcher.dispose());
      for (const id of ids) store.remove(id);
    }
    // Graph requests still on their way (slow on a busy machine) keep nothing once they end.
    await poller.graphRequestsSettled();
    await poller.tickNow();
    assert.strictEqual(poller.bookkeepingSize, 0, 'entries of removed dispatches were dropped');
  });

  it('keeps nothing of dispatches removed while their graph requests are on the way, not even the error the server then answers', async () => {
    const store = new DispatchStore();
    for (const id of ['deleted-1', 'deleted-2']) {
      server.statuses.set(id, 'RUNNING');
      store.track(id, { serverAddress: server.address });
    }
    const watchers = ['deleted-1', 'deleted-2'].map((id) => store.watchGraph(id));
    server.graphDelayMs = 300;
    const poller = start(store);
    await poller.tickNow();
    await waitFor('both graph requests under way', () => server.count((url) => url.pathname.endsWith('/graph')) >= 2 || undefined, 5000);
    // Deleted in the editor meanwhile; the server then answers with junk (as a proxy's error page would).
    store.remove('deleted-1');
    store.remove('deleted-2');
    server.answerGarbage = true;
    try {
      await poller.graphRequestsSettled();
    } finally {
      server.answerGarbage = false;
      server.graphDelayMs = 0;
      watchers.forEach((watcher) => watcher.dispose());
    }
    for (const id of ['deleted-1', 'deleted-2']) {
      assert.strictEqual(store.graph(id), undefined, `no graph of ${id}`);
      assert.strictEqual(store.graphProblem(id), undefined, `no problem said about ${id}`);
    }
  });

  it('reads the graph again for a dispatch removed and added back, though its status did not move', async () => {
    const store = new DispatchStore();
    server.statuses.set('back', 'COMPLETED');
    store.track('back', { serverAddress: server.address });
    let watcher = store.watchGraph('back');
    const poller = start(store);
    await waitFor('the graph', async () => {
      await poller.tickNow();
      return store.graph('back');
    }, 5000);
    watcher.dispose();
    // Removed (the tree forgot it) and, before the next tick, opened again.
    store.remove('back');
    store.track('back', { serverAddress: server.address });
    watcher = store.watchGraph('back');
    try {
      await waitFor('the graph read again', async () => {
        await poller.tickNow();
        await poller.graphRequestsSettled();
        return store.graph('back');
      }, 5000);
    } finally {
      watcher.dispose();
    }
  });

  it('stops polling when nothing needs it', async () => {
    const store = new DispatchStore();
    server.statuses.set('a', 'RUNNING');
    store.track('a', { serverAddress: server.address });
    start(store);
    await sleep(250);
    server.statuses.set('a', 'COMPLETED');
    await sleep(400);
    assert.strictEqual(store.get('a')?.status, 'COMPLETED');
    assert.strictEqual(store.get('a')?.completedTasks, 2, 'details were fetched after the change');
    const settled = server.requests.length;
    await sleep(500);
    assert.strictEqual(server.requests.length, settled, 'no requests once everything finished');
  });

  it('pages the server list for the visible tree: first page at once, more on request, new ones on top', async () => {
    const store = new DispatchStore();
    for (let index = 0; index < 120; index++) server.statuses.set(`d${index}`, 'COMPLETED');
    poller = pollingOnly(store, { address: server.address, requestTimeoutMs: 1000, pollIntervalMs: 100, listRefreshMs: 100, pageSize: 50 });
    poller.setDemand('tree', true);
    poller.start();
    await sleep(150);
    assert.deepStrictEqual(store.listing.dispatchIds.slice(0, 2), ['d119', 'd118'], 'newest first');
    assert.strictEqual(store.listing.dispatchIds.length, 50);
    assert.strictEqual(store.listing.hasMore, true);
    await poller.loadMore();
    await poller.loadMore();
    assert.strictEqual(store.listing.dispatchIds.length, 120);
    assert.strictEqual(new Set(store.listing.dispatchIds).size, 120, 'no row twice');
    assert.strictEqual(store.listing.hasMore, false);
    server.statuses.set('d120', 'RUNNING');
    await sleep(250);
    assert.strictEqual(store.listing.dispatchIds[0], 'd120', 'a dispatch made elsewhere shows up on top');
    assert.strictEqual(store.listing.dispatchIds.length, 121);
    assert.strictEqual(store.get('d120')?.status, 'RUNNING');
  });

  it('goes offline with a clear message on garbage and back online when the server recovers, keeping the store', async () => {
    const store = new DispatchStore();
    server.statuses.set('a', 'RUNNING');
    store.track('a', { serverAddress: server.address, latticeName: 'wf' });
    start(store);
    await sleep(200);
    assert.strictEqual(store.connection, 'online');
    server.answerGarbage = true;
    await sleep(300);
    assert.strictEqual(store.connection, 'offline');
    assert.match(store.connectionError ?? '', /expected JSON, got HTML/);
    assert.strictEqual(store.get('a')?.origin?.latticeName, 'wf', 'nothing lost');
    server.answerGarbage = false;
    await sleep(300);
    assert.strictEqual(store.connection, 'online');
    assert.strictEqual(store.connectionError, undefined);
  });

  it('clears the list error left by an outage in the same step that says the server is back', async () => {
    const store = new DispatchStore();
    server.statuses.set('a', 'RUNNING');
    store.track('a', { serverAddress: server.address, latticeName: 'wf' });
    start(store);
    await sleep(200);
    server.answerGarbage = true;
    await sleep(300);
    assert.strictEqual(store.connection, 'offline');
    // What a failed load of the tree's list leaves behind during the outage.
    store.setListing({ ...store.listing, error: 'The Covalent server cannot be reached.' });
    const listErrorWhenOnline: (string | undefined)[] = [];
    store.onDidChange((change) => {
      if (change.kind === 'connection' && change.connection === 'online') listErrorWhenOnline.push(store.listing.error);
    });
    server.answerGarbage = false;
    await sleep(300);
    assert.deepStrictEqual(listErrorWhenOnline, [undefined], 'views never show "online" next to the outage message');
  });
});
