import type { RenderedMapping, RenderedValue } from '../../values/rendered';
import { paintArray } from './arrayPainter';
import { element, formatCount } from './dom';
import { paintImage } from './figurePainter';
import { paintHtml } from './htmlPainter';
import { type AskForRows, paintRows } from './tablePainter';
import { paintLarge, paintMissing, paintText } from './textPainter';

/**
 * A drawn value painted by its kind into a box of its own (`.painted`, with
 * `data-kind`): each kind's painter is a module of its own; a dict's or list's
 * entries are painted here, as each entry is a value again.
 */
export function paintValue(drawn: RenderedValue, depth: number, askForRows: AskForRows): HTMLElement {
  const painted = element('div', { className: `painted painted-${drawn.kind}`, attributes: { 'data-kind': drawn.kind } });
  switch (drawn.kind) {
    case 'image':
      paintImage(painted, drawn);
      break;
    case 'table':
      paintRows(painted, depth, drawn, `${drawn.type === 'series' ? 'Series' : 'DataFrame'} · ${formatCount(drawn.rowCount, 'row')} × ${formatCount(drawn.columnCount, 'column')}`, askForRows);
      break;
    case 'array':
      paintArray(painted, drawn);
      if (drawn.rows && drawn.rowCount !== undefined) paintRows(painted, depth, drawn, undefined, askForRows);
      painted.appendChild(element('pre', { className: 'value array-preview', text: drawn.preview }));
      break;
    case 'mapping':
      paintMapping(painted, drawn, depth, askForRows);
      break;
    case 'html':
      paintHtml(painted, drawn.html);
      if (drawn.truncated) painted.appendChild(element('p', { className: 'note', text: 'Cut: the HTML is longer than the panel shows.' }));
      break;
    case 'text':
      paintText(painted, drawn);
      break;
    case 'large':
      paintLarge(painted, drawn);
      break;
    case 'missing':
      paintMissing(painted, drawn);
      break;
  }
  return painted;
}

function paintMapping(painted: HTMLElement, drawn: RenderedMapping, depth: number, askForRows: AskForRows): void {
  const shown = drawn.entries.length < drawn.length ? ` (the first ${drawn.entries.length})` : '';
  painted.appendChild(element('div', { className: 'mapping-meta', text: `${drawn.type} · ${formatCount(drawn.length, 'entry', 'entries')}${shown}` }));
  const entries = element('div', { className: 'entries' });
  for (const entry of drawn.entries) {
    entries.appendChild(element('div', { className: 'entry' }, element('div', { className: 'entry-key', text: entry.key }), paintValue(entry.value, depth + 1, askForRows)));
  }
  painted.appendChild(entries);
}
