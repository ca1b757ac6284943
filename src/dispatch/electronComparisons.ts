import type { ElectronSource } from '../bridge/protocol';
import { LruCache } from '../util/lruCache';
import { changedElectrons } from './electronChanges';

/** A workflow file's electrons as the bridge read them, with the text they were read from. */
export interface FileElectrons {
  readonly text: string;
  readonly electrons: readonly ElectronSource[];
}

/** Where a comparison's two sides come from. */
export interface ComparisonReaders {
  /** The file's text on disk and its electrons, as the bridge imports it. */
  readonly fileElectrons: (file: string) => Promise<FileElectrons>;
  /** The sources the server stored for a dispatch's tasks (they never change once it is registered). */
  readonly taskSources: (dispatchId: string) => Promise<ReadonlyMap<string, string>>;
}

/** The file's electrons next to what an earlier dispatch ran, and which of them changed since. */
export interface ElectronComparison {
  readonly electrons: readonly ElectronSource[];
  readonly stored: ReadonlyMap<string, string>;
  readonly changed: readonly string[];
}

/**
 * What Redispatch… pre-selects, prepared when the file is saved: the file's
 * electrons are read (importing it takes the bridge a moment) and the earlier
 * dispatches' stored sources fetched then, so the click finds them ready. At
 * the click the text is checked again: what was read for other text is read
 * anew. No `vscode` here: the loop benchmark drives the same code.
 */
export class ElectronComparisons {
  private readonly files = new LruCache<string, Promise<FileElectrons | undefined>>({ maxEntries: 32, maxWeight: 32 });
  private readonly storedSources = new LruCache<string, Promise<ReadonlyMap<string, string>>>({ maxEntries: 32, maxWeight: 32 });

  constructor(private readonly readers: ComparisonReaders) {}

  /** The file was saved: read its electrons, and the stored sources of the dispatches made from it, now. */
  saved(file: string, dispatchIds: readonly string[]): Promise<void> {
    const reading = this.readers.fileElectrons(file).catch(() => undefined);
    this.files.set(file, reading);
    for (const dispatchId of dispatchIds) void this.storedOf(dispatchId).catch(() => undefined);
    return reading.then(() => undefined);
  }

  /** Compares the file, as `text` says it is now, with what `dispatchId` ran. */
  async compare(file: string, text: string, dispatchId: string): Promise<ElectronComparison> {
    const [current, stored] = await Promise.all([this.electronsOf(file, text), this.storedOf(dispatchId)]);
    return { electrons: current, stored, changed: changedElectrons(current, stored) };
  }

  /** Compares electrons read some other way (an unsaved buffer, a notebook) with what `dispatchId` ran. */
  async compareWith(electrons: readonly ElectronSource[], dispatchId: string): Promise<ElectronComparison> {
    const stored = await this.storedOf(dispatchId);
    return { electrons, stored, changed: changedElectrons(electrons, stored) };
  }

  forget(file: string): void {
    this.files.delete(file);
  }

  private async electronsOf(file: string, text: string): Promise<readonly ElectronSource[]> {
    const saved = await this.files.get(file);
    if (saved?.text === text) return saved.electrons;
    const fresh = this.readers.fileElectrons(file);
    this.files.set(file, fresh.catch(() => undefined));
    return (await fresh).electrons;
  }

  private storedOf(dispatchId: string): Promise<ReadonlyMap<string, string>> {
    const known = this.storedSources.get(dispatchId);
    if (known) return known;
    const fetching = this.readers.taskSources(dispatchId);
    this.storedSources.set(dispatchId, fetching);
    // A failed fetch is not kept: the next click tries again.
    fetching.catch(() => {
      if (this.storedSources.get(dispatchId) === fetching) this.storedSources.delete(dispatchId);
    });
    return fetching;
  }
}
