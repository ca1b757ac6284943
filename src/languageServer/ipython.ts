/**
 * IPython syntax in notebook cells, made invisible to the Python parser.
 * `%magic`, `%%cell_magic`, `!shell`, `x = !shell`, `obj?` and the autocall
 * escapes are not Python: tree-sitter would see errors and might swallow the
 * code around them. Each such line is replaced by spaces of the same length, so
 * every position the parser reports is still the position in the cell.
 */

/** Cell magics whose body is Python run by IPython (the magic only times or captures it). */
const PYTHON_BODY_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug']);

/** Characters that start an IPython escape at the beginning of a statement. */
const ESCAPES = new Set(['%', '!', '?', '/', ';', ',']);

/** `x = !ls`, `files, = %sx ls`: an assignment from a magic or shell escape. */
const ASSIGNED_ESCAPE = /^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*,?\s*=\s*[%!]/;
/** `obj?`, `obj.attr??`: help on a name. */
const HELP_SUFFIX = /^[A-Za-z_][\w.]*\?\??\s*$/;

/**
 * Cheap tests over the whole cell that every IPython line passes (an escape
 * after a line's indent, `= %`/`= !`, a line ending in `?`): most cells pass
 * none and skip the line-by-line scan.
 */
const MAYBE_ESCAPE = /^[^\S\n]*[%!?/;,]/m;
const MAYBE_ASSIGNED_ESCAPE = /=\s*[%!]/;
const MAYBE_HELP_SUFFIX = /\?[^\S\n]*$/m;

/** The cell's text with IPython-only lines blanked; unchanged when it has none. */
export function blankIPythonSyntax(text: string): string {
  if (!MAYBE_ESCAPE.test(text) && !MAYBE_ASSIGNED_ESCAPE.test(text) && !MAYBE_HELP_SUFFIX.test(text)) return text;
  const lines = text.split('\n');
  const cellMagic = /^\s*%%(\w+)/.exec(lines[0] ?? '');
  if (cellMagic) {
    if (!PYTHON_BODY_CELL_MAGICS.has(cellMagic[1] ?? '')) return blank(text);
    lines[0] = blank(lines[0] ?? '');
  }
  let changed = cellMagic !== null;
  const scanner = new LineScanner();
  let continued = false;
  lines.forEach((line, index) => {
    // A magic or shell line ending in a backslash goes on on the next line.
    if (continued || (scanner.atStatementStart() && isIPythonLine(line))) {
      lines[index] = blank(line);
      changed = true;
      continued = /\\\r?$/.test(line);
      return;
    }
    scanner.scan(line);
  });
  return changed ? lines.join('\n') : text;
}

function isIPythonLine(line: string): boolean {
  const code = line.trimStart();
  const first = code[0];
  if (first === undefined) return false;
  if (ESCAPES.has(first)) return true;
  return ASSIGNED_ESCAPE.test(code) || HELP_SUFFIX.test(code);
}

function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

/**
 * Enough of Python's tokenizer to tell whether a line begins a statement: not
 * inside brackets, a string that spans lines, or after a backslash. So a `%` at
 * the start of a docstring's line is left alone. IPython lines are not scanned
 * (a bracket in a shell command opens nothing).
 */
class LineScanner {
  private depth = 0;
  /** The quote that closes a string spanning lines. */
  private openString: string | undefined;
  private backslash = false;

  atStatementStart(): boolean {
    return this.depth === 0 && this.openString === undefined && !this.backslash;
  }

  scan(line: string): void {
    this.backslash = false;
    let at = 0;
    while (at < line.length) {
      if (this.openString) {
        const close = findClose(line, at, this.openString);
        if (close < 0) {
          // A one-quote string cannot span lines unless the line ends in a backslash.
          if (this.openString.length === 1 && !/\\\r?$/.test(line)) this.openString = undefined;
          return;
        }
        at = close + this.openString.length;
        this.openString = undefined;
        continue;
      }
      const char = line[at];
      if (char === '#') return;
      if (char === '"' || char === "'") {
        this.openString = line.startsWith(char.repeat(3), at) ? char.repeat(3) : char;
        at += this.openString.length;
        continue;
      }
      if (char === '(' || char === '[' || char === '{') this.depth++;
      else if (char === ')' || char === ']' || char === '}') this.depth = Math.max(0, this.depth - 1);
      else if (char === '\\' && /^\\\r?$/.test(line.slice(at))) this.backslash = true;
      at++;
    }
  }
}

/** Index of the closing `quote` from `from` on, skipping escaped characters; -1 if not on this line. */
function findClose(line: string, from: number, quote: string): number {
  for (let at = from; at < line.length; at++) {
    if (line[at] === '\\') {
      at++;
      continue;
    }
    if (line.startsWith(quote, at)) return at;
  }
  return -1;
}
