import { LruCache } from '../util/lruCache';

/**
 * A finished task's result in a few characters, for the Dispatches tree's
 * tooltip: read when a row is hovered (not for every task of every dispatch),
 * through the dispatch's server's details reader, and kept (a recorded result
 * never changes). Only a short, one-line result is a preview: anything longer is
 * for the result panel. No `vscode` here.
 */
export type ReadResults = (dispatchId: string, nodeIds: readonly number[], bytes: number) => Promise<ReadonlyMap<number, string>>;

/** A result longer than this (or on several lines) is not previewed. */
export const PREVIEW_CHARACTERS = 80;

export class ResultPreviews {
  private readonly previews = new LruCache<string, string | null>({ maxEntries: 2000, maxWeight: 2000 });

  constructor(private readonly read: ReadResults) {}

  async preview(dispatchId: string, nodeId: number): Promise<string | undefined> {
    const key = `${dispatchId}/${nodeId}`;
    const known = this.previews.get(key);
    if (known !== undefined) return known ?? undefined;
    let text: string | undefined;
    try {
      text = (await this.read(dispatchId, [nodeId], PREVIEW_CHARACTERS * 4 + 8)).get(nodeId);
    } catch {
      return undefined; // The server is away: the tooltip says the rest, and the next hover asks again.
    }
    const short = text !== undefined && text.length <= PREVIEW_CHARACTERS && !text.includes('\n') && !text.endsWith('…') ? text : null;
    this.previews.set(key, short);
    return short ?? undefined;
  }
}
