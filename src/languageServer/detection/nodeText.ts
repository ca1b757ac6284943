import type { Node } from 'web-tree-sitter';

/** Text read from syntax nodes, in the forms detection keeps. */

/**
 * The text of a node as a string of its own. `Node.text` slices the document,
 * and V8 keeps a whole document alive for a slice of it: facts kept across edits
 * would hold every old version of the text.
 */
export function ownText(node: Node): string {
  return ownCopy(node.text);
}

export function ownTextOf(node: Node | null): string | undefined {
  return node ? ownText(node) : undefined;
}

export function ownCopy(text: string): string {
  // Concatenating, then flattening, copies the characters into a new string.
  return (' ' + text).slice(1);
}

/** Collapses the whitespace of multi-line source into one readable line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\(\s+/g, '(').replace(/,\s*\)/g, ')');
}

/** A parameter list's entries as written, each on one line; `*` and `/` markers kept. */
export function parametersOf(list: Node | null): string[] {
  if (!list) return [];
  return list.namedChildren.flatMap((child) => (child && child.type !== 'comment' ? [child.text.replace(/\s+/g, ' ')] : []));
}
