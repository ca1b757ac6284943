import type { RenderedValue } from '../../values/rendered';
import type { ValueAddress, ValueHostMessage, ValueReport, ValueWebviewMessage } from '../valueProtocol';
import { element, formatBytes } from './dom';
import { appendRows, type RowsView } from './tablePainter';
import { valueButton } from './valueButtons';
import { paintValue } from './valuePainter';

/**
 * Values drawn in the side pane: figures as pictures, tables and arrays as rows
 * fetched as they scroll into view, dicts and lists as their entries, sanitized
 * HTML, text. The page asks the panel for a value and paints what comes back;
 * the server's text stays in the section meanwhile, and a "Text" button shows it
 * again. Strings from data go through `textContent`; the only markup from data
 * is HTML the extension sanitized, parsed inert and adopted into its own box.
 * Each kind of value has its painter (valuePainter.ts and the modules it names);
 * this module asks for values, puts them in their boxes and reports them.
 */

interface Pending {
  readonly box: HTMLElement;
  readonly address: ValueAddress;
  /** When the page asked (performance.now()). */
  readonly askedAt: number;
  /** A page of more rows for a table already shown. */
  readonly rows?: RowsView;
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
      appendRows(pending.rows, message.drawn);
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
    const painted = paintValue(drawn, 0, (rowsBox, offset, rows) => this.ask(rowsBox, address, { offset, rows }));
    const actions = element('div', { className: 'value-actions' });
    if (drawn.kind === 'large') {
      actions.appendChild(
        valueButton('fetch', `Fetch (${formatBytes(drawn.bytes)})`, 'cloud-download', () => {
          box.replaceChildren(element('p', { className: 'drawing', text: `Downloading ${formatBytes(drawn.bytes)} and drawing it…` }));
          this.ask(box, address, { fetchLarge: true });
        }),
      );
    }
    if (drawn.kind !== 'missing') {
      // A task's inputs are several values: each is saved from its own task's result.
      const several = drawn.kind === 'mapping' && drawn.type === 'inputs';
      if (!several) actions.appendChild(valueButton('saveAs', 'Save As…', 'save-as', () => this.post({ type: 'valueAction', ...address, action: 'saveAs' })));
      actions.appendChild(valueButton('copyLoadingCode', 'Copy loading code', 'copy', () => this.post({ type: 'valueAction', ...address, action: 'copyLoadingCode' }), 'Copy the Python that loads this value with ct.get_result'));
    }
    if (rich && drawn.kind !== 'large' && section?.querySelector(':scope > pre.value')) {
      actions.appendChild(valueButton('text', 'Text', 'symbol-text', () => section.classList.toggle('drawn'), "Show or hide the server's text of the value"));
    }
    box.replaceChildren(...(textShown ? [] : [painted]), actions);
    if (textShown) box.dataset.kind = 'text';
  }
}
