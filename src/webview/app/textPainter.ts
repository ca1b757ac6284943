import type { RenderedLarge, RenderedMissing, RenderedText } from '../../values/rendered';
import { element, formatBytes } from './dom';

/**
 * Values shown as words: a value's text (with why it is text when it was meant
 * to be drawn), a value too large to download unasked, and one there is none of.
 */
export function paintText(painted: HTMLElement, drawn: RenderedText): void {
  painted.appendChild(element('pre', { className: 'value drawn-text', text: drawn.text }));
  if (drawn.note) painted.appendChild(element('p', { className: 'note', text: drawn.note }));
}

export function paintLarge(painted: HTMLElement, drawn: RenderedLarge): void {
  painted.appendChild(
    element('p', {
      className: 'value-large',
      text: `${formatBytes(drawn.bytes)}: larger than ${formatBytes(drawn.limitBytes)} (covalent.maxValueMB), so it was not downloaded. Fetch draws it here; Save As… writes it to a file.`,
    }),
  );
}

export function paintMissing(painted: HTMLElement, drawn: RenderedMissing): void {
  painted.appendChild(element('p', { className: 'empty', text: drawn.message }));
}
