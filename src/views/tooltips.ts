import { describeChoice, isAsWritten } from '../executors/choice';
import type { DispatchState, TaskState } from '../store/types';
import { dispatchLabel, formatDuration, humanStatus, taskDuration } from './format';
import { codeBlock, escapeMarkdown, inlineCode } from './markdown';

/**
 * The Markdown of the tooltips and hovers that show what a server said: every
 * name, id and error text in them is escaped (see markdown.ts). The views wrap
 * them in a `MarkdownString` that is neither trusted nor allowed HTML.
 * No `vscode` here: it tests in plain Node.
 */

const localTime = (ms: number) => new Date(ms).toLocaleString();

/** A task row's tooltip: name, status, where it ran, its times, its short result and its error. */
export function taskTooltip(task: TaskState, executor: string | undefined, errorText: string | undefined, result?: string): string {
  return [
    `**${escapeMarkdown(task.name)}** · ${humanStatus(task.status)}${task.reused ? ' · reused from the previous dispatch' : ''}`,
    `Node ${task.nodeId}${executor ? ` · runs on ${inlineCode(executor)}` : ''}`,
    task.startedAt ? `Started ${localTime(task.startedAt)}` : '',
    task.completedAt ? `Ended ${localTime(task.completedAt)}` : '',
    result !== undefined ? `Result ${inlineCode(result)}` : '',
    errorText ? codeBlock(errorText) : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** A dispatch row's tooltip; `sourcePath` is the file it was dispatched from, as a path. */
export function dispatchTooltip(dispatch: DispatchState, sourcePath: string | undefined): string {
  const time = (ms: number | undefined) => (ms ? localTime(ms) : '—');
  const lines = [
    `**${escapeMarkdown(dispatchLabel(dispatch))}** · ${humanStatus(dispatch.status)}`,
    `Dispatch ${inlineCode(dispatch.dispatchId)}`,
    `Created ${time(dispatch.createdAt)} · started ${time(dispatch.startedAt)} · ended ${time(dispatch.completedAt)}`,
  ];
  if (sourcePath) lines.push(`From ${escapeMarkdown(sourcePath)}${dispatch.origin?.inputs ? ` with ${inlineCode(`(${dispatch.origin.inputs})`)}` : ''}`);
  if (dispatch.origin?.parentDispatchId) lines.push(`Redispatch of ${inlineCode(dispatch.origin.parentDispatchId)}`);
  if (dispatch.origin && !isAsWritten(dispatch.origin.executors)) lines.push(`Dispatched ${escapeMarkdown(describeChoice(dispatch.origin.executors))}`);
  return lines.join('\n\n');
}

/** The hover at an electron: how its tasks in the last dispatch went. */
export function electronHover(dispatchId: string, tasks: readonly TaskState[]): string {
  return `Last dispatch ${inlineCode(dispatchId)}: ${tasks.map((task) => `${humanStatus(task.status)} ${formatDuration(taskDuration(task))}`).join(', ')}`;
}
