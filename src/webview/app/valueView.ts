import { VALUE_ROWS, type RenderedArray, type RenderedImage, type RenderedMapping, type RenderedTable, type RenderedValue } from '../../values/rendered';
import type { ValueAddress, ValueHostMessage, ValueReport, ValueWebviewMessage } from '../valueProtocol';
import { button, element, formatBytes } from './dom';

/**
 * Values drawn in the side pane: figures as pictures, tables and arrays as rows
 * fetched as they scroll into view, dicts and lists as their entries, sanitized
 * HTML, text. The page asks the panel for a value and paints what comes back;
 * the server's text stays in the section meanwhile, and a "Text" button shows it
 * again. Strings from data go through `textContent`; the only markup from data
 * is HTML the extension sanitized, parsed inert and adopted into its own box.
 */

interface Pending {
  readonly box: HTMLElement;
  readonly address: ValueAddress;
  /** When the page asked (performance.now()). */
  readonly askedAt: number;
  /** A page of more rows for a table already shown. */
  readonly rows?: RowsView;
}

/** A table's (or an array's) body and how far it is filled. */
interface RowsView {
  readonly body: HTMLTableSectionElement;
  readonly total: number;
  loaded: number;
  loading: boolean;
  readonly countLine: HTMLElement;
  moreButton?: HTMLButtonElement;
}

