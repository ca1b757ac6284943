/**
 * The Covalent language server: its own Node process (`dist/server.js --stdio`
 * or over IPC from the extension). Finds lattices and electrons in Python files
 * and in Jupyter notebooks (LSP notebook sync: a notebook's Python cells are one
 * program) with tree-sitter and answers document symbols, CodeLens, hover,
 * diagnostics, quick fixes and workspace symbols. It never imports `vscode`.
 */
import {
  CodeActionKind,
  createConnection,
  FileChangeType,
  type InitializeResult,
  type NotebookDocument,
  NotebookDocuments,
  ProposedFeatures,
  SymbolKind,
  TextDocumentSyncKind,
  type WorkspaceFolder,
  type WorkspaceSymbol,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser, Tree } from 'web-tree-sitter';
import type { CovalentSymbol, DocumentAnalysis } from './detection/types';
import { codeLenses, diagnostics, documentSymbols, hover, quickFixes } from './features';
import { NotebookProgram } from './notebookProgram';
import { ParsedDocument } from './parsedDocument';
import { NOTEBOOK_SELECTOR, WORKFLOWS_CHANGED_NOTIFICATION, type ServerOptions, type WorkflowSymbolData } from './protocol';
import { createPythonParser, wasmBesides } from './pythonParser';
import { WorkspaceIndex } from './workspaceIndex';

const DIAGNOSTICS_DELAY_MS = 150;
/** Syntax trees (and statement facts) kept for the documents used last; the others keep text and analysis only. */
const TREES_KEPT = 8;
const WORKFLOWS_CHANGED_DELAY_MS = 300;

const connection = createConnection(ProposedFeatures.all);
const documents = new Map<string, ParsedDocument>();
/** Open notebooks (by notebook URI): their cells' text as the editor has it, and each one read as a program. */
const notebooks = new NotebookDocuments(TextDocument);
const programs = new Map<string, NotebookProgram>();
/** Per notebook: the diagnostics last sent for each cell (only changes are sent again). */
const sentCellDiagnostics = new Map<string, Map<string, string>>();
const pendingDiagnostics = new Map<string, NodeJS.Timeout>();
let parser: Parser | undefined;
let index: WorkspaceIndex | undefined;
let workspaceFolders: WorkspaceFolder[] = [];
let options: ServerOptions = {};
let workflowsChangedTimer: NodeJS.Timeout | undefined;
/** A Python document or a whole notebook: what keeps syntax trees. */
type Program = ParsedDocument | NotebookProgram;
/** Programs holding syntax trees, least recently used first. */
const withTrees: Program[] = [];

/** Marks the program as just used: it keeps its trees, the least recently used one loses its own. */
function touch<T extends Program>(program: T): T {
  const at = withTrees.indexOf(program);
  if (at >= 0) withTrees.splice(at, 1);
  withTrees.push(program);
  while (withTrees.length > TREES_KEPT) withTrees.shift()?.releaseParseState();
  return program;
}

function use(uri: string): ParsedDocument | undefined {
  const document = documents.get(uri);
  return document ? touch(document) : undefined;
}

function forget(program: Program): void {
  const at = withTrees.indexOf(program);
  if (at >= 0) withTrees.splice(at, 1);
  program.dispose();
}

/** What a request about one editor document reads: a Python file, or one cell of a notebook. */
interface DocumentView {
  readonly analysis: DocumentAnalysis;
  readonly tree: Tree;
  /** Module-level symbols defined elsewhere in the same program (a notebook's other cells). */
  readonly elsewhere?: (name: string) => { symbol: CovalentSymbol; tree: Tree } | undefined;
}

function viewOf(uri: string): DocumentView | undefined {
  const document = use(uri);
  if (document) return { analysis: document.analysis(), tree: document.syntaxTree };
  const program = touchProgramOf(uri);
  if (!program) return undefined;
  const analysis = program.cellAnalysis(uri);
  const tree = program.cellTree(uri);
  return analysis && tree ? { analysis, tree, elsewhere: (name) => program.moduleSymbol(name) } : undefined;
}

