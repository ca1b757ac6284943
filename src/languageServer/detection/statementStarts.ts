import type { Node, Point } from 'web-tree-sitter';

/**
 * Where a damaged statement is cut, so the statements it swallowed are read on
 * their own (see `StatementScanner.scanStatement`): the first line inside `node`
 * (not its first) that starts a new statement. It starts in column 0 with code,
 * does not continue the statement above (`else:`, `except …:`, a closing
 * bracket) and does not follow a decorator.
 */
export function firstStatementStartInside(source: string, node: Node): { index: number; position: Point } | undefined {
  let row = node.startPosition.row;
  let afterDecorator = source.charCodeAt(node.startIndex) === AT_SIGN;
  for (let index = source.indexOf('\n', node.startIndex); index !== -1 && index + 1 < node.endIndex; index = source.indexOf('\n', index + 1)) {
    row++;
    const lineStart = index + 1;
    const first = source.charCodeAt(lineStart);
    if (!startsStatement(first)) continue;
    const continues = afterDecorator || CONTINUATION_KEYWORDS.some((keyword) => startsWithWord(source, lineStart, keyword));
    afterDecorator = first === AT_SIGN;
    if (!continues) return { index: lineStart, position: { row, column: 0 } };
  }
  return undefined;
}

const AT_SIGN = '@'.charCodeAt(0);
const CONTINUATION_KEYWORDS = ['else', 'elif', 'except', 'finally'];
const NOT_A_STATEMENT_START = new Set([' ', '\t', '\r', '\n', '\f', '#', ')', ']', '}'].map((char) => char.charCodeAt(0)));

function startsStatement(code: number): boolean {
  return !Number.isNaN(code) && !NOT_A_STATEMENT_START.has(code);
}

function startsWithWord(source: string, index: number, word: string): boolean {
  if (!source.startsWith(word, index)) return false;
  const next = source.charAt(index + word.length);
  return !(next === '_' || /[\p{L}\p{N}]/u.test(next));
}
