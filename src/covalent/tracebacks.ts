/**
 * A Python traceback a server recorded for a failed task, read for where its
 * frames point. Code a client shipped by value names no file once it has gone
 * through cloudpickle 3.1.3: its frames say `File "<dynamic-code>", line N, in
 * name` (the line numbers and names survive). The caller knows where a function
 * of that name is written (the language server's index of the dispatch's
 * file); this puts that file back in the text. No `vscode` here.
 */

/** What cloudpickle 3.1.3 names the code it pickles by value. */
export const DYNAMIC_CODE = '<dynamic-code>';

export interface TracebackFrame {
  /** As the traceback says: a path, or `<dynamic-code>`, `<string>` and the like. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** The function's name. */
  readonly name: string;
}

const FRAME_LINE = /^(\s*File ")(.*)(", line )(\d+)(, in )(.+)$/;

/** The traceback's frames, outermost first (every `File "…", line N, in name` line of the text). */
export function tracebackFrames(text: string): TracebackFrame[] {
  const frames: TracebackFrame[] = [];
  for (const line of text.split('\n')) {
    const match = FRAME_LINE.exec(line.trimEnd());
    if (match) frames.push({ file: match[2] ?? '', line: Number(match[4]), name: (match[6] ?? '').trim() });
  }
  return frames;
}

/** The names of the functions whose frames name no file: what the caller is asked to find. */
export function unplacedFunctions(text: string): string[] {
  return [...new Set(tracebackFrames(text).filter((frame) => frame.file === DYNAMIC_CODE).map((frame) => frame.name))];
}

/**
 * The text with each `<dynamic-code>` frame naming the file `files` gives for its
 * function; frames of functions it does not know stay as they were.
 */
export function withFrameFiles(text: string, files: ReadonlyMap<string, string>): string {
  return text
    .split('\n')
    .map((line) => {
      const match = FRAME_LINE.exec(line.trimEnd());
      const file = match && match[2] === DYNAMIC_CODE ? files.get((match[6] ?? '').trim()) : undefined;
      return match && file !== undefined ? `${match[1]}${file}${match[3]}${match[4]}${match[5]}${match[6]}` : line;
    })
    .join('\n');
}
