import { VALUE_ROWS, type RenderedArray, type RenderedTable, type RenderedValue } from '../../values/rendered';
import { element, formatCount } from './dom';
import { valueButton } from './valueButtons';

/**
 * Rows of a table (a DataFrame or a Series) or of a 1-D/2-D array: a header of
 * column names and dtypes, the first page of rows, and the next page asked for
 * as the rows scroll to their end or "Show more rows" is pressed.
 */

/** A table's (or an array's) body and how far it is filled. */
export interface RowsView {
  readonly body: HTMLTableSectionElement;
  readonly total: number;
  loaded: number;
  loading: boolean;
  readonly countLine: HTMLElement;
  moreButton?: HTMLButtonElement;
}

/** Asks the panel for the rows from `offset` on, for the value drawn in `box`; they come to appendRows. */
export type AskForRows = (box: HTMLElement, offset: number, rows: RowsView) => void;

/** Only a top-level value (depth 0) fetches more rows: a table inside a dict shows its first page. */
export function paintRows(painted: HTMLElement, depth: number, drawn: RenderedTable | RenderedArray, title: string | undefined, askForRows: AskForRows): void {
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
    view.countLine.textContent = `${view.loaded.toLocaleString()} of ${formatCount(view.total, 'row')} shown · loading more…`;
    const box = painted.closest<HTMLElement>('.drawn-value');
    if (box) askForRows(box, view.loaded, view);
  };
  // Scrolling near the end fetches the next page; so does the button (keyboard users).
  scroller.addEventListener('scroll', () => {
    if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 40) more();
  });
  const moreButton = valueButton('more', `Show ${VALUE_ROWS} more rows`, 'fold-down', more);
  view.moreButton = moreButton;
  painted.appendChild(moreButton);
}

/** The next page of rows has come (anything else ends the wait). */
export function appendRows(view: RowsView, drawn: RenderedValue): void {
  view.loading = false;
  if (drawn.kind !== 'table' && drawn.kind !== 'array') return;
  addRows(view, drawn.rows ?? [], drawn.kind === 'table' ? drawn.index : undefined, drawn.offset ?? view.loaded);
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
    view.loaded >= view.total ? `${formatCount(view.total, 'row')}` : `${view.loaded.toLocaleString()} of ${formatCount(view.total, 'row')} shown · scroll for more (${VALUE_ROWS} at a time)`;
}
