import * as assert from 'assert';
import * as http from 'http';
import { AddressInfo } from 'net';
import { LiveStatus } from '../../src/store/liveStatus';
import { DispatchStore } from '../../src/store/dispatchStore';
import { DispatchStatus } from '../../src/store/types';

/**
 * A fake of the Covalent HTTP API holding dispatch states in memory, to check the
 * poller's request pattern (pure logic). The real server is in the integration tests.
 */
class FakeCovalent {
  readonly statuses = new Map<string, DispatchStatus>();
  readonly requests: URL[] = [];
  answerGarbage = false;
  private server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    this.requests.push(url);
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
        .map((id) => (url.searchParams.get('status_only') === 'true' ? { dispatch_id: id, status: this.statuses.get(id) } : { dispatch_id: id, root_dispatch_id: id, status: this.statuses.get(id), name: 'wf', electron_num: 2, completed_electron_num: this.statuses.get(id) === 'COMPLETED' ? 2 : 0 }));
      response.end(JSON.stringify({ dispatches, metadata: { count: dispatches.length } }));
    } else if (url.pathname.endsWith('/graph')) {
      const id = url.pathname.split('/')[4];
      response.end(JSON.stringify({ dispatch_id: id, graph: { nodes: [{ id: 1, name: 'task', node_id: 0, status: this.statuses.get(id), type: 'function' }], links: [] } }));
    } else {
      response.end('{}');
    }
  });
  address = '';

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

describe('LiveStatus (poller)', () => {
  let server: FakeCovalent;
  let live: LiveStatus | undefined;
  beforeEach(async () => {
    server = new FakeCovalent();
    await server.start();
  });
  afterEach(async () => {
    live?.dispose();
    live = undefined;
    await server.close();
  });

  function start(store: DispatchStore): LiveStatus {
    live = new LiveStatus(store, { address: server.address, requestTimeoutMs: 1000, pollIntervalMs: 100, backgroundIntervalMs: 100, offlineProbeMs: 100, useSocket: false });
    live.setDemand('test', true);
    live.start();
    return live;
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
    assert.strictEqual(server.requests.filter(isGraph)[0].pathname, '/api/v1/dispatches/a/graph');
    server.statuses.set('a', 'COMPLETED');
    server.statuses.set('b', 'COMPLETED');
    await poller.tickNow();
    await poller.tickNow();
    await sleep(300);
    assert.strictEqual(store.get('a')?.status, 'COMPLETED');
    assert.strictEqual(store.graph('a')?.tasks[0].status, 'COMPLETED');
    assert.strictEqual(server.count(isGraph), 3, 'after the change, and once more to settle a finished graph; never for the unwatched b');
    watcher.dispose();
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
    live = new LiveStatus(store, { address: server.address, requestTimeoutMs: 1000, pollIntervalMs: 100, listRefreshMs: 100, pageSize: 50, useSocket: false });
    live.setDemand('tree', true);
    live.start();
    await sleep(150);
    assert.deepStrictEqual(store.listing.dispatchIds.slice(0, 2), ['d119', 'd118'], 'newest first');
    assert.strictEqual(store.listing.dispatchIds.length, 50);
    assert.strictEqual(store.listing.hasMore, true);
    await live.loadMore();
    await live.loadMore();
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
});
