/**
 * DOM helpers for the result panel's page. Every string from the server reaches
 * the page through `textContent` or `setAttribute` (never `innerHTML`), so text
 * that looks like HTML stays text.
 */
export interface ElementOptions {
  readonly className?: string;
  readonly text?: string;
  readonly title?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly onClick?: (event: MouseEvent) => void;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: (Node | undefined)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.title) node.title = options.title;
  for (const [name, value] of Object.entries(options.attributes ?? {})) node.setAttribute(name, value);
  const onClick = options.onClick;
  if (onClick) node.addEventListener('click', (event) => onClick(event as MouseEvent));
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

export function icon(name: string, extraClass = ''): HTMLElement {
  return element('span', { className: `codicon codicon-${name}${extraClass ? ' ' + extraClass : ''}`, attributes: { 'aria-hidden': 'true' } });
}

export function button(label: string, iconName: string, onClick: () => void, title?: string): HTMLButtonElement {
  const node = element('button', { className: 'action', title: title ?? label, onClick: () => onClick() }, icon(iconName), element('span', { text: label }));
  node.type = 'button';
  return node;
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const date = new Date(ms);
  return `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "1 row", "1,200 rows". */
export function formatCount(amount: number, noun: string, plural = `${noun}s`): string {
  return `${amount.toLocaleString()} ${amount === 1 ? noun : plural}`;
}

const STATUS_ICONS: Readonly<Record<string, string>> = {
  COMPLETED: 'pass',
  FAILED: 'error',
  POSTPROCESSING_FAILED: 'error',
  CANCELLED: 'circle-slash',
  RUNNING: 'sync',
  DISPATCHING: 'sync',
  POSTPROCESSING: 'sync',
  PENDING_POSTPROCESSING: 'clock',
  STARTING: 'clock',
  NEW_OBJECT: 'circle-outline',
  PENDING_REUSE: 'history',
  PENDING_REPLACEMENT: 'replace',
};

export function statusIcon(status: string): HTMLElement {
  const name = STATUS_ICONS[status] ?? 'question';
  return icon(name, name === 'sync' ? 'codicon-modifier-spin' : '');
}

export function statusChip(status: string): HTMLElement {
  return element('span', { className: 'status-chip', attributes: { 'data-status': status } }, statusIcon(status), element('span', { text: status.replace(/_/g, ' ') }));
}

/** A label and its value in a header's row of facts. */
export function metaItem(label: string, value: string): HTMLElement {
  return element('span', { className: 'meta' }, element('span', { className: 'meta-label', text: label }), element('span', { className: 'meta-value', text: value }));
}

/** Terms and their values, as a definition list. */
export function definitionList(rows: readonly (readonly [string, string])[]): HTMLElement {
  const list = element('dl', { className: 'facts' });
  for (const [term, value] of rows) {
    list.appendChild(element('dt', { text: term }));
    list.appendChild(element('dd', { text: value }));
  }
  return list;
}
