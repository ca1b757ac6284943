import { type DispatchState, type DispatchStatus, isTerminal, type TaskState } from '../store/types';

/** Words and icons for statuses, shared by the tree, status bar and editor (no `vscode` needed). */

/** A codicon id per status; running ones spin. */
export function statusIcon(status: DispatchStatus): string {
  switch (status) {
    case 'COMPLETED':
      return 'pass';
    case 'FAILED':
    case 'POSTPROCESSING_FAILED':
      return 'error';
    case 'CANCELLED':
      return 'circle-slash';
    case 'NEW_OBJECT':
      return 'circle-outline';
    case 'PENDING_REUSE':
    case 'PENDING_REPLACEMENT':
    case 'PENDING_POSTPROCESSING':
      return 'clock';
    default:
      return 'loading~spin';
  }
}

/** Theme color id per status, for icons. */
export function statusColor(status: DispatchStatus): string | undefined {
  if (status === 'COMPLETED') return 'testing.iconPassed';
  if (status === 'FAILED' || status === 'POSTPROCESSING_FAILED') return 'testing.iconFailed';
  if (status === 'CANCELLED') return 'disabledForeground';
  return undefined;
}

export function isRunning(status: DispatchStatus): boolean {
  return !isTerminal(status) && status !== 'NEW_OBJECT';
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function formatAge(since: number | undefined, now = Date.now()): string {
  if (since === undefined) return '';
  const seconds = Math.max(0, (now - since) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

/** Wall time of a dispatch: until now while it runs; none for one saved and not started. */
export function dispatchRuntime(dispatch: DispatchState, now = Date.now()): number | undefined {
  if (dispatch.status === 'NEW_OBJECT') return undefined;
  // The dispatcher API gives no start time; creation is the closest it says.
  const start = dispatch.startedAt ?? dispatch.createdAt;
  if (start === undefined) return undefined;
  const end = dispatch.completedAt ?? (isTerminal(dispatch.status) ? dispatch.updatedAt : now);
  return end === undefined ? undefined : Math.max(0, end - start);
}

export function taskDuration(task: TaskState, now = Date.now()): number | undefined {
  if (task.startedAt === undefined) return undefined;
  const end = task.completedAt ?? (isRunning(task.status) ? now : undefined);
  return end === undefined ? undefined : Math.max(0, end - task.startedAt);
}

/** The tree's description: `n/m tasks · runtime · age`. */
export function dispatchDescription(dispatch: DispatchState, now = Date.now()): string {
  const parts: string[] = [];
  if (dispatch.totalTasks !== undefined) parts.push(`${dispatch.completedTasks ?? 0}/${dispatch.totalTasks} tasks`);
  else parts.push(humanStatus(dispatch.status));
  const runtime = formatDuration(dispatchRuntime(dispatch, now));
  if (runtime) parts.push(runtime);
  const age = formatAge(dispatch.startedAt ?? dispatch.createdAt, now);
  if (age) parts.push(age);
  return parts.join(' · ');
}

/** `POSTPROCESSING_FAILED` → `postprocessing failed`. */
export function humanStatus(status: DispatchStatus): string {
  return status.toLowerCase().replace(/_/g, ' ');
}

/** Tasks the user wrote (electrons, sublattices), not Covalent's helper nodes (`:parameter:…`). */
export function isUserTask(task: TaskState): boolean {
  return !task.name.startsWith(':');
}

export function dispatchLabel(dispatch: DispatchState): string {
  return dispatch.name ?? dispatch.origin?.latticeName ?? dispatch.dispatchId.slice(0, 8);
}
