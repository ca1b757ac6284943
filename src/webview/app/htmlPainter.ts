import { element } from './dom';

/**
 * Sanitized HTML (see sanitizeHtml in the extension), parsed in a document of its
 * own where nothing runs or loads, and its nodes adopted into the box.
 */
export function paintHtml(painted: HTMLElement, html: string): void {
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
