import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { Parser } from 'web-tree-sitter';
import { DocumentAnalyzer } from './detection/analyze';
import type { CovalentSymbol } from './detection/types';
import { ipynbCodeCells } from './notebookFile';
import { type CellSymbol, NotebookProgram } from './notebookProgram';

/** Folders that hold no user workflows but can hold very many Python files. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', 'venv']);
const MAX_FILES = 20000;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Notebooks keep their outputs (images too) in the file. */
const MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024;

/**
 * A lattice and where it is: `uri` is its file, or in an open notebook its
 * cell's document; `cell` is the index of its cell in a notebook read from disk
 * (whose cells have no documents yet).
 */
export type IndexedLattice = CovalentSymbol & { readonly uri: string; readonly cell?: number };

/**
 * The lattices of every Python file and Jupyter notebook in the workspace
 * folders, for workspace symbols and the Workflows view. Files open in the
 * editor are indexed from the editor's text (`setOpen`, `setOpenNotebook`), the
 * others from disk. Only the symbols are kept, not the syntax trees.
 */
export class WorkspaceIndex {
  private readonly fromDisk = new Map<string, readonly IndexedLattice[]>();
  private readonly fromEditor = new Map<string, readonly IndexedLattice[]>();

  constructor(
    private readonly parser: Parser,
    private readonly onChange: () => void,
  ) {}

  /** Reads the folders' Python files and notebooks (a file without the word "covalent" cannot define a lattice). */
  async scan(folderUris: readonly string[]): Promise<void> {
    let budget = MAX_FILES;
    for (const folderUri of folderUris) {
      if (!folderUri.startsWith('file:')) continue;
      for await (const file of workflowFiles(fileURLToPath(folderUri))) {
        if (budget-- <= 0) return;
        await this.readFromDisk(pathToFileURL(file).toString(), false);
      }
    }
    this.onChange();
  }

  /** A watched file was created or changed on disk. */
  async fileChanged(watchedUri: string): Promise<void> {
    const uri = canonicalUri(watchedUri);
    if (await this.readFromDisk(uri, true)) this.onChange();
  }

  /** A file or a folder was deleted. */
  fileDeleted(watchedUri: string): void {
    const uri = canonicalUri(watchedUri);
    const folder = uri.endsWith('/') ? uri : `${uri}/`;
    let changed = false;
    for (const indexed of [...this.fromDisk.keys()]) {
      if (indexed !== uri && !indexed.startsWith(folder)) continue;
      this.fromDisk.delete(indexed);
      changed ||= !this.fromEditor.has(indexed);
    }
    if (changed) this.onChange();
  }

  setOpen(editorUri: string, symbols: readonly CovalentSymbol[]): void {
    // Untitled buffers are not workspace files (nor importable by the bridge).
    if (!editorUri.startsWith('file:')) return;
    const uri = canonicalUri(editorUri);
    const lattices = latticesOf(uri, symbols);
    const before = this.fromEditor.get(uri) ?? this.fromDisk.get(uri) ?? [];
    this.fromEditor.set(uri, lattices);
    if (!sameLattices(before, lattices)) this.onChange();
  }

  /** A notebook open in the editor: its lattices, located in their cells' documents. */
  setOpenNotebook(notebookUri: string, symbols: readonly CellSymbol[]): void {
    if (!notebookUri.startsWith('file:')) return;
    const uri = canonicalUri(notebookUri);
    const lattices = symbols.filter(({ symbol }) => symbol.kind !== 'electron').map(({ cellUri, symbol }) => ({ ...symbol, uri: cellUri }));
    const before = this.fromEditor.get(uri) ?? this.fromDisk.get(uri) ?? [];
    this.fromEditor.set(uri, lattices);
    if (!sameLattices(before, lattices)) this.onChange();
  }

