import * as assert from 'assert';
import type { CovalentClient } from '../../src/covalent/client';
import { DispatchStore } from '../../src/store/dispatchStore';
import { GraphFetcher } from '../../src/live/graphFetcher';
import type { DispatchGraph, StoreChange } from '../../src/store/types';

const graphOf = (dispatchId: string): DispatchGraph => ({ dispatchId, tasks: [{ nodeId: 0, name: 'task', kind: 'function', status: 'COMPLETED', reused: false }], edges: [], fetchedAt: 0 });
const ids = (count: number, prefix = 'd') => Array.from({ length: count }, (_, index) => `${prefix}${index}`);

describe('DispatchStore', () => {
  it('tracks a dispatch the editor made and merges what the server says', () => {
    const store = new DispatchStore();
    const changes: StoreChange[] = [];
    store.onDidChange((change) => changes.push(change));
    store.track('a', { serverAddress: 'http://localhost:48008', fileUri: 'file:///w.py', latticeName: 'workflow', submittedAt: 1 });
    store.update('a', { status: 'RUNNING', totalTasks: 7, completedTasks: 2 });
    store.update('a', { status: 'RUNNING', totalTasks: 7, completedTasks: 2 });
    assert.strictEqual(store.get('a')?.status, 'RUNNING');
    assert.strictEqual(store.get('a')?.origin?.latticeName, 'workflow');
    assert.strictEqual(changes.length, 2, 'an update that changes nothing fires nothing');
    assert.deepStrictEqual(store.forLattice('file:///w.py', 'workflow').map((d) => d.dispatchId), ['a']);
  });

  it('forgets a dispatch the editor deleted, and a listing read before the delete does not bring it back', () => {
    const store = new DispatchStore();
    store.update('cancelled', { status: 'NEW_OBJECT', totalTasks: 4003 });
    store.update('kept', { status: 'RUNNING' });
    store.forget('cancelled');
    store.updateAll([
      { dispatchId: 'cancelled', status: 'NEW_OBJECT' },
      { dispatchId: 'kept', status: 'COMPLETED' },
    ]);
    assert.strictEqual(store.get('cancelled'), undefined);
    assert.strictEqual(store.get('kept')?.status, 'COMPLETED');
  });

  it('finds one task’s error by dispatch and node id, and fires only when its text changes', () => {
    const store = new DispatchStore();
    const changes: StoreChange[] = [];
    store.onDidChange((change) => changes.push(change));
    store.setTaskError({ dispatchId: 'a', nodeId: 3, taskName: 'divide', text: 'ZeroDivisionError' });
    store.setTaskError({ dispatchId: 'a', nodeId: 3, taskName: 'divide', text: 'ZeroDivisionError' });
    assert.strictEqual(store.taskError('a', 3)?.text, 'ZeroDivisionError');
    assert.strictEqual(store.taskError('a', 4), undefined);
    assert.strictEqual(store.taskError('b', 3), undefined);
    assert.deepStrictEqual(store.taskErrors('a').map((error) => error.nodeId), [3]);
    assert.strictEqual(changes.length, 1);
  });

  it('lists newest first and counts graph watchers', () => {
    const store = new DispatchStore();
    store.update('old', { status: 'COMPLETED', createdAt: 1 });
    store.update('new', { status: 'RUNNING', createdAt: 2 });
    assert.deepStrictEqual(store.all().map((d) => d.dispatchId), ['new', 'old']);
    const first = store.watchGraph('new');
    const second = store.watchGraph('new');
    first.dispose();
    first.dispose();
    assert.deepStrictEqual(store.watchedGraphs(), ['new']);
    second.dispose();
    assert.deepStrictEqual(store.watchedGraphs(), []);
  });

  it('keeps the graphs of the 50 most recently used finished dispatches nobody watches, and forgets older ones', () => {
    const store = new DispatchStore();
    for (const id of ids(60)) {
      store.update(id, { status: 'COMPLETED' });
      store.setGraph(graphOf(id));
      store.setExecutors(id, new Map([[0, { name: 'dask', settings: [], serverDefaults: true }]]));
    }
    const held = ids(60).filter((id) => store.graph(id));
    assert.deepStrictEqual(held, ids(60).slice(10), 'the 10 oldest went');
    assert.ok(!store.hasExecutors('d0') && store.hasExecutors('d10'), 'their executors went with them');
    // d10 is read (a view showed it): now d11 is the least recently used.
    assert.ok(store.graph('d10'));
    store.update('x', { status: 'COMPLETED' });
    store.setGraph(graphOf('x'));
    assert.ok(store.graph('d10') && !store.graph('d11'), 'a read counts as use');
    assert.strictEqual(ids(60).filter((id) => store.graph(id)).length + 1, 50);
  });

  it('never forgets a watched or a running dispatch’s graph, and counts one once it is released or finished', () => {
    const store = new DispatchStore();
    store.update('watched', { status: 'COMPLETED' });
    store.setGraph(graphOf('watched'));
    const watcher = store.watchGraph('watched');
    store.update('running', { status: 'RUNNING' });
    store.setGraph(graphOf('running'));
    for (const id of ids(55)) {
      store.update(id, { status: 'FAILED' });
      store.setGraph(graphOf(id));
    }
    assert.ok(store.graph('watched') && store.graph('running'), 'the oldest two stay: one is watched, one runs');
    assert.strictEqual(ids(55).filter((id) => store.graph(id)).length, 50);
    watcher.dispose();
    assert.strictEqual(store.graph('watched'), undefined, 'released, it is the least recently used finished graph');
    store.update('running', { status: 'CANCELLED' });
    assert.strictEqual(store.graph('running'), undefined, 'finished, so is this one');
    assert.strictEqual(ids(55).filter((id) => store.graph(id)).length, 50);
  });

  it('fetches a forgotten graph again when a view watches it', async () => {
    const store = new DispatchStore();
    const asked: string[] = [];
    const client = {
      graph: (dispatchId: string) => (asked.push(dispatchId), Promise.resolve(graphOf(dispatchId))),
      details: { taskExecutors: () => Promise.resolve(new Map()), taskError: () => Promise.resolve(undefined) },
    } as unknown as CovalentClient;
    const fetcher = new GraphFetcher({ store, client: () => client, settings: () => ({ requestTimeoutMs: 1000, pollIntervalMs: 100 }), unreachable: () => undefined, settled: () => undefined });
    const fetchDue = async () => {
      fetcher.startDue();
      await fetcher.settled();
    };
    store.update('first', { status: 'COMPLETED' });
    let watcher = store.watchGraph('first');
    await fetchDue();
    await fetchDue(); // A finished dispatch's graph is read once more, then not again.
    assert.deepStrictEqual(asked, ['first', 'first']);
    assert.deepStrictEqual(fetcher.due(), [], 'fetched at this status: not due');
    watcher.dispose();
    for (const id of ids(50)) {
      store.update(id, { status: 'COMPLETED' });
      store.setGraph(graphOf(id));
    }
    assert.strictEqual(store.graph('first'), undefined, 'forgotten');
    watcher = store.watchGraph('first');
    assert.deepStrictEqual(fetcher.due(), ['first'], 'watched again, it is due though its status did not move');
    await fetchDue();
    assert.deepStrictEqual(asked, ['first', 'first', 'first']);
    assert.ok(store.graph('first'));
    watcher.dispose();
    fetcher.dispose();
  });
});
