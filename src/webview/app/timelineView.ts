import type { TaskLive } from '../protocol';
import { displayName } from '../graphProtocol';
import { clear, element, formatDuration, formatTime } from './dom';
import type { NodeInfo } from './detailsView';

/**
 * The Timeline tab: each task that started, as a bar from its start to its end
 * on one scale (a running one up to now), reused tasks as a mark; a row selects
 * its task.
 */
export function paintTimeline(target: HTMLElement, tasks: ReadonlyMap<number, TaskLive>, nodeInfo: (nodeId: number) => NodeInfo | undefined, selectTask: (nodeId: number) => void): void {
  const scroll = target.scrollTop;
  clear(target);
  const rows = [...tasks.values()]
    .filter((task) => task.startedAt !== undefined && nodeInfo(task.nodeId)?.kind !== 'parameter')
    .sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.nodeId - b.nodeId);
  if (rows.length === 0) {
    target.appendChild(element('p', { className: 'placeholder', text: 'No task has started yet.' }));
    return;
  }
  const now = Date.now();
  const start = Math.min(...rows.map((task) => task.startedAt ?? now));
  const end = Math.max(...rows.map((task) => task.completedAt ?? (isRunning(task.status) ? now : task.startedAt ?? now)));
  const span = Math.max(1, end - start);
  target.appendChild(element('p', { className: 'timeline-scale', text: `${formatTime(start)} — ${formatDuration(span)} in total. ↻ marks reused tasks (no run time).` }));
  const list = element('div', { className: 'timeline' });
  for (const task of rows) {
    const info = nodeInfo(task.nodeId);
    const from = task.startedAt ?? start;
    const to = task.completedAt ?? (isRunning(task.status) ? now : from);
    const row = element('div', { className: 'timeline-row', attributes: { 'data-node': String(task.nodeId) }, onClick: () => selectTask(task.nodeId) });
    row.appendChild(element('span', { className: 'timeline-label', text: info ? displayName(info.name, info.kind) : String(task.nodeId), title: info?.name }));
    const track = element('span', { className: 'timeline-track' });
    const left = ((from - start) / span) * 100;
    if (task.reused || to === from) {
      const mark = element('span', { className: `timeline-mark${task.reused ? ' reused' : ''}`, title: task.reused ? 'reused: no run time' : 'no run time', text: task.reused ? '↻' : '◆' });
      mark.style.left = `${left}%`;
      track.appendChild(mark);
    } else {
      const bar = element('span', { className: 'timeline-bar', attributes: { 'data-status': task.status }, title: `${formatDuration(to - from)} · ${task.status}` });
      bar.style.left = `${left}%`;
      bar.style.width = `${Math.max(0.3, ((to - from) / span) * 100)}%`;
      track.appendChild(bar);
    }
    row.appendChild(track);
    row.appendChild(element('span', { className: 'timeline-duration', text: task.reused ? 'reused' : formatDuration(to - from) }));
    list.appendChild(row);
  }
  target.appendChild(list);
  target.scrollTop = scroll;
}

function isRunning(status: string): boolean {
  return status === 'RUNNING' || status === 'DISPATCHING' || status === 'POSTPROCESSING';
}