function touchProgramOf(cellUri: string): NotebookProgram | undefined {
  const program = programOfCell(cellUri);
  return program ? touch(program) : undefined;
}

function programOfCell(cellUri: string): NotebookProgram | undefined {
  const notebook = notebooks.findNotebookDocumentForCell(cellUri);
  return notebook ? programs.get(notebook.uri) : undefined;
}

/** The notebook's synced (Python) cells and their current text. */
function cellTexts(notebook: NotebookDocument): { uri: string; text: string }[] {
  return notebook.cells.map((cell) => ({ uri: cell.document, text: notebooks.getCellTextDocument(cell)?.getText() ?? '' }));
}

connection.onInitialize(async (params): Promise<InitializeResult> => {
  // The wasm files sit next to this bundle (dist/, also inside a .vsix).
  parser = await createPythonParser(wasmBesides(__dirname));
  options = (params.initializationOptions as ServerOptions | undefined) ?? {};
  workspaceFolders = params.workspaceFolders ?? [];
  index = new WorkspaceIndex(parser, announceWorkflowsChanged);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: NOTEBOOK_SELECTOR.notebookType }, cells: [{ language: NOTEBOOK_SELECTOR.cellLanguage }] }] },
      documentSymbolProvider: true,
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      workspaceSymbolProvider: true,
    },
    serverInfo: { name: 'covalent-language-server' },
  };
});

/** The first read of the workspace folders: workspace symbols answer once it is done, so a list is never half the workspace. */
let firstScan: Promise<void> = Promise.resolve();

connection.onInitialized(() => {
  if (options.indexWorkspace === false || !index) return;
  firstScan = index.scan(workspaceFolders.map((folder) => folder.uri)).catch((error: unknown) => connection.console.error(`Indexing the workspace failed: ${String(error)}`));
});

connection.onDidOpenTextDocument(({ textDocument }) => {
  if (!parser || !isPython(textDocument.uri, textDocument.languageId)) return;
  const previous = documents.get(textDocument.uri);
  if (previous) forget(previous);
  documents.set(textDocument.uri, new ParsedDocument(textDocument.uri, textDocument.version, textDocument.text, parser));
  use(textDocument.uri);
  scheduleDiagnostics(textDocument.uri);
});

connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  const document = use(textDocument.uri);
  if (!document) return;
  document.update(contentChanges, textDocument.version);
  scheduleDiagnostics(textDocument.uri);
});

connection.onDidCloseTextDocument(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return;
  forget(document);
  documents.delete(textDocument.uri);
  clearTimeout(pendingDiagnostics.get(textDocument.uri));
  pendingDiagnostics.delete(textDocument.uri);
  void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  void index?.setClosed(textDocument.uri);
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const change of changes) {
    // A deleted folder takes its Python files with it.
    if (change.type === FileChangeType.Deleted) index?.fileDeleted(change.uri);
    else if (change.uri.endsWith('.py') || change.uri.endsWith('.ipynb')) void index?.fileChanged(change.uri);
  }
});

notebooks.onDidOpen((notebook) => {
  if (!parser) return;
  programs.get(notebook.uri)?.dispose();
  programs.set(notebook.uri, touch(new NotebookProgram(notebook.uri, cellTexts(notebook), parser)));
  scheduleDiagnostics(notebook.uri);
});

notebooks.onDidChange(({ notebookDocument, cells }) => {
  const program = programs.get(notebookDocument.uri);
  if (!program || !cells) return;
  const structural = cells.added.length > 0 || cells.removed.length > 0 || cells.changed.data.length > 0;
  if (structural) program.setCells(cellTexts(notebookDocument));
  else for (const cell of cells.changed.textContent) program.updateCell(cell.document, notebooks.getCellTextDocument(cell)?.getText() ?? '');
  touch(program);
  scheduleDiagnostics(notebookDocument.uri);
});

