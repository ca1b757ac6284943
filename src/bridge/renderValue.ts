import type { ServerTokens } from './serverTokens';

/**
 * The bridge's `renderValue` method: which recorded values to draw and how, and
 * what comes back before the editor adopts it (see values/valueRenderer.ts).
 */
/** One recorded value to draw: its archive, and for a workflow's inputs how to name them. */
export interface ValueSource {
  readonly name: string;
  /** The `.tobj` archive's address on the dispatch's server. */
  readonly url: string;
  /** The workflow's inputs archive: its values are named by the stored function's signature (`functionUrl`). */
  readonly workflowInputs?: boolean;
  readonly functionUrl?: string;
  /** One input of the workflow, by name. */
  readonly pick?: string;
}

/** `renderValue`: values drawn as the result panel shows them, in a process of the request's own. */
export interface RenderValueParams extends ServerTokens {
  readonly dispatcherAddress: string;
  readonly values: readonly ValueSource[];
  /** The page's device pixel ratio: figures are drawn for it. */
  readonly pixelRatio?: number;
  /** Rows of a table or an array from `offset`, `rows` of them. */
  readonly offset?: number;
  readonly rows?: number;
  /** Instead of drawing the (one) value: write it whole to `path` (CSV or Parquet for a table, `.npy` for an array). */
  readonly exportTo?: { readonly path: string; readonly format: 'csv' | 'parquet' | 'npy' };
}

/**
 * As the bridge answers: a `RenderedValue` whose images carry their bytes
 * (`data`, base64) instead of `bytes` and `src`, and whose HTML is not sanitized yet.
 */
export interface RenderValueResult {
  readonly values: readonly { readonly name: string; readonly value: Readonly<Record<string, unknown>> & { readonly kind: string } }[];
}
