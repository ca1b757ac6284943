import * as vscode from 'vscode';
import { CELL_SCHEME, cellOf, codeCells, isNotebookFile, notebookOf, showCell } from '../notebook/notebookCells';
import type { WorkspaceLattice } from './types';

/** A lattice, electron or sublattice as the language server reports it in a document. */
export interface WorkflowSymbol {
  readonly name: string;
  readonly kind: WorkflowSymbolKind;
  readonly range: vscode.Range;
  readonly selectionRange: vscode.Range;
}

export type WorkflowSymbolKind = 'lattice' | 'electron' | 'sublattice';

const ALL_KINDS: readonly WorkflowSymbolKind[] = ['lattice', 'electron', 'sublattice'];
export const TASK_KINDS: readonly WorkflowSymbolKind[] = ['electron', 'sublattice'];
/** Folders whose Python files are never the user's workflows. */
const NOT_USER_CODE = '**/{.venv,venv,node_modules,site-packages,.cache}/**';

/**
 * Where a lattice or an electron is defined, for every view that links to code
 * (editor status, the Dispatches tree's Go to Source, the result panel): the
 * language server's document symbols first, then `def name(` at the start of a
 * line (a file the server has not read yet, or a name it does not report).
 * A notebook's code is in its code cells: a location there is the cell's
 * document, and showing it opens the notebook at that cell.
 */
