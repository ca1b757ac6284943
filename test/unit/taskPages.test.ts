import * as assert from 'assert';
import type { DispatchGraph, DispatchStatus, TaskState } from '../../src/store/types';
import { orderTasks, showMoreLabel, TASK_PAGE_SIZE, TaskIndex, taskIndexOf, TaskPaging, taskRank } from '../../src/views/taskPages';

function task(nodeId: number, status: DispatchStatus = 'COMPLETED', name = `task_${nodeId}`): TaskState {
  return { nodeId, name, kind: 'function', status, reused: false };
}

function graph(tasks: readonly TaskState[]): DispatchGraph {
  return { dispatchId: 'd', tasks, edges: [], fetchedAt: 0 };
}

const ids = (tasks: readonly TaskState[]) => tasks.map((each) => each.nodeId);

describe('Task rows of the Dispatches tree: order and pages', () => {
  it('puts failed tasks first, then running ones, then the rest, each group in graph order', () => {
    const tasks = [task(0), task(1, 'RUNNING'), task(2, 'FAILED'), task(3, 'NEW_OBJECT'), task(4, 'FAILED'), task(5, 'RUNNING'), task(6, 'PENDING_REUSE'), task(7, 'POSTPROCESSING_FAILED')];
    assert.deepStrictEqual(ids(orderTasks(tasks)), [2, 4, 7, 1, 5, 0, 3, 6]);
  });

  it('counts the statuses whose icon spins as running, and waiting or finished ones as the rest', () => {
    assert.strictEqual(taskRank('FAILED'), 0);
    assert.strictEqual(taskRank('POSTPROCESSING_FAILED'), 0);
    for (const status of ['STARTING', 'RUNNING', 'DISPATCHING', 'POSTPROCESSING'] as const) assert.strictEqual(taskRank(status), 1, status);
    for (const status of ['NEW_OBJECT', 'PENDING_REUSE', 'PENDING_REPLACEMENT', 'PENDING_POSTPROCESSING', 'COMPLETED', 'CANCELLED'] as const) assert.strictEqual(taskRank(status), 2, status);
  });

  it('leaves out Covalent’s helper nodes from the rows but finds them by id', () => {
    const index = new TaskIndex([task(0, 'COMPLETED', ':parameter:1'), task(1), task(2, 'COMPLETED', ':postprocess:')]);
    assert.deepStrictEqual(ids(index.ordered), [1]);
    assert.strictEqual(index.task(0)?.name, ':parameter:1');
    assert.strictEqual(index.task(1)?.name, 'task_1');
    assert.strictEqual(index.task(99), undefined);
  });

  it('shows a page of 100, then one page more each time, and says how many are left', () => {
    const index = new TaskIndex(Array.from({ length: 250 }, (_, nodeId) => task(nodeId)));
    assert.strictEqual(TASK_PAGE_SIZE, 100);
    const first = index.page(TASK_PAGE_SIZE);
    assert.deepStrictEqual(ids(first.tasks), Array.from({ length: 100 }, (_, nodeId) => nodeId));
    assert.strictEqual(first.remaining, 150);
    assert.strictEqual(index.page(200).tasks.length, 200);
    assert.strictEqual(index.remaining(200), 50);
    const last = index.page(300);
    assert.strictEqual(last.tasks.length, 250);
    assert.strictEqual(last.remaining, 0);
    // Never less than one page.
    assert.strictEqual(index.page(0).tasks.length, 100);
  });

  it('shows every row of a dispatch smaller than a page, with nothing left', () => {
    const page = new TaskIndex([task(0), task(1, 'FAILED')]).page(TASK_PAGE_SIZE);
    assert.deepStrictEqual(ids(page.tasks), [1, 0]);
    assert.strictEqual(page.remaining, 0);
  });

  it('keeps each dispatch’s page count across redraws, and never counts past its tasks', () => {
    const paging = new TaskPaging();
    assert.strictEqual(paging.shown('a'), 100);
    assert.strictEqual(paging.showMore('a', 10000), 200);
    assert.strictEqual(paging.showMore('a', 10000), 300);
    assert.strictEqual(paging.shown('a'), 300, 'asked again, as a redraw does');
    assert.strictEqual(paging.shown('b'), 100, 'another dispatch has its own count');
    assert.strictEqual(paging.showMore('b', 150), 150);
    assert.strictEqual(paging.showMore('b', 150), 150, 'all shown: no further');
    assert.strictEqual(paging.shown('b'), 150);
    assert.strictEqual(paging.showMore('c'), 200, 'tasks not known yet: one page more');
    paging.forget('a');
    assert.strictEqual(paging.shown('a'), 100);
  });

  it('labels the row below a page with the next page and what is left', () => {
    assert.strictEqual(showMoreLabel(9900), 'Show 100 more (9,900 left)');
    assert.strictEqual(showMoreLabel(37), 'Show 37 more (37 left)');
  });

  it('indexes a graph once, and a new graph of the same dispatch (a status change) again', () => {
    const before = graph([task(0), task(1)]);
    assert.strictEqual(taskIndexOf(before), taskIndexOf(before));
    const after = graph([task(0), task(1, 'FAILED')]);
    assert.notStrictEqual(taskIndexOf(after), taskIndexOf(before));
    assert.deepStrictEqual(ids(taskIndexOf(after).ordered), [1, 0]);
    assert.strictEqual(taskIndexOf(after).task(1)?.status, 'FAILED');
  });

  it('orders and pages 10,000 tasks: the failed and running ones on the first page, the rest in graph order', () => {
    const statuses: Record<number, DispatchStatus> = { 9999: 'FAILED', 5000: 'RUNNING', 42: 'FAILED', 7777: 'RUNNING' };
    const tasks = Array.from({ length: 10000 }, (_, nodeId) => task(nodeId, statuses[nodeId] ?? 'NEW_OBJECT', 'tick'));
    const index = taskIndexOf(graph(tasks));
    const page = index.page(TASK_PAGE_SIZE);
    assert.deepStrictEqual(ids(page.tasks.slice(0, 6)), [42, 9999, 5000, 7777, 0, 1]);
    assert.strictEqual(page.tasks.length, 100);
    assert.strictEqual(page.remaining, 9900);
    assert.strictEqual(index.task(7777)?.status, 'RUNNING');
    assert.strictEqual(index.ordered.length, 10000);
  });
});
