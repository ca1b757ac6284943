import type { CompareView } from '../protocol';
import { button, clear, definitionList, element, formatDuration } from './dom';
import type { ValueViews } from './valueView';

/**
 * The Compare tab: a redispatch against its parent, task by task (what was
 * reused, replaced or run again, statuses, durations, short results), and any
 * task's result drawn next to the parent's.
 */
export interface ComparePage {
  selectTask(nodeId: number): void;
  readonly values: ValueViews;
}

export function paintCompare(target: HTMLElement, compare: CompareView | undefined, message: string | undefined, page: ComparePage): void {
  clear(target);
  if (!compare) {
    target.appendChild(element('p', { className: 'placeholder', text: message ?? 'Nothing to compare.' }));
    return;
  }
  target.appendChild(element('p', { text: `Against the parent dispatch ${compare.parentDispatchId}.` }));
  target.appendChild(
    definitionList([
      ['Result now', compare.result ?? '—'],
      ['Parent’s result', compare.parentResult ?? '—'],
    ]),
  );
  const counts = new Map<string, number>();
  for (const row of compare.rows) counts.set(row.change, (counts.get(row.change) ?? 0) + 1);
  target.appendChild(element('p', { className: 'compare-summary', text: [...counts].map(([change, count]) => `${count} ${change}`).join(' · ') }));
  // Values side by side (a figure next to a figure): the workflow's results first, a task's when its button is pressed.
  const sideBySide = element('div', { className: 'compare-values' });
  const showSideBySide = (nodeId: number | null, name: string) => {
    sideBySide.replaceChildren(element('h3', { text: `${name}: the parent’s result and now` }));
    const pair = element('div', { className: 'compare-pair' });
    for (const [label, address] of [
      ['Parent', { nodeId, value: 'result' as const, dispatchId: compare.parentDispatchId }],
      ['Now', { nodeId, value: 'result' as const }],
    ] as const) {
      const side = element('section', { className: 'value-section compare-side' }, element('h3', { text: label }));
      pair.appendChild(side);
      page.values.draw(side, address);
    }
    sideBySide.appendChild(pair);
  };
  const workflowPair = button('Workflow results side by side', 'split-horizontal', () => showSideBySide(null, 'The workflow'));
  workflowPair.dataset.sideBySide = 'workflow';
  target.appendChild(workflowPair);
  const table = element('table', { className: 'compare' });
  const head = element('tr');
  for (const title of ['Task', 'Change', 'Status (parent → now)', 'Duration (parent → now)', 'Result (parent → now)']) head.appendChild(element('th', { text: title }));
  table.appendChild(element('thead', {}, head));
  const body = element('tbody');
  for (const row of compare.rows) {
    const tr = element('tr', { className: `change-${row.change}`, attributes: { 'data-node': String(row.nodeId) }, onClick: () => page.selectTask(row.nodeId) });
    tr.appendChild(element('td', { text: row.parentName && row.parentName !== row.name ? `${row.parentName} → ${row.name}` : row.name }));
    tr.appendChild(element('td', {}, element('span', { className: `badge change-badge`, attributes: { 'data-change': row.change }, text: row.change })));
    tr.appendChild(element('td', { text: `${row.parentStatus ?? '—'} → ${row.status ?? '—'}` }));
    const durationText = row.change === 'reused' ? `${formatDuration(row.parentDurationMs)} → reused` : `${formatDuration(row.parentDurationMs)} → ${formatDuration(row.durationMs)}`;
    tr.appendChild(element('td', { text: durationText }));
    const same = row.result !== undefined && row.result === row.parentResult;
    const resultCell = element('td', { className: same ? 'same' : 'differs', text: same ? `${row.result} (same)` : `${row.parentResult ?? '—'} → ${row.result ?? '—'}` });
    if (row.change !== 'added' && row.change !== 'removed') {
      const pairButton = button('Side by side', 'split-horizontal', () => showSideBySide(row.nodeId, row.name), `Draw ${row.name}'s result in the parent and now, side by side`);
      pairButton.classList.add('side-by-side');
      pairButton.dataset.sideBySide = String(row.nodeId);
      // The row selects its task; the button only draws.
      pairButton.addEventListener('click', (event) => event.stopPropagation());
      resultCell.appendChild(pairButton);
    }
    tr.appendChild(resultCell);
    body.appendChild(tr);
  }
  table.appendChild(body);
  target.appendChild(table);
  target.appendChild(sideBySide);
}