export class SourceLocator implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; symbols: Promise<WorkflowSymbol[]> }>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidCloseTextDocument((document) => this.cache.delete(document.uri.toString()));
  }

  /** Lattices and electrons of a document, from the language server; cached per version. */
  symbols(document: vscode.TextDocument): Promise<WorkflowSymbol[]> {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) return cached.symbols;
    const symbols = Promise.resolve(
      vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>('vscode.executeDocumentSymbolProvider', document.uri),
    ).then(
      (found) => flattenSymbols(found ?? []),
      () => [],
    );
    this.cache.set(key, { version: document.version, symbols });
    // An empty answer may mean the language server is still starting: ask again next time.
    void symbols.then((list) => {
      if (list.length === 0 && this.cache.get(key)?.symbols === symbols) this.cache.delete(key);
    });
    return symbols;
  }

  /** The name of a task's function (electron or sublattice) in `document`. */
  taskRange(document: vscode.TextDocument, symbols: readonly WorkflowSymbol[], name: string): vscode.Range | undefined {
    return symbols.find((symbol) => TASK_KINDS.includes(symbol.kind) && symbol.name === name)?.selectionRange ?? definitionRange(document, name);
  }

  /** The name's range in `document`, a symbol of one of `kinds` first. */
  async rangeIn(document: vscode.TextDocument, name: string, kinds: readonly WorkflowSymbolKind[] = ALL_KINDS): Promise<vscode.Range | undefined> {
    const symbols = await this.symbols(document);
    return symbols.find((symbol) => kinds.includes(symbol.kind) && symbol.name === name)?.selectionRange ?? definitionRange(document, name);
  }

  /**
   * Where `name` is defined: in the `preferred` files first, else in any Python
   * file of the workspace, else in any notebook (opening one costs more).
   */
  async locate(name: string, options: { preferred?: readonly vscode.Uri[]; kinds?: readonly WorkflowSymbolKind[] } = {}): Promise<vscode.Location | undefined> {
    const preferred = options.preferred ?? [];
    const seen = new Set(preferred.map((uri) => uri.toString()));
    const files = await vscode.workspace.findFiles('**/*.py', NOT_USER_CODE, 500);
    const notebooks = await vscode.workspace.findFiles('**/*.ipynb', NOT_USER_CODE, 500);
    const rest = [...files, ...notebooks].filter((uri) => !seen.has(uri.toString()));
    for (const uri of [...preferred, ...rest]) {
      const location = await this.locateIn(uri, name, options.kinds);
      if (location) return location;
    }
    return undefined;
  }

  /** Where `name` is defined in one workflow file: a Python file, or a notebook (the last cell that defines it). */
  async locateIn(uri: vscode.Uri, name: string, kinds: readonly WorkflowSymbolKind[] = ALL_KINDS): Promise<vscode.Location | undefined> {
    for (const document of await this.documentsOf(uri)) {
      // Documents that do not mention the name are skipped without asking the language server.
      if (!document.getText().includes(name)) continue;
      const range = await this.rangeIn(document, name, kinds);
      if (range) return new vscode.Location(document.uri, range);
    }
    return undefined;
  }

  /** The documents holding a workflow file's code: the file, or a notebook's code cells from the last to the first. */
  async documentsOf(uri: vscode.Uri): Promise<vscode.TextDocument[]> {
    if (uri.scheme === CELL_SCHEME) {
      const cell = cellOf(uri);
      return cell ? [cell.document] : [];
    }
    if (isNotebookFile(uri)) {
      try {
        return codeCells(await notebookOf(uri))
          .reverse()
          .map((cell) => cell.document);
      } catch {
        return [];
      }
    }
    const document = await this.open(uri);
    return document ? [document] : [];
  }

  /** The document of `uri`, opened if it is not (undefined when it cannot be read). */
  async open(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    if (open) return open;
    try {
      return await vscode.workspace.openTextDocument(uri);
    } catch {
      return undefined;
    }
  }

  /** Opens the definition of `name` (see `locate`); false when there is none. */
  async reveal(name: string, options: { preferred?: readonly vscode.Uri[]; kinds?: readonly WorkflowSymbolKind[]; viewColumn?: vscode.ViewColumn } = {}): Promise<boolean> {
    const location = await this.locate(name, options);
    if (!location) return false;
    await this.show(location, options.viewColumn);
    return true;
  }

  /** Opens a location: a file's editor, or the notebook editor at a cell. */
  async show(location: vscode.Location, viewColumn?: vscode.ViewColumn): Promise<void> {
    const cell = cellOf(location.uri);
    if (cell) return showCell(cell, location.range, { viewColumn });
    const document = await vscode.workspace.openTextDocument(location.uri);
    await vscode.window.showTextDocument(document, { selection: location.range, viewColumn, preserveFocus: false });
  }

  /** Opens a lattice of the Workflows view: in a notebook, at its cell; false when that cell is gone. */
  async showLattice(lattice: WorkspaceLattice): Promise<boolean> {
    if (lattice.cell === undefined) {
      await this.show(new vscode.Location(lattice.uri, lattice.selectionRange));
      return true;
    }
    const notebook = await notebookOf(lattice.uri);
    if (lattice.cell >= notebook.cellCount) return false;
    await showCell(notebook.cellAt(lattice.cell), lattice.selectionRange);
    return true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.cache.clear();
  }
}

function flattenSymbols(found: readonly (vscode.DocumentSymbol | vscode.SymbolInformation)[]): WorkflowSymbol[] {
  const result: WorkflowSymbol[] = [];
  const visit = (symbol: vscode.DocumentSymbol | vscode.SymbolInformation) => {
    if (!('detail' in symbol)) return;
    const kind = symbol.detail;
    if ((ALL_KINDS as readonly string[]).includes(kind)) result.push({ name: symbol.name, kind: kind as WorkflowSymbolKind, range: symbol.range, selectionRange: symbol.selectionRange });
    for (const child of symbol.children ?? []) visit(child);
  };
  for (const symbol of found) visit(symbol);
  return result;
}

/** The name in `def name(` at the start of a line: where a function the server named is defined. */
function definitionRange(document: vscode.TextDocument, name: string): vscode.Range | undefined {
  const match = new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+(${escapeRegExp(name)})[ \\t]*\\(`, 'm').exec(document.getText());
  if (!match?.[1]) return undefined;
  const start = document.positionAt(match.index + match[0].indexOf(match[1], match[0].indexOf('def') + 3));
  return new vscode.Range(start, start.translate(0, name.length));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