export class ValueViews {
  private nextRequest = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: (message: ValueWebviewMessage) => void) {}

  /** Draws a value into `section` (a value section of the task or workflow tab) when it comes. */
  draw(section: HTMLElement, address: ValueAddress): void {
    let box = section.querySelector<HTMLElement>(':scope > .drawn-value');
    if (!box) {
      box = element('div', {
        className: 'drawn-value',
        attributes: { 'data-node': String(address.nodeId ?? 'workflow'), 'data-value': address.value, 'data-dispatch': address.dispatchId ?? '', 'aria-live': 'polite' },
      });
      // After the server's text, so the section reads as before until the drawing comes.
      section.appendChild(box);
    }
    box.replaceChildren(element('p', { className: 'drawing', text: 'Drawing the value…' }));
    delete box.dataset.kind;
    this.ask(box, address, {});
  }

  received(message: ValueHostMessage): void {
    if (message.type === 'pressValueButton') {
      // The Compare tab's buttons belong to its rows; the others to the value's own box.
      const pressed =
        message.button === 'sideBySide'
          ? document.querySelector<HTMLButtonElement>(`button[data-side-by-side="${message.nodeId ?? 'workflow'}"]`)
          : this.box(message)?.querySelector<HTMLButtonElement>(`button[data-button="${message.button}"]`);
      pressed?.click();
      return;
    }
    const pending = this.pending.get(message.requestId);
    this.pending.delete(message.requestId);
    if (!pending || !pending.box.isConnected) return;
    if (message.type === 'valueProblem') {
      if (pending.rows) pending.rows.loading = false;
      pending.box.replaceChildren(element('p', { className: 'unavailable', text: `Could not draw the value: ${message.message}` }));
      return;
    }
    if (pending.rows) {
      this.appendRows(pending.rows, message.drawn);
      return;
    }
    this.paintTop(pending.box, pending.address, message.drawn);
    const painted = () => this.post({ type: 'valuePainted', ...pending.address, kind: message.drawn.kind, elapsedMs: performance.now() - pending.askedAt });
    // A picture is painted once it has loaded; the rest when the frame after this one starts.
    const image = message.drawn.kind === 'image' ? pending.box.querySelector<HTMLImageElement>('img.value-image') : null;
    if (image && !image.complete) image.addEventListener('load', () => requestAnimationFrame(painted), { once: true });
    else requestAnimationFrame(painted);
  }

  /** What each drawn value of the page shows, read from the page itself. */
  reports(): ValueReport[] {
    return Array.from(document.querySelectorAll<HTMLElement>('.drawn-value')).map((box) => {
      const top = box.querySelector<HTMLElement>(':scope > .painted');
      const kind = top?.dataset.kind ?? box.dataset.kind ?? (box.querySelector('.drawing') ? 'drawing' : 'none');
      const image = top?.querySelector<HTMLImageElement>(':scope > img.value-image');
      const table = top?.querySelector<HTMLTableElement>(':scope > .value-rows table');
      const nodeAttribute = box.dataset.node ?? 'workflow';
      return {
        nodeId: nodeAttribute === 'workflow' ? null : Number(nodeAttribute),
        ...(box.dataset.dispatch ? { dispatchId: box.dataset.dispatch } : {}),
        value: box.dataset.value ?? '',
        kind,
        ...(image ? { naturalWidth: image.naturalWidth, naturalHeight: image.naturalHeight } : {}),
        ...(table
          ? {
              header: Array.from(table.querySelectorAll('thead th')).map((cell) => cell.querySelector('.column-name')?.textContent ?? cell.textContent ?? ''),
              rowsShown: table.querySelectorAll('tbody tr').length,
            }
          : {}),
        ...(top?.querySelector('.count-line') ? { countLine: top.querySelector('.count-line')?.textContent ?? '' } : {}),
        ...(top?.querySelector(':scope > .shape-line') ? { shapeLine: top.querySelector(':scope > .shape-line')?.textContent ?? '' } : {}),
        ...(top?.querySelector(':scope > canvas.heatmap') ? { heatmapCells: Number(top.querySelector<HTMLCanvasElement>(':scope > canvas.heatmap')?.dataset.cells ?? 0) } : {}),
        ...(kind === 'mapping' ? { entries: Array.from(top?.querySelectorAll(':scope > .entries > .entry > .entry-key') ?? []).map((key) => key.textContent ?? '') } : {}),
        text: top?.textContent ?? box.textContent ?? '',
      };
    });
  }

  private box(address: ValueAddress): HTMLElement | undefined {
    const node = String(address.nodeId ?? 'workflow');
    return Array.from(document.querySelectorAll<HTMLElement>('.drawn-value')).find(
      (box) => box.dataset.node === node && box.dataset.value === address.value && (box.dataset.dispatch ?? '') === (address.dispatchId ?? ''),
    );
  }

  private ask(box: HTMLElement, address: ValueAddress, extra: { offset?: number; fetchLarge?: boolean; rows?: RowsView }): void {
    const requestId = this.nextRequest++;
    this.pending.set(requestId, { box, address, askedAt: performance.now(), ...(extra.rows ? { rows: extra.rows } : {}) });
    this.post({
      type: 'drawValue',
      requestId,
      ...address,
      pixelRatio: window.devicePixelRatio || 1,
      ...(extra.offset === undefined ? {} : { offset: extra.offset }),
      ...(extra.fetchLarge ? { fetchLarge: true } : {}),
    });
  }

  /** The value at the top of its section, with its buttons; the server's text is hidden behind "Text". */
  private paintTop(box: HTMLElement, address: ValueAddress, shown: RenderedValue): void {
    const section = box.parentElement;
    // No inputs at all: the server's text says so, with nothing to draw or save.
    if (shown.kind === 'mapping' && shown.length === 0) {
      box.replaceChildren();
      box.dataset.kind = 'none';
      return;
    }
    const drawn = shown;
    // Plain text the section already shows as the server printed it: only the buttons are added.
    const textShown = drawn.kind === 'text' && !drawn.note && section?.querySelector(':scope > pre.value') !== null;
    const rich = drawn.kind !== 'text' && drawn.kind !== 'missing';
    section?.classList.toggle('drawn', rich && drawn.kind !== 'large');
    const painted = this.paint(drawn, address, 0);
    const actions = element('div', { className: 'value-actions' });
    if (drawn.kind === 'large') {
      actions.appendChild(withName(button(`Fetch (${formatBytes(drawn.bytes)})`, 'cloud-download', () => {
        box.replaceChildren(element('p', { className: 'drawing', text: `Downloading ${formatBytes(drawn.bytes)} and drawing it…` }));
        this.ask(box, address, { fetchLarge: true });
      }), 'fetch'));
    }
    if (drawn.kind !== 'missing') {
      // A task's inputs are several values: each is saved from its own task's result.
      const several = drawn.kind === 'mapping' && drawn.type === 'inputs';
      if (!several) actions.appendChild(withName(button('Save As…', 'save-as', () => this.post({ type: 'valueAction', ...address, action: 'saveAs' })), 'saveAs'));
      actions.appendChild(withName(button('Copy loading code', 'copy', () => this.post({ type: 'valueAction', ...address, action: 'copyLoadingCode' }), 'Copy the Python that loads this value with ct.get_result'), 'copyLoadingCode'));
    }
    if (rich && drawn.kind !== 'large' && section?.querySelector(':scope > pre.value')) {
      actions.appendChild(withName(button('Text', 'symbol-text', () => section.classList.toggle('drawn'), "Show or hide the server's text of the value"), 'text'));
    }
    box.replaceChildren(...(textShown ? [] : [painted]), actions);
    if (textShown) box.dataset.kind = 'text';
  }

  private paint(drawn: RenderedValue, address: ValueAddress, depth: number): HTMLElement {
    const painted = element('div', { className: `painted painted-${drawn.kind}`, attributes: { 'data-kind': drawn.kind } });
    switch (drawn.kind) {
      case 'image':
        paintImage(painted, drawn);
        break;
      case 'table':
        this.paintRows(painted, address, depth, drawn, `${drawn.type === 'series' ? 'Series' : 'DataFrame'} · ${count(drawn.rowCount, 'row')} × ${count(drawn.columnCount, 'column')}`);
        break;
      case 'array':
        paintArray(painted, drawn);
        if (drawn.rows && drawn.rowCount !== undefined) this.paintRows(painted, address, depth, drawn, undefined);
        painted.appendChild(element('pre', { className: 'value array-preview', text: drawn.preview }));
        break;
      case 'mapping':
        this.paintMapping(painted, drawn, address, depth);
        break;
      case 'html':
        paintHtml(painted, drawn.html);
        if (drawn.truncated) painted.appendChild(element('p', { className: 'note', text: 'Cut: the HTML is longer than the panel shows.' }));
        break;
      case 'text':
        painted.appendChild(element('pre', { className: 'value drawn-text', text: drawn.text }));
        if (drawn.note) painted.appendChild(element('p', { className: 'note', text: drawn.note }));
        break;
      case 'large':
        painted.appendChild(
          element('p', {
            className: 'value-large',
            text: `${formatBytes(drawn.bytes)}: larger than ${formatBytes(drawn.limitBytes)} (covalent.maxValueMB), so it was not downloaded. Fetch draws it here; Save As… writes it to a file.`,
          }),
        );
        break;
      case 'missing':
        painted.appendChild(element('p', { className: 'empty', text: drawn.message }));
        break;
    }
    return painted;
  }

  private paintMapping(painted: HTMLElement, drawn: RenderedMapping, address: ValueAddress, depth: number): void {
    const shown = drawn.entries.length < drawn.length ? ` (the first ${drawn.entries.length})` : '';
    painted.appendChild(element('div', { className: 'mapping-meta', text: `${drawn.type} · ${count(drawn.length, 'entry', 'entries')}${shown}` }));
    const entries = element('div', { className: 'entries' });
    for (const entry of drawn.entries) {
      entries.appendChild(element('div', { className: 'entry' }, element('div', { className: 'entry-key', text: entry.key }), this.paint(entry.value, address, depth + 1)));
    }
    painted.appendChild(entries);
  }

  /** Rows of a table or a 1-D/2-D array: the first page, and more as it scrolls (top-level values only). */
  private paintRows(painted: HTMLElement, address: ValueAddress, depth: number, drawn: RenderedTable | RenderedArray, title: string | undefined): void {
    const total = drawn.rowCount ?? 0;
    const rows = drawn.rows ?? [];
    const columns = drawn.kind === 'table' ? drawn.columns : (rows[0] ?? []).map((_cell, index) => String(index));
    if (title) painted.appendChild(element('div', { className: 'shape-line', text: title }));
    const head = element('tr', {}, element('th', { className: 'row-label' }));
    columns.forEach((name, index) => {
      const cell = element('th', {}, element('span', { className: 'column-name', text: name }));
      const dtype = drawn.kind === 'table' ? drawn.dtypes[index] : undefined;
      if (dtype) cell.appendChild(element('span', { className: 'dtype', text: dtype }));
      head.appendChild(cell);
    });
    const body = element('tbody');
    const countLine = element('div', { className: 'count-line' });
    const view: RowsView = { body, total, loaded: 0, loading: false, countLine };
    const labels = drawn.kind === 'table' ? drawn.index : undefined;
    addRows(view, rows, labels, drawn.offset ?? 0);
    const scroller = element('div', { className: 'value-rows', attributes: { tabindex: '0', role: 'region', 'aria-label': title ?? 'array rows' } }, element('table', {}, element('thead', {}, head), body));
    painted.append(scroller, countLine);
    if (depth > 0 || view.loaded >= view.total) return;
    const more = (): void => {
      if (view.loading || view.loaded >= view.total) return;
      view.loading = true;
      view.countLine.textContent = `${view.loaded.toLocaleString()} of ${count(view.total, 'row')} shown · loading more…`;
      const box = painted.closest<HTMLElement>('.drawn-value');
      if (box) this.ask(box, address, { offset: view.loaded, rows: view });
    };
    // Scrolling near the end fetches the next page; so does the button (keyboard users).
    scroller.addEventListener('scroll', () => {
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 40) more();
    });
    const moreButton = withName(button(`Show ${VALUE_ROWS} more rows`, 'fold-down', more), 'more');
    view.moreButton = moreButton;
    painted.appendChild(moreButton);
  }

  private appendRows(view: RowsView, drawn: RenderedValue): void {
    view.loading = false;
    if (drawn.kind !== 'table' && drawn.kind !== 'array') return;
    addRows(view, drawn.rows ?? [], drawn.kind === 'table' ? drawn.index : undefined, drawn.offset ?? view.loaded);
  }
}

