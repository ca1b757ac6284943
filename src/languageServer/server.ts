/**
 * The Covalent language server: its own Node process (`dist/server.js --stdio`
 * or over IPC from the extension). Finds lattices and electrons in Python files
 * with tree-sitter and answers document symbols, CodeLens, hover, diagnostics,
 * quick fixes and workspace symbols. It never imports `vscode`.
 */
import {
  CodeActionKind,
  createConnection,
  FileChangeType,
  type InitializeResult,
  ProposedFeatures,
  SymbolKind,
  TextDocumentSyncKind,
  type WorkspaceFolder,
  type WorkspaceSymbol,
} from 'vscode-languageserver/node';
import type { Parser } from 'web-tree-sitter';
import { codeLenses, diagnostics, documentSymbols, hover, quickFixes } from './features';
import { ParsedDocument } from './parsedDocument';
import { WORKFLOWS_CHANGED_NOTIFICATION, type ServerOptions, type WorkflowSymbolData } from './protocol';
import { createPythonParser, wasmBesides } from './pythonParser';
import { WorkspaceIndex } from './workspaceIndex';

const DIAGNOSTICS_DELAY_MS = 150;
/** Syntax trees (and statement facts) kept for the documents used last; the others keep text and analysis only. */
const TREES_KEPT = 8;
const WORKFLOWS_CHANGED_DELAY_MS = 300;

const connection = createConnection(ProposedFeatures.all);
const documents = new Map<string, ParsedDocument>();
const pendingDiagnostics = new Map<string, NodeJS.Timeout>();
let parser: Parser | undefined;
let index: WorkspaceIndex | undefined;
let workspaceFolders: WorkspaceFolder[] = [];
let options: ServerOptions = {};
let workflowsChangedTimer: NodeJS.Timeout | undefined;
/** Documents holding a syntax tree, least recently used first. */
const withTrees: ParsedDocument[] = [];

/** The document, marked as just used: it keeps its tree, the least recently used one loses its own. */
function use(uri: string): ParsedDocument | undefined {
  const document = documents.get(uri);
  if (!document) return undefined;
  const at = withTrees.indexOf(document);
  if (at >= 0) withTrees.splice(at, 1);
  withTrees.push(document);
  while (withTrees.length > TREES_KEPT) withTrees.shift()?.releaseParseState();
  return document;
}

function forget(document: ParsedDocument): void {
  const at = withTrees.indexOf(document);
  if (at >= 0) withTrees.splice(at, 1);
  document.dispose();
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
      documentSymbolProvider: true,
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      workspaceSymbolProvider: true,
    },
    serverInfo: { name: 'covalent-language-server' },
  };
});

connection.onInitialized(() => {
  if (options.indexWorkspace === false || !index) return;
  const scanning = index.scan(workspaceFolders.map((folder) => folder.uri));
  scanning.catch((error: unknown) => connection.console.error(`Indexing the workspace failed: ${String(error)}`));
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
    else if (change.uri.endsWith('.py')) void index?.fileChanged(change.uri);
  }
});

connection.onDocumentSymbol(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  return document ? documentSymbols(document.analysis()) : null;
});

connection.onCodeLens(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  return document ? codeLenses(textDocument.uri, document.analysis()) : null;
});

connection.onHover(({ textDocument, position }) => {
  const document = use(textDocument.uri);
  return document ? hover(document.analysis(), document.syntaxTree, position) : null;
});

connection.onCodeAction(({ textDocument, context }) => quickFixes(textDocument.uri, context.diagnostics));

connection.onWorkspaceSymbol(({ query }): WorkspaceSymbol[] => {
  const wanted = query.toLowerCase();
  return (index?.all() ?? [])
    .filter((lattice) => matchesQuery(lattice.name.toLowerCase(), wanted))
    .map((lattice) => {
      const data: WorkflowSymbolData = { detail: lattice.kind === 'sublattice' ? 'sublattice' : 'lattice', selectionRange: lattice.selectionRange, moduleLevel: lattice.moduleLevel };
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
      if (!document) return;
      const analysis = document.analysis();
      void connection.sendDiagnostics({ uri, version: document.version, diagnostics: diagnostics(analysis) });
      index?.setOpen(uri, analysis.symbols);
    }, DIAGNOSTICS_DELAY_MS),
  );
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