notebooks.onDidClose((notebook) => {
  const program = programs.get(notebook.uri);
  if (!program) return;
  const cells = program.cellUris;
  forget(program);
  programs.delete(notebook.uri);
  clearTimeout(pendingDiagnostics.get(notebook.uri));
  pendingDiagnostics.delete(notebook.uri);
  sentCellDiagnostics.delete(notebook.uri);
  for (const uri of cells) void connection.sendDiagnostics({ uri, diagnostics: [] });
  void index?.setClosed(notebook.uri);
});

notebooks.listen(connection);

connection.onDocumentSymbol(({ textDocument }) => {
  const view = viewOf(textDocument.uri);
  return view ? documentSymbols(view.analysis) : null;
});

connection.onCodeLens(({ textDocument }) => {
  const lattices = use(textDocument.uri)?.dispatchableLattices() ?? touchProgramOf(textDocument.uri)?.cellLattices(textDocument.uri);
  return lattices ? codeLenses(textDocument.uri, lattices) : null;
});

connection.onHover(({ textDocument, position }) => {
  const view = viewOf(textDocument.uri);
  return view ? hover(view.analysis, view.tree, position, view.elsewhere) : null;
});

connection.onCodeAction(({ textDocument, context }) => quickFixes(textDocument.uri, context.diagnostics));

connection.onWorkspaceSymbol(async ({ query }): Promise<WorkspaceSymbol[]> => {
  await firstScan;
  const wanted = query.toLowerCase();
  return (index?.all() ?? [])
    .filter((lattice) => matchesQuery(lattice.name.toLowerCase(), wanted))
    .map((lattice) => {
      const data: WorkflowSymbolData = { detail: lattice.kind === 'sublattice' ? 'sublattice' : 'lattice', selectionRange: lattice.selectionRange, moduleLevel: lattice.moduleLevel, parameters: lattice.parameters, cell: lattice.cell };
      return {
        name: lattice.name,
        kind: SymbolKind.Module,
        containerName: lattice.container,
        location: { uri: lattice.uri, range: lattice.range },
        data,
      };
    });
});

function scheduleDiagnostics(uri: string): void {
  clearTimeout(pendingDiagnostics.get(uri));
  pendingDiagnostics.set(
    uri,
    setTimeout(() => {
      pendingDiagnostics.delete(uri);
      const document = documents.get(uri);
      if (document) {
        const analysis = document.analysis();
        void connection.sendDiagnostics({ uri, version: document.version, diagnostics: diagnostics(analysis) });
        index?.setOpen(uri, analysis.symbols);
        return;
      }
      const program = programs.get(uri);
      if (program) publishNotebook(uri, program);
    }, DIAGNOSTICS_DELAY_MS),
  );
}

/** Each cell's diagnostics where they changed, and the notebook's lattices for the workspace index. */
function publishNotebook(notebookUri: string, program: NotebookProgram): void {
  const sent = sentCellDiagnostics.get(notebookUri) ?? new Map<string, string>();
  sentCellDiagnostics.set(notebookUri, sent);
  const current = new Set(program.cellUris);
  for (const cellUri of current) {
    const found = diagnostics(program.cellAnalysis(cellUri) ?? { importsCovalent: false, symbols: [], diagnostics: [] });
    const key = JSON.stringify(found);
    if ((sent.get(cellUri) ?? '[]') === key) continue;
    sent.set(cellUri, key);
    void connection.sendDiagnostics({ uri: cellUri, diagnostics: found });
  }
  for (const cellUri of sent.keys()) if (!current.has(cellUri)) sent.delete(cellUri);
  index?.setOpenNotebook(notebookUri, program.symbols());
}

function announceWorkflowsChanged(): void {
  clearTimeout(workflowsChangedTimer);
  workflowsChangedTimer = setTimeout(() => void connection.sendNotification(WORKFLOWS_CHANGED_NOTIFICATION), WORKFLOWS_CHANGED_DELAY_MS);
}

function isPython(uri: string, languageId: string): boolean {
  return languageId === 'python' || uri.endsWith('.py');
}

/** Characters of the query in order (as VS Code's own symbol search). */
function matchesQuery(name: string, query: string): boolean {
  let at = 0;
  for (const char of query) {
    at = name.indexOf(char, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

connection.listen();
