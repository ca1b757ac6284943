import type { ElectronSource } from '../bridge/protocol';

/**
 * Which electrons of the current file differ from what an earlier dispatch ran:
 * the redispatch picker pre-selects them for `replace_electrons`.
 */

/** Covalent stores `inspect.getsource(fn) + "\n\n"`; compare without trailing blanks. */
export function normalizeSource(source: string): string {
  return source
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

/** Names of the electrons the dispatch ran (by task name) whose source in the file is different now. */
export function changedElectrons(current: readonly ElectronSource[], stored: ReadonlyMap<string, string>): string[] {
  return current
    .filter((electron) => electron.source !== null && stored.has(electron.name))
    .filter((electron) => normalizeSource(electron.source ?? '') !== normalizeSource(stored.get(electron.name) ?? ''))
    .map((electron) => electron.name);
}

/**
 * `replaceElectrons` of the public command API: names as written in the file.
 * `"task_2"` replaces task_2 with the file's current task_2; `"task_2=task_2_redefined"`
 * (or an object `{ task_2: "task_2_redefined" }`) replaces it with another electron.
 */
export function parseReplaceElectrons(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const pairs: [string, string][] = [];
  if (Array.isArray(value)) {
    for (const entry of value) {
      if (typeof entry !== 'string' || !entry.trim()) throw new Error(`replaceElectrons entries are electron names, got ${JSON.stringify(entry)}.`);
      const [task = '', replacement = task] = entry.split(/\s*(?:=|->|:)\s*/, 2).map((part) => part.trim());
      pairs.push([task, replacement || task]);
    }
  } else if (typeof value === 'object') {
    for (const [task, replacement] of Object.entries(value as Record<string, unknown>)) {
      if (typeof replacement !== 'string' || !replacement.trim()) throw new Error(`replaceElectrons.${task} must name an electron.`);
      pairs.push([task, replacement.trim()]);
    }
  } else {
    throw new Error('replaceElectrons must be a list of electron names (or "task=replacement").');
  }
  for (const [task, replacement] of pairs) {
    for (const name of [task, replacement]) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a Python name (in replaceElectrons).`);
    }
  }
  return Object.fromEntries(pairs);
}
