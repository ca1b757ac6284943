import sanitize from 'sanitize-html';

/**
 * A value's `_repr_html_` made safe to show: markup for text and tables only.
 * No script, style, form, frame, image or link survives, no event handler or
 * `style` or `class` attribute (data must not dress as the page), no URL at all. sanitize-html parses as browsers do
 * (htmlparser2) and is widely used for exactly this; what it keeps is shown in
 * a page whose CSP runs no inline code either.
 */
const TAGS = [
  'div', 'span', 'p', 'br', 'hr', 'b', 'i', 'em', 'strong', 'small', 'sub', 'sup', 'code', 'pre', 'kbd', 'samp', 'var',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'blockquote',
  'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
];

export function sanitizeHtml(html: string): string {
  return sanitize(html, {
    allowedTags: TAGS,
    allowedAttributes: { th: ['colspan', 'rowspan', 'scope'], td: ['colspan', 'rowspan'], col: ['span'], colgroup: ['span'] },
    allowedSchemes: [],
    // Dropped with their content: what is inside them is not text to read.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object', 'svg', 'math'],
    disallowedTagsMode: 'discard',
  });
}