function addRows(view: RowsView, rows: readonly (readonly string[])[], labels: readonly string[] | undefined, offset: number): void {
  rows.forEach((row, index) => {
    const line = element('tr', {}, element('th', { className: 'row-label', text: labels?.[index] ?? String(offset + index) }));
    for (const cell of row) line.appendChild(element('td', { text: cell }));
    view.body.appendChild(line);
  });
  view.loaded = offset + rows.length;
  if (view.moreButton) view.moreButton.hidden = view.loaded >= view.total;
  view.countLine.textContent =
    view.loaded >= view.total ? `${count(view.total, 'row')}` : `${view.loaded.toLocaleString()} of ${count(view.total, 'row')} shown · scroll for more (${VALUE_ROWS} at a time)`;
}

function paintImage(painted: HTMLElement, drawn: RenderedImage): void {
  const ratio = drawn.pixelRatio ?? 1;
  const image = element('img', { className: 'value-image', attributes: { alt: `${drawn.source ?? 'picture'}, ${drawn.width} × ${drawn.height} pixels` } });
  if (drawn.width > 0) image.width = Math.round(drawn.width / ratio);
  if (drawn.src) image.src = drawn.src;
  painted.appendChild(image);
  const size = drawn.width > 0 ? ` · ${drawn.width} × ${drawn.height} px` : '';
  painted.appendChild(element('div', { className: 'image-meta', text: `${drawn.source ?? drawn.mime}${size} · ${formatBytes(drawn.bytes)}` }));
}

