/**
 * Who called a command. A person (palette, CodeLens, tree row, result panel,
 * status bar, notification) gets prompts and messages with fixes; another
 * extension or a test calling the public API gets no prompts and the error thrown
 * back. Rows, lenses and panels mark the argument they pass with `fromPerson`;
 * anything unmarked with an argument is an API call; no argument is the palette.
 * No `vscode` here: it tests in plain Node.
 */
export type PersonSource = 'palette' | 'lens' | 'tree' | 'panel' | 'statusBar' | 'notification' | 'quickFix';
export type CommandSource = 'api' | PersonSource;

export interface Invocation {
  readonly source: CommandSource;
  /** What the caller passed: the public API's object, or what a lens, row or panel attached. */
  readonly argument: unknown;
  /** Someone is at the keyboard: asking and showing messages is fine. */
  readonly interactive: boolean;
}

/** Commands pass their arguments by reference inside the extension host, so a symbol-keyed mark survives. */
const SOURCE = Symbol('covalent.commandSource');

interface Marked {
  readonly [SOURCE]?: PersonSource;
}

/** Marks `argument` as coming from a person through `source` (returns the same object). */
export function fromPerson<T extends object>(source: PersonSource, argument: T): T {
  Object.defineProperty(argument, SOURCE, { value: source, enumerable: false, configurable: true });
  return argument;
}

export function invocationOf(argument: unknown): Invocation {
  if (argument === undefined || argument === null) return { source: 'palette', argument: undefined, interactive: true };
  const marked = typeof argument === 'object' ? (argument as Marked)[SOURCE] : undefined;
  if (marked) return { source: marked, argument, interactive: true };
  return { source: 'api', argument, interactive: false };
}
