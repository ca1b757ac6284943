import type { DispatchGraph, DispatchStatus, TaskState } from '../store/types';
import { isUserTask } from './format';

/**
 * The order and the pages of a dispatch's task rows in the Dispatches tree:
 * failed tasks first, then running ones, then the rest as the graph lists them;
 * a page of rows at a time, so a dispatch of 10,000 tasks opens as fast as one
 * of ten. No `vscode` here: it tests in plain Node.
 */

/** Task rows a dispatch shows when it opens, and how many each "Show more" adds. */
export const TASK_PAGE_SIZE = 100;

const FAILED: ReadonlySet<DispatchStatus> = new Set<DispatchStatus>(['FAILED', 'POSTPROCESSING_FAILED']);
/** The statuses whose icon spins (`statusIcon`): the task is being worked on now. */
const RUNNING: ReadonlySet<DispatchStatus> = new Set<DispatchStatus>(['STARTING', 'RUNNING', 'DISPATCHING', 'POSTPROCESSING']);

/** 0 for failed, 1 for running, 2 for the rest. */
export function taskRank(status: DispatchStatus): number {
  if (FAILED.has(status)) return 0;
  if (RUNNING.has(status)) return 1;
  return 2;
}

/** The tasks the user wrote, failed then running then the rest, each group in the order given (one pass, no sort). */
export function orderTasks(tasks: readonly TaskState[]): TaskState[] {
  const failed: TaskState[] = [];
  const running: TaskState[] = [];
  const rest: TaskState[] = [];
  for (const task of tasks) {
    if (!isUserTask(task)) continue;
    const rank = taskRank(task.status);
    (rank === 0 ? failed : rank === 1 ? running : rest).push(task);
  }
  return failed.concat(running, rest);
}

/** One page of rows: the first `shown` of the ordered tasks, and how many are left after them. */
export interface TaskPage {
  readonly tasks: readonly TaskState[];
  readonly remaining: number;
}

/**
 * A graph's tasks as the tree reads them: in row order, and by node id (the rows
 * look their task up by id on every redraw). Built once per graph: the store
 * replaces the graph object whenever the server's answer changes.
 */
export class TaskIndex {
  /** The user's tasks in row order. */
  readonly ordered: readonly TaskState[];
  private readonly byId: ReadonlyMap<number, TaskState>;

  constructor(tasks: readonly TaskState[]) {
    this.ordered = orderTasks(tasks);
    this.byId = new Map(tasks.map((task) => [task.nodeId, task]));
  }

  /** Any task of the graph by its node id (helper nodes too). */
  task(nodeId: number): TaskState | undefined {
    return this.byId.get(nodeId);
  }

  /** The first `shown` rows (at least one page, at most every task). */
  page(shown: number): TaskPage {
    const count = this.visibleCount(shown);
    return { tasks: this.ordered.slice(0, count), remaining: this.ordered.length - count };
  }

  /** How many rows are left below the first `shown`. */
  remaining(shown: number): number {
    return this.ordered.length - this.visibleCount(shown);
  }

  private visibleCount(shown: number): number {
    return Math.min(this.ordered.length, Math.max(TASK_PAGE_SIZE, shown));
  }
}

const indexes = new WeakMap<DispatchGraph, TaskIndex>();

/** The index of a graph, made the first time it is asked for and kept as long as the graph is. */
export function taskIndexOf(graph: DispatchGraph): TaskIndex {
  let index = indexes.get(graph);
  if (!index) indexes.set(graph, (index = new TaskIndex(graph.tasks)));
  return index;
}

/**
 * How many task rows each dispatch shows: one page until "Show more" adds one.
 * Kept by dispatch id, so redraws (status ticks, new graphs of the same dispatch)
 * keep the rows a person opened.
 */
export class TaskPaging {
  private readonly shownByDispatch = new Map<string, number>();

  shown(dispatchId: string): number {
    return this.shownByDispatch.get(dispatchId) ?? TASK_PAGE_SIZE;
  }

  /**
   * One page more of `dispatchId`, never past `total` rows (when known); answers
   * how many rows it shows now.
   */
  showMore(dispatchId: string, total?: number): number {
    const next = this.shown(dispatchId) + TASK_PAGE_SIZE;
    const shown = total === undefined ? next : Math.max(TASK_PAGE_SIZE, Math.min(next, total));
    this.shownByDispatch.set(dispatchId, shown);
    return total === undefined ? shown : Math.min(shown, total);
  }

  forget(dispatchId: string): void {
    this.shownByDispatch.delete(dispatchId);
  }
}

/** The row below a page: `Show 100 more (9,900 left)`, or `Show 37 more (37 left)` near the end. */
export function showMoreLabel(remaining: number): string {
  return `Show ${Math.min(TASK_PAGE_SIZE, remaining).toLocaleString('en-US')} more (${remaining.toLocaleString('en-US')} left)`;
}
