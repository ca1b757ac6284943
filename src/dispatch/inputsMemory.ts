import { Emitter } from '../util/events';

/** The slice of VS Code's Memento used here (so this module needs no `vscode`). */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** Enough for anyone's recent lattices; the oldest are forgotten first. */
const MAX_ENTRIES = 200;

/** Something remembered per lattice (file + name), kept in the workspace's state under `key`. */
export class LatticeMemory<T> {
  private readonly changes = new Emitter<{ fileUri: string; lattice: string }>();
  /** A lattice's remembered value changed. */
  readonly onDidChange = this.changes.event;

  constructor(
    private readonly state: KeyValueStore,
    private readonly key: string,
  ) {}

  get(fileUri: string, lattice: string): T | undefined {
    return this.entries()[entryKey(fileUri, lattice)];
  }

  /** `undefined` forgets the lattice's value. */
  async remember(fileUri: string, lattice: string, value: T | undefined): Promise<void> {
    const entries = this.entries();
    const key = entryKey(fileUri, lattice);
    delete entries[key];
    if (value !== undefined) entries[key] = value;
    const keys = Object.keys(entries);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete entries[old];
    await this.state.update(this.key, entries);
    this.changes.fire({ fileUri, lattice });
  }

  /** Every lattice of one file that has a value, with it. */
  forFile(fileUri: string): [lattice: string, value: T][] {
    const prefix = `${fileUri}#`;
    return Object.entries(this.entries())
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]);
  }

  private entries(): Record<string, T> {
    return { ...(this.state.get<Record<string, T>>(this.key) ?? {}) };
  }
}

/** The inputs last used for each lattice. */
export class InputsMemory extends LatticeMemory<string> {
  constructor(state: KeyValueStore) {
    super(state, 'covalent.inputsByLattice');
  }
}

function entryKey(fileUri: string, lattice: string): string {
  return `${fileUri}#${lattice}`;
}