  /** The editor closed it: its file on disk counts again. */
  async setClosed(editorUri: string): Promise<void> {
    if (!editorUri.startsWith('file:')) return;
    const uri = canonicalUri(editorUri);
    const before = this.fromEditor.get(uri) ?? [];
    this.fromEditor.delete(uri);
    await this.readFromDisk(uri, false);
    if (!sameLattices(before, this.fromDisk.get(uri) ?? [])) this.onChange();
  }

  all(): IndexedLattice[] {
    const uris = new Set([...this.fromDisk.keys(), ...this.fromEditor.keys()]);
    return [...uris].sort().flatMap((uri) => this.fromEditor.get(uri) ?? this.fromDisk.get(uri) ?? []);
  }

  /** @returns whether the file's lattices changed */
  private async readFromDisk(uri: string, compare: boolean): Promise<boolean> {
    const before = this.fromDisk.get(uri) ?? [];
    let lattices: IndexedLattice[] = [];
    try {
      const file = fileURLToPath(uri);
      const stat = await fs.promises.stat(file);
      const notebook = isNotebook(file);
      if (stat.isFile() && stat.size <= (notebook ? MAX_NOTEBOOK_BYTES : MAX_FILE_BYTES)) {
        const text = await fs.promises.readFile(file, 'utf8');
        if (text.includes('covalent')) lattices = notebook ? this.notebookLattices(uri, text) : this.latticesIn(uri, text);
      }
    } catch {
      // Unreadable or gone: it has no lattices.
    }
    if (lattices.length > 0) this.fromDisk.set(uri, lattices);
    else this.fromDisk.delete(uri);
    return compare && !this.fromEditor.has(uri) && !sameLattices(before, lattices);
  }

  private notebookLattices(uri: string, text: string): IndexedLattice[] {
    const cells = ipynbCodeCells(text);
    if (!cells) return [];
    // Cells read from disk have no documents: a key per cell, mapped back to its index.
    const indexOf = new Map(cells.map((cell) => [`${uri}#cell${cell.index}`, cell.index]));
    const program = new NotebookProgram(uri, cells.map((cell) => ({ uri: `${uri}#cell${cell.index}`, text: cell.source })), this.parser);
    try {
      return program
        .symbols()
        .filter(({ symbol }) => symbol.kind !== 'electron')
        .map(({ cellUri, symbol }) => ({ ...symbol, uri, cell: indexOf.get(cellUri) }));
    } finally {
      program.dispose();
    }
  }

  private latticesIn(uri: string, text: string): IndexedLattice[] {
    const tree = this.parser.parse(text);
    if (!tree) return [];
    try {
      return latticesOf(uri, new DocumentAnalyzer(this.parser).analyze(tree, text).symbols);
    } finally {
      tree.delete();
    }
  }
}

/** VS Code and Node spell some file URIs differently (escapes): one spelling per file. */
function canonicalUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).toString();
  } catch {
    return uri;
  }
}

function latticesOf(uri: string, symbols: readonly CovalentSymbol[]): IndexedLattice[] {
  return symbols.filter((symbol) => symbol.kind !== 'electron').map((symbol) => ({ ...symbol, uri }));
}

function sameLattices(a: readonly IndexedLattice[], b: readonly IndexedLattice[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((lattice, index) => {
    const other = b[index];
    return (
      other !== undefined &&
      lattice.name === other.name &&
      lattice.uri === other.uri &&
      lattice.cell === other.cell &&
      lattice.kind === other.kind &&
      lattice.moduleLevel === other.moduleLevel &&
      (lattice.parameters ?? []).join(',') === (other.parameters ?? []).join(',') &&
      lattice.selectionRange.start.line === other.selectionRange.start.line &&
      lattice.selectionRange.start.character === other.selectionRange.start.character
    );
  });
}

function isNotebook(file: string): boolean {
  return file.endsWith('.ipynb');
}

/** Python files and notebooks under `folder`, skipping hidden and library folders. */
async function* workflowFiles(folder: string): AsyncGenerator<string> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
      yield* workflowFiles(full);
    } else if (entry.isFile() && (entry.name.endsWith('.py') || isNotebook(entry.name))) {
      yield full;
    }
  }
}
