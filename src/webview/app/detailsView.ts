import type { DetailField, TaskDetailsView, TaskLive, ValueView, WebviewMessage, WorkflowDetailsView } from '../protocol';
import { displayName } from '../graphProtocol';
import { button, clear, definitionList, element, formatBytes, formatDuration, formatTime, statusChip } from './dom';
import type { ValueViews } from './valueView';

/**
 * The Task and Workflow tabs: a task's status, times, executor and actions, and
 * its values (inputs and results drawn when they can be); the workflow's inputs,
 * result and error with links to its failed tasks.
 */

type Post = (message: WebviewMessage) => void;

/** A graph node's name and kind, as the graph knows them. */
export interface NodeInfo {
  readonly name: string;
  readonly kind: string;
}

/** What the tabs read from the page: its channel, its drawn values, the graph's nodes and live tasks. */
export interface DetailsPage {
  readonly post: Post;
  readonly values: ValueViews;
  /** Inputs and results are drawn as well as printed (not in a preview: nothing is on a server). */
  readonly drawsValues: boolean;
  nodeInfo(nodeId: number): NodeInfo | undefined;
  task(nodeId: number): TaskLive | undefined;
  selectTask(nodeId: number): void;
}

export function paintTaskDetails(target: HTMLElement, details: TaskDetailsView, page: DetailsPage): void {
  const { post, values } = page;
  clear(target);
  const live = page.task(details.nodeId);
  const info = page.nodeInfo(details.nodeId);
  const status = live?.status ?? 'UNKNOWN';
  const duration = live?.startedAt !== undefined && live.completedAt !== undefined ? live.completedAt - live.startedAt : undefined;
  const titleRow = element('div', { className: 'details-title' }, element('h2', { text: details.name }), statusChip(status));
  if (live?.reused) titleRow.appendChild(element('span', { className: 'badge reused-badge', text: '↻ reused from the parent dispatch' }));
  target.appendChild(titleRow);
  const actions = element('div', { className: 'details-actions' });
  if (!details.name.startsWith(':')) {
    actions.appendChild(button('Go to source', 'go-to-file', () => post({ type: 'goToSource', nodeId: details.nodeId })));
    actions.appendChild(button('Run locally', 'run', () => post({ type: 'taskAction', action: 'runLocally', nodeId: details.nodeId })));
    actions.appendChild(button('Debug locally', 'debug-alt-small', () => post({ type: 'taskAction', action: 'debugLocally', nodeId: details.nodeId })));
    actions.appendChild(button('Compare…', 'diff', () => post({ type: 'taskAction', action: 'compare', nodeId: details.nodeId })));
  }
  if (info?.kind === 'sublattice') actions.appendChild(button('Open sublattice', 'type-hierarchy-sub', () => post({ type: 'openSublattice', nodeId: details.nodeId })));
  target.appendChild(actions);
  target.appendChild(
    definitionList([
      ['Status', status.replace(/_/g, ' ')],
      ['Started', formatTime(live?.startedAt)],
      ['Ended', formatTime(live?.completedAt)],
      ['Duration', live?.reused ? '0 (reused)' : formatDuration(duration)],
      ['Executor', details.executor ?? live?.executor ?? '—'],
      ['Kind', info?.kind ?? '—'],
      ['Node', String(details.nodeId)],
    ]),
  );
  const fields: [DetailField, string][] = [
    ['inputs', 'Inputs'],
    ['result', 'Result'],
    ['error', 'Error'],
    ['stdout', 'Stdout'],
    ['stderr', 'Stderr'],
    ['source', 'Source'],
  ];
  for (const [field, label] of fields) {
    const section = valueSection(details.nodeId, field, label, details.fields[field], post);
    target.appendChild(section);
    if (drawable(page, field, details.fields[field])) values.draw(section, { nodeId: details.nodeId, value: field === 'inputs' ? 'inputs' : 'result' });
  }
}

/** Inputs and results are drawn (figures, tables, arrays) when the server has them. */
function drawable(page: DetailsPage, field: DetailField, value: ValueView | undefined): boolean {
  return page.drawsValues && (field === 'inputs' || field === 'result') && value !== undefined && !value.unavailable && value.text !== '';
}

function valueSection(nodeId: number | null, field: DetailField, label: string, value: ValueView | undefined, post: Post): HTMLElement {
  const section = element('section', { className: `value-section field-${field}`, attributes: { 'data-field': field } });
  section.appendChild(element('h3', { text: label }));
  fillValue(section, nodeId, field, value, post);
  return section;
}

/** A value's text in its section, cut ones with "Show all" (the panel sends the rest). */
export function fillValue(section: HTMLElement, nodeId: number | null, field: DetailField, value: ValueView | undefined, post: Post): void {
  for (const old of Array.from(section.querySelectorAll('.value, .unavailable, .empty, .show-all'))) old.remove();
  if (!value) return;
  if (value.unavailable) {
    section.appendChild(element('p', { className: 'unavailable', text: `Not available: ${value.unavailable}` }));
    return;
  }
  if (!value.text) {
    section.appendChild(element('p', { className: 'empty', text: '(none)' }));
    return;
  }
  section.appendChild(element('pre', { className: `value${field === 'error' || field === 'stderr' ? ' value-error' : ''}`, text: value.text }));
  if (value.truncated) {
    const more = button(value.totalBytes === undefined ? 'Show all' : `Show all (${formatBytes(value.totalBytes)})`, 'unfold', () => {
      more.disabled = true;
      post({ type: 'showAll', nodeId, field });
    });
    more.classList.add('show-all');
    section.appendChild(more);
  }
}

export function paintWorkflow(target: HTMLElement, details: WorkflowDetailsView, page: DetailsPage & { readonly status: string | undefined; readonly failed: readonly TaskLive[] }): void {
  const { post, values } = page;
  clear(target);
  target.appendChild(element('div', { className: 'details-title' }, element('h2', { text: details.name ?? 'Workflow' }), statusChip(page.status ?? 'UNKNOWN')));
  target.appendChild(
    definitionList([
      ['Executor', details.executor ?? '—'],
      ['Workflow executor', details.workflowExecutor ?? '—'],
    ]),
  );
  for (const [field, label] of [
    ['inputs', 'Inputs'],
    ['result', 'Result'],
  ] as const) {
    const section = valueSection(null, field, label, details.fields[field], post);
    target.appendChild(section);
    if (drawable(page, field, details.fields[field])) values.draw(section, { nodeId: null, value: field });
  }
  const failed = page.failed;
  const errorSection = valueSection(null, 'error', 'Error', details.fields.error, post);
  if (failed.length > 0) {
    const list = element('p', { className: 'failed-tasks', text: 'Failed tasks: ' });
    for (const task of failed) {
      const info = page.nodeInfo(task.nodeId);
      const link = element('a', { className: 'link', text: info ? displayName(info.name, info.kind) : String(task.nodeId), attributes: { href: '#' } });
      link.addEventListener('click', (event) => {
        event.preventDefault();
        page.selectTask(task.nodeId);
      });
      list.appendChild(link);
      list.appendChild(document.createTextNode(' '));
    }
    errorSection.appendChild(list);
  }
  target.appendChild(errorSection);
}
