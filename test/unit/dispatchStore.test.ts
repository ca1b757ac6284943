import * as assert from 'assert';
import { DispatchStore } from '../../src/store/dispatchStore';
import type { StoreChange } from '../../src/store/types';

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
});
