/**
 * A value as the result panel shows it: what the bridge drew from the server's
 * pickled value (`renderValue`), after the editor sanitized its HTML and put its
 * picture in a file. One definition for the extension, the page and the
 * `covalent.renderValue` command. No imports: the page's bundle takes it too.
 */

export interface RenderedImage {
  readonly kind: 'image';
  readonly mime: string;
  /** Pixels of the picture (0 when the format does not say, as SVG). */
  readonly width: number;
  readonly height: number;
  /** The device pixel ratio it was drawn for (figures): shown at width / pixelRatio. */
  readonly pixelRatio?: number;
  /** What drew it: `matplotlib figure`, `PIL image`, or the type whose `_repr_png_` it is. */
  readonly source?: string;
  readonly bytes: number;
  /** Its bytes' key among the drawn value's pictures. */
  readonly id?: string;
  /** Where the page loads it from (a webview URI of the file the panel wrote); never from the bridge. */
  readonly src?: string;
}

/** The file extension of a drawn picture's type (PNG when the bridge names none we know). */
export function pictureExtension(mime: string): 'png' | 'jpg' | 'svg' {
  if (mime === 'image/svg+xml') return 'svg';
  if (mime === 'image/jpeg') return 'jpg';
  return 'png';
}

export interface RenderedTable {
  readonly kind: 'table';
  readonly type: 'dataframe' | 'series';
  readonly columns: readonly string[];
  readonly dtypes: readonly string[];
  readonly columnCount: number;
  readonly rowCount: number;
  /** The rows sent start here; more are asked for as the table scrolls. */
  readonly offset: number;
  readonly index: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface RenderedArray {
  readonly kind: 'array';
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly size: number;
  readonly min?: number | null;
  readonly max?: number | null;
  readonly mean?: number | null;
  /** numpy's own summary of the array. */
  readonly preview: string;
  /** 1-D and 2-D arrays: the rows sent, from `offset`, of `rowCount`. */
  readonly offset?: number;
  readonly rowCount?: number;
  readonly rows?: readonly (readonly string[])[];
  /** A small 2-D numeric array's cells scaled to 0…1 (null: not finite). */
  readonly heatmap?: readonly (readonly (number | null)[])[];
}

export interface RenderedMapping {
  readonly kind: 'mapping';
  /** dict, list, tuple (or the subclass's name). */
  readonly type: string;
  readonly length: number;
  readonly entries: readonly { readonly key: string; readonly kind: RenderedValue['kind']; readonly value: RenderedValue }[];
  readonly text?: string;
}

export interface RenderedText {
  readonly kind: 'text';
  readonly text: string;
  readonly truncated?: boolean;
  /** The Python type, `module.Name`. */
  readonly type?: string;
  /** Why it is text when it was meant to be drawn. */
  readonly note?: string;
}

export interface RenderedHtml {
  readonly kind: 'html';
  /** `_repr_html_`, sanitized: no script, no event handler, no link out of the page. */
  readonly html: string;
  readonly truncated?: boolean;
  /** The value's text, for copying and for pages that show text only. */
  readonly text?: string;
  readonly source?: string;
}

/** Over `covalent.maxValueMB`: shown by its size and fetched only when asked. */
export interface RenderedLarge {
  readonly kind: 'large';
  readonly bytes: number;
  readonly limitBytes: number;
}

/** Nothing to show: the task has not produced it, or it could not be read (`message` says why). */
export interface RenderedMissing {
  readonly kind: 'missing';
  readonly message: string;
}

export type RenderedValue = RenderedImage | RenderedTable | RenderedArray | RenderedMapping | RenderedText | RenderedHtml | RenderedLarge | RenderedMissing;

/** Which value of a dispatch: `result` (a task's output, or the workflow's), `inputs` (all of them), or `input:NAME`. */
export type ValueName = 'result' | 'inputs' | `input:${string}`;

export function isValueName(value: unknown): value is ValueName {
  return typeof value === 'string' && value.length <= 300 && (value === 'result' || value === 'inputs' || (value.startsWith('input:') && value.length > 6));
}

/** Rows per page of a table or an array. */
export const VALUE_ROWS = 50;
