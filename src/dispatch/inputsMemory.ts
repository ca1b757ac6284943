/** The slice of VS Code's Memento used here (so this module needs no `vscode`). */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = 'covalent.inputsByLattice';
/** Enough for anyone's recent lattices; the oldest are forgotten first. */
const MAX_ENTRIES = 200;

/** The inputs last used for each lattice (file + name), kept in the workspace's state. */
export class InputsMemory {
  constructor(private readonly state: KeyValueStore) {}

  get(fileUri: string, lattice: string): string | undefined {
    return this.entries()[entryKey(fileUri, lattice)];
  }

  async remember(fileUri: string, lattice: string, inputs: string): Promise<void> {
    const entries = this.entries();
    const key = entryKey(fileUri, lattice);
    delete entries[key];
    entries[key] = inputs;
    const keys = Object.keys(entries);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete entries[old];
    await this.state.update(KEY, entries);
  }

  private entries(): Record<string, string> {
    return { ...(this.state.get<Record<string, string>>(KEY) ?? {}) };
  }
}

function entryKey(fileUri: string, lattice: string): string {
  return `${fileUri}#${lattice}`;
}
