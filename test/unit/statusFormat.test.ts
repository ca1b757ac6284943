import * as assert from 'assert';
import { dispatchDescription, dispatchRuntime, formatAge, formatDuration, isUserTask, statusIcon } from '../../src/views/format';

describe('Status words for the tree, status bar and editor', () => {
  it('formats durations and ages for people', () => {
    assert.strictEqual(formatDuration(850), '850 ms');
    assert.strictEqual(formatDuration(12_345), '12.3 s');
    assert.strictEqual(formatDuration(245_000), '4 min 05 s');
    assert.strictEqual(formatDuration(7_380_000), '2 h 03 min');
    assert.strictEqual(formatDuration(undefined), '');
    assert.strictEqual(formatAge(1000, 2000), 'just now');
    assert.strictEqual(formatAge(0, 5 * 60_000), '5 min ago');
  });

  it('describes a dispatch as n/m tasks · runtime · age, counting a running one until now', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const running = { dispatchId: 'd', status: 'RUNNING' as const, totalTasks: 7, completedTasks: 2, createdAt: now - 90_000 };
    assert.strictEqual(dispatchDescription(running, now), '2/7 tasks · 1 min 30 s · 2 min ago');
    const done = { ...running, status: 'COMPLETED' as const, completedTasks: 7, startedAt: now - 10_000, completedAt: now - 4_000 };
    assert.strictEqual(dispatchRuntime(done, now), 6000);
    assert.strictEqual(dispatchDescription({ dispatchId: 'e', status: 'NEW_OBJECT' }, now), 'new object');
    // Saved without running: it has not run for any time, however long ago it was saved.
    const saved = { dispatchId: 's', status: 'NEW_OBJECT' as const, totalTasks: 3003, completedTasks: 0, createdAt: now - 60_000 };
    assert.strictEqual(dispatchRuntime(saved, now), undefined);
    assert.strictEqual(dispatchDescription(saved, now), '0/3003 tasks · 1 min ago');
  });

  it('spins only while running and hides Covalent helper nodes', () => {
    assert.strictEqual(statusIcon('RUNNING'), 'loading~spin');
    assert.strictEqual(statusIcon('COMPLETED'), 'pass');
    assert.strictEqual(statusIcon('POSTPROCESSING_FAILED'), 'error');
    const task = { nodeId: 1, kind: 'parameter', status: 'COMPLETED' as const, reused: false };
    assert.strictEqual(isUserTask({ ...task, name: ':parameter:1' }), false);
    assert.strictEqual(isUserTask({ ...task, name: 'divide' }), true);
  });
});
