/**
 * The shape of dispatch state every view reads. Plain data, no `vscode`: the
 * Covalent client fills it (its types live beside the client, in
 * covalent/dispatchTypes.ts, and are re-exported here), the store holds it,
 * views render it.
 */
export * from '../covalent/dispatchTypes';
import type { DispatchStatus } from '../covalent/dispatchTypes';

/**
 * Why a watched dispatch's graph is missing or behind. Views show `message` as-is
 * (instead of waiting forever) until a graph arrives.
 */
export interface GraphProblem {
  readonly dispatchId: string;
  /** 'waiting': a request is under way but slow; 'timeout': it gave up and will retry; 'failed': the server answered with an error. */
  readonly kind: 'waiting' | 'timeout' | 'failed';
  readonly message: string;
  /** When the next attempt starts (milliseconds since the epoch), when one is planned. */
  readonly retryAt?: number;
}

/** 'unauthorized': the server (or its proxy) answers 401/403 — it wants a token, or another one. */
export type ServerConnection = 'unknown' | 'online' | 'offline' | 'unauthorized';

/** Filter of the Dispatches tree (the server's list does the filtering). */
export interface ListFilter {
  /** Part of a lattice name or dispatch id. */
  readonly search?: string;
  readonly status?: DispatchStatus;
}

/** The server's list of dispatches as far as the tree has paged through it. */
export interface DispatchListing {
  /** Newest first, as the server sent them. */
  readonly dispatchIds: readonly string[];
  /** How many the server has for this filter, when it says (searches only). */
  readonly total?: number;
  /** The server has more than these: the tree offers "Load more…". */
  readonly hasMore: boolean;
  readonly filter: ListFilter;
  /** Milliseconds since the epoch of the last successful load. */
  readonly loadedAt?: number;
  /** Why the last load failed, in words for people; cleared by the next success. */
  readonly error?: string;
}

/** A failed task's error text (traceback), for diagnostics and the result panel. */
export interface TaskError {
  readonly dispatchId: string;
  readonly nodeId: number;
  readonly taskName: string;
  readonly text: string;
  /** Where the task ran, in words (`dask · scheduler tcp://10.0.0.5:8786`), when known. */
  readonly executor?: string;
}

/** Events the store fires; views refresh only what changed. */
export type StoreChange =
  | { readonly kind: 'dispatch'; readonly dispatchId: string }
  | { readonly kind: 'graph'; readonly dispatchId: string }
  | { readonly kind: 'list' }
  | { readonly kind: 'taskErrors'; readonly dispatchId: string }
  | { readonly kind: 'connection'; readonly connection: ServerConnection; readonly error?: string };