function paintArray(painted: HTMLElement, drawn: RenderedArray): void {
  const stats = [drawn.min, drawn.max, drawn.mean].every((value) => typeof value === 'number')
    ? ` · min ${short(drawn.min)} · max ${short(drawn.max)} · mean ${short(drawn.mean)}`
    : '';
  painted.appendChild(element('div', { className: 'shape-line', text: `ndarray · shape (${drawn.shape.join(', ')}${drawn.shape.length === 1 ? ',' : ''}) · ${drawn.dtype}${stats}` }));
  if (drawn.heatmap && drawn.heatmap.length > 0) painted.appendChild(heatmap(drawn.heatmap));
}

/** A small 2-D array's cells as colours, low to high, on a canvas (no markup per cell). */
function heatmap(cells: readonly (readonly (number | null)[])[]): HTMLCanvasElement {
  const rows = cells.length;
  const columns = cells[0]?.length ?? 0;
  const scale = Math.max(1, Math.floor(240 / Math.max(rows, columns)));
  const canvas = element('canvas', { className: 'heatmap', attributes: { 'data-cells': String(rows * columns), role: 'img', 'aria-label': `heat map of ${rows} × ${columns} cells` } });
  canvas.width = columns * scale;
  canvas.height = rows * scale;
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  cells.forEach((row, y) =>
    row.forEach((cell, x) => {
      if (cell === null) return;
      context.fillStyle = ramp(cell);
      context.fillRect(x * scale, y * scale, scale, scale);
    }),
  );
  return canvas;
}

/** Dark blue through teal to yellow, as viridis runs. */
function ramp(value: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const at = Math.min(Math.max(value, 0), 1) * (stops.length - 1);
  const low = stops[Math.floor(at)] ?? stops[0];
  const high = stops[Math.ceil(at)] ?? stops[stops.length - 1];
  const mix = at - Math.floor(at);
  const channel = (index: number) => Math.round((low?.[index] ?? 0) * (1 - mix) + (high?.[index] ?? 0) * mix);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

/**
 * Sanitized HTML (see sanitizeHtml in the extension), parsed in a document of its
 * own where nothing runs or loads, and its nodes adopted into the box.
 */
function paintHtml(painted: HTMLElement, html: string): void {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const box = element('div', { className: 'value-html' });
  for (const node of Array.from(parsed.body.childNodes)) box.appendChild(document.adoptNode(node));
  // Belt and braces: nothing that runs, loads or handles an event, whatever got through.
  for (const node of Array.from(box.querySelectorAll('script, iframe, object, embed, img, link, style, form, svg, math'))) node.remove();
  for (const node of Array.from(box.querySelectorAll('*'))) {
    for (const attribute of Array.from(node.attributes)) if (!['colspan', 'rowspan', 'scope', 'span'].includes(attribute.name)) node.removeAttribute(attribute.name);
  }
  painted.appendChild(box);
}

function withName(node: HTMLButtonElement, name: string): HTMLButtonElement {
  node.dataset.button = name;
  return node;
}

function count(amount: number, noun: string, plural = `${noun}s`): string {
  return `${amount.toLocaleString()} ${amount === 1 ? noun : plural}`;
}

function short(value: number | null | undefined): string {
  if (typeof value !== 'number') return '—';
  return Math.abs(value) >= 1e5 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : String(Number(value.toPrecision(6)));
}
