import { executorLabel, type ExecutorDescription } from '../executors/describe';
import { type DispatchGraph, type DispatchState, isTerminal, type TaskState } from '../store/types';
import type { LayoutInput } from './layout';
import { isUserTask } from '../views/format';
import type { CompareRow, CompareView, ExecutorGroup, PanelHeader, TaskLive } from './protocol';

/** Where a task runs, as the store knows it (the settings arrive after the graph). */
export type ExecutorLookup = (nodeId: number) => ExecutorDescription | undefined;

/**
 * What the result panel derives from the store, as pure functions (no `vscode`):
 * the header, the live part of each task, whether the graph's shape changed (then
 * it is laid out again; otherwise only statuses move), and the comparison of a
 * redispatch with its parent.
 */

export function panelHeader(
  dispatchId: string,
  state: DispatchState | undefined,
  graph: DispatchGraph | undefined,
  serverAddress: string,
  parentDispatchId?: string,
  problem?: string,
  executorOf: ExecutorLookup = () => undefined,
): PanelHeader {
  const tasks = graph?.tasks.filter((task) => task.kind !== 'parameter');
  return {
    dispatchId,
    latticeName: state?.name ?? state?.origin?.latticeName,
    status: state?.status ?? 'UNKNOWN',
    startedAt: state?.startedAt ?? state?.createdAt,
    completedAt: state?.completedAt,
    totalTasks: state?.totalTasks ?? tasks?.length,
    completedTasks: state?.completedTasks ?? tasks?.filter((task) => task.status === 'COMPLETED').length,
    serverAddress: state?.origin?.serverAddress ?? serverAddress,
    parentDispatchId: state?.origin?.parentDispatchId ?? parentDispatchId,
    terminal: isTerminal(state?.status),
    problem,
    executors: graph ? executorGroups(graph, executorOf) : undefined,
  };
}

/** The user's tasks grouped by where they run, most tasks first. */
export function executorGroups(graph: DispatchGraph, executorOf: ExecutorLookup = () => undefined): ExecutorGroup[] {
  const counts = new Map<string, number>();
  for (const task of graph.tasks) {
    const label = isUserTask(task) ? executorLabel(executorOf(task.nodeId), task.executor) : undefined;
    if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, tasks]) => ({ label, tasks })).sort((a, b) => b.tasks - a.tasks || a.label.localeCompare(b.label));
}

export function liveTasks(graph: DispatchGraph, executorOf: ExecutorLookup = () => undefined): TaskLive[] {
  return graph.tasks.map((task) => ({
    nodeId: task.nodeId,
    status: task.status,
    startedAt: task.startedAt,
    completedAt: task.completedAt,
    reused: task.reused,
    executor: executorLabel(executorOf(task.nodeId), task.executor),
  }));
}

/** Two graphs with the same key have the same nodes and edges: the old layout still fits. */
export function topologyKey(graph: LayoutInput): string {
  const nodes = graph.tasks.map((task) => `${task.nodeId}:${task.name}:${task.kind}:${task.subDispatchId ?? ''}`).join('|');
  const edges = graph.edges.map((edge) => `${edge.source}>${edge.target}`).join('|');
  return `${graph.tasks.length}/${graph.edges.length}#${hash(nodes)}#${hash(edges)}`;
}

function hash(text: string): string {
  // FNV-1a: cheap and good enough to tell two shapes apart.
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return (value >>> 0).toString(36);
}

function duration(task: TaskState | undefined): number | undefined {
  if (task?.startedAt === undefined || task.completedAt === undefined) return undefined;
  return task.completedAt - task.startedAt;
}

/**
 * A redispatch against its parent, task by task. A redispatch keeps the parent's
 * transport graph, so tasks match by node id; a different name at the same node
 * means the electron was replaced.
 */
export function compareWithParent(
  current: DispatchGraph,
  parent: DispatchGraph,
  results: ReadonlyMap<number, string> = new Map(),
  parentResults: ReadonlyMap<number, string> = new Map(),
): CompareView {
  const parentTasks = new Map(parent.tasks.map((task) => [task.nodeId, task]));
  const rows: CompareRow[] = [];
  const seen = new Set<number>();
  for (const task of current.tasks) {
    if (task.kind === 'parameter') continue;
    seen.add(task.nodeId);
    const before = parentTasks.get(task.nodeId);
    const change: CompareRow['change'] = !before ? 'added' : before.name !== task.name ? 'replaced' : task.reused ? 'reused' : 'rerun';
    rows.push({
      nodeId: task.nodeId,
      name: task.name,
      parentName: before?.name,
      change,
      status: task.status,
      parentStatus: before?.status,
      durationMs: duration(task),
      parentDurationMs: duration(before),
      result: results.get(task.nodeId),
      parentResult: parentResults.get(task.nodeId),
    });
  }
  for (const before of parent.tasks) {
    if (before.kind === 'parameter' || seen.has(before.nodeId)) continue;
    rows.push({ nodeId: before.nodeId, name: before.name, parentName: before.name, change: 'removed', parentStatus: before.status, parentDurationMs: duration(before), parentResult: parentResults.get(before.nodeId) });
  }
  return { parentDispatchId: parent.dispatchId, rows };
}
