import type { PanelHeader, WebviewMessage } from '../protocol';
import { button, clear, element, formatDuration, formatTime, icon, metaItem, statusChip } from './dom';

/**
 * A dispatch's header: its lattice, status and id, when it ran, its tasks and
 * server, its parent, where it runs, and its actions. Its runtime counts up
 * while it runs (the page repaints it each second).
 */
export function paintHeader(headerRoot: HTMLElement, h: PanelHeader, post: (message: WebviewMessage) => void): void {
  clear(headerRoot);
  const runtime = h.startedAt !== undefined ? (h.completedAt ?? (h.terminal ? undefined : Date.now())) : undefined;
  const title = element(
    'div',
    { className: 'title-row' },
    element('h1', { text: h.latticeName ?? 'Dispatch' }),
    statusChip(h.status),
    element('code', { className: 'dispatch-id', text: h.dispatchId, title: 'Dispatch id' }),
    iconButton('copy', 'Copy the dispatch id', () => post({ type: 'action', action: 'copyId' })),
  );
  const meta = element(
    'div',
    { className: 'meta-row' },
    metaItem('Started', formatTime(h.startedAt)),
    metaItem('Ended', formatTime(h.completedAt)),
    metaItem('Runtime', runtime !== undefined && h.startedAt !== undefined ? formatDuration(runtime - h.startedAt) : '—'),
    metaItem('Tasks', h.totalTasks !== undefined ? `${h.completedTasks ?? 0}/${h.totalTasks}` : '—'),
    metaItem('Server', h.serverAddress),
  );
  if (h.parentDispatchId) {
    const link = element('a', { className: 'link', text: h.parentDispatchId.slice(0, 8), title: `Open the parent dispatch ${h.parentDispatchId}`, attributes: { href: '#' } });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      post({ type: 'action', action: 'openParent' });
    });
    meta.appendChild(element('span', { className: 'meta' }, element('span', { className: 'meta-label', text: 'Redispatch of' }), link));
  }
  const actions = element(
    'div',
    { className: 'actions' },
    button('Redispatch', 'debug-restart', () => post({ type: 'action', action: 'redispatch' })),
    h.terminal ? undefined : button('Cancel', 'debug-stop', () => post({ type: 'action', action: 'cancel' })),
    button('Open in Covalent UI', 'link-external', () => post({ type: 'action', action: 'openInUi' })),
    button('Refresh', 'refresh', () => post({ type: 'action', action: 'refresh' })),
  );
  if (h.executors?.length) meta.appendChild(metaItem('Runs on', h.executors.map((group) => (h.executors?.length === 1 ? group.label : `${group.label} (${group.tasks})`)).join(', ')));
  headerRoot.appendChild(element('div', { className: 'header-main' }, title, meta));
  headerRoot.appendChild(actions);
  if (h.problem) headerRoot.appendChild(element('div', { className: 'problem', attributes: { role: 'alert' } }, icon('warning'), element('span', { text: h.problem })));
}

function iconButton(iconName: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = element('button', { className: 'icon-button', title, attributes: { 'aria-label': title }, onClick }, icon(iconName));
  node.type = 'button';
  return node;
}
