/**
 * Text from a server (lattice, task and executor names, dispatch ids, error
 * text) put into Markdown that views show, so it reads as typed and can never
 * become a link, a command link, an image or HTML. For a `MarkdownString` without
 * `supportThemeIcons` (one with it: `appendText`, which also escapes `$(icon)`).
 * No `vscode` here: it tests in plain Node.
 */

/** ASCII punctuation: CommonMark lets a backslash escape any of it, and only it. */
const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/**
 * Plain text, on one line: every ASCII punctuation character is backslash-escaped,
 * so no emphasis, link, code span, HTML tag, entity or block (heading, list,
 * quote) can start in it.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n?|\n/g, ' ').replace(PUNCTUATION, '\\$&');
}

/**
 * A code span holding `text` as it is (on one line): its fence is longer than any
 * run of backticks in the text, so nothing in it can close the span early.
 */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r\n?|\n/g, ' ');
  if (!flat) return '';
  const fence = '`'.repeat(longestBacktickRun(flat) + 1);
  // A span drops one space at each end when both ends have one: pad so the text keeps its own.
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block holding `text` as it is: the fence is longer than any line of backticks in it. */
export function codeBlock(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}\n${text}\n${fence}`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
