import * as assert from 'assert';
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import {
  type CodeLens,
  CodeLensRequest,
  DidChangeTextDocumentNotification,
  DidChangeNotebookDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseNotebookDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  type DocumentSymbol,
  DocumentSymbolRequest,
  FileChangeType,
  type Hover,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  NotebookCellKind,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  type WorkspaceSymbol,
  WorkspaceSymbolRequest,
} from 'vscode-languageserver-protocol';
import { waitFor } from '../support/wait';
import { repoRoot } from './detectionHelpers';

/**
 * The language server's contract, spoken over stdio to `dist/server.js` in its
 * own process, as any LSP client (and the benchmark) does.
 */
const SERVER = path.join(repoRoot, 'dist', 'server.js');

interface RunningServer {
  readonly connection: MessageConnection;
  readonly process: ChildProcess;
  readonly diagnostics: Map<string, PublishDiagnosticsParams>;
  readonly notifications: string[];
  stop(): void;
}

async function startServer(workspaceFolder?: string, serverScript = SERVER): Promise<RunningServer> {
  assert.ok(fs.existsSync(serverScript), `${serverScript} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [serverScript, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const diagnostics = new Map<string, PublishDiagnosticsParams>();
  const notifications: string[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    diagnostics.set(params.uri, params);
  });
  connection.onNotification((method: string) => {
    notifications.push(method);
  });
  connection.listen();
  const folders = workspaceFolder ? [{ uri: pathToFileURL(workspaceFolder).toString(), name: 'workspace' }] : null;
  try {
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: folders });
  } catch (error) {
    connection.dispose();
    child.kill();
    throw error;
  }
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    process: child,
    diagnostics,
    notifications,
    stop: () => {
      connection.dispose();
      child.kill();
    },
  };
}

describe('Language server over stdio (dist/server.js --stdio)', function () {
  this.timeout(20000);
  const seed = fs.readFileSync(path.join(repoRoot, 'examples', 'redispatch_howto.py'), 'utf8');
  const uri = 'file:///work/redispatch_howto.py';
  let server: RunningServer;

  before(async () => {
    server = await startServer();
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: seed } });
  });
  after(() => server?.stop());

  it('lists each lattice and electron as a document symbol with its kind as detail and the name as selection range', async () => {
    const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepStrictEqual(
      symbols.map((symbol) => [symbol.name, symbol.detail]),
      [
        ['task_0', 'electron'],
        ['task_1', 'electron'],
        ['task_2', 'electron'],
        ['task_2_redefined', 'electron'],
        ['workflow', 'lattice'],
      ],
    );
    const workflow = symbols[4]!;
    const line = seed.split('\n')[workflow.selectionRange.start.line] ?? '';
    assert.strictEqual(line.slice(workflow.selectionRange.start.character, workflow.selectionRange.end.character), 'workflow');
    assert.strictEqual(seed.split('\n')[workflow.range.start.line], '@ct.lattice');
  });

  it('gives the three dispatch lenses of each module-level lattice, with { uri, lattice } as argument', async () => {
    const lenses = (await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
    assert.deepStrictEqual(
      lenses.map((lens) => [lens.command?.title, lens.command?.command, lens.command?.arguments]),
      [
        ['Dispatch', 'covalent.dispatch', [{ uri, lattice: 'workflow' }]],
        ['Dispatch with inputs…', 'covalent.dispatchWithInputs', [{ uri, lattice: 'workflow' }]],
        ['Save without running', 'covalent.saveWithoutRunning', [{ uri, lattice: 'workflow' }]],
      ],
    );
  });

  it('follows incremental changes: a misspelt decorator loses the lens and gets an error diagnostic', async () => {
    const line = seed.split('\n').indexOf('@ct.lattice');
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line, character: 4 }, end: { line, character: 11 } }, text: 'latice' }],
    });
    const lenses = (await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
    assert.deepStrictEqual(lenses, []);
    const published = await waitFor('diagnostics of version 2', () => {
      const params = server.diagnostics.get(uri);
      return params?.version === 2 ? params : undefined;
    }, 5000, 20);
    assert.deepStrictEqual(
      published.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.severity, diagnostic.range.start]),
      [['misspelt-decorator', 1, { line, character: 4 }]],
    );
  });

  it('runs from any folder that holds the bundle and its two wasm files (as in a .vsix), and says what is missing otherwise', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-server-copy-'));
    try {
      fs.copyFileSync(SERVER, path.join(copy, 'server.js'));
      await assert.rejects(startServer(undefined, path.join(copy, 'server.js')), /Python parser is missing: .*web-tree-sitter\.wasm not found/);
      for (const wasm of ['web-tree-sitter.wasm', 'tree-sitter-python.wasm']) fs.copyFileSync(path.join(path.dirname(SERVER), wasm), path.join(copy, wasm));
      const moved = await startServer(undefined, path.join(copy, 'server.js'));
      try {
        const movedUri = 'file:///moved/seed.py';
        await moved.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: movedUri, languageId: 'python', version: 1, text: seed } });
        const lenses = (await moved.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: movedUri } })) as CodeLens[];
        assert.strictEqual(lenses.length, 3);
      } finally {
        moved.stop();
      }
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('indexes the workspace folder for workspace symbols and announces file changes', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-detection-'));
    const workspace = await startServer(folder);
    try {
      fs.writeFileSync(path.join(folder, 'seed.py'), seed);
      fs.mkdirSync(path.join(folder, 'node_modules'));
      fs.writeFileSync(path.join(folder, 'node_modules', 'ignored.py'), seed);
      const fileUri = pathToFileURL(path.join(folder, 'seed.py')).toString();
      await workspace.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: fileUri, type: FileChangeType.Created }] });
      const symbols = await waitFor('workspace symbols', async () => {
        const found = (await workspace.connection.sendRequest(WorkspaceSymbolRequest.type, { query: '' })) as WorkspaceSymbol[];
        return found.length > 0 ? found : undefined;
      }, 5000, 20);
      assert.deepStrictEqual(
        symbols.map((symbol) => [symbol.name, 'uri' in symbol.location ? symbol.location.uri : '', (symbol.data as { detail: string }).detail]),
        [['workflow', fileUri, 'lattice']],
      );
      await waitFor('covalent/workflowsChanged', () => (workspace.notifications.includes('covalent/workflowsChanged') ? true : undefined), 5000, 20);
      const filtered = (await workspace.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'wkf' })) as WorkspaceSymbol[];
      assert.strictEqual(filtered.length, 1);
      const none = (await workspace.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'task' })) as WorkspaceSymbol[];
      assert.strictEqual(none.length, 0, 'electrons are not workflows');
      // Deleting the folder reports the folder only: its files leave the index.
      fs.rmSync(path.join(folder, 'seed.py'));
      await workspace.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(folder).toString(), type: FileChangeType.Deleted }] });
      const afterDeletion = (await workspace.connection.sendRequest(WorkspaceSymbolRequest.type, { query: '' })) as WorkspaceSymbol[];
      assert.deepStrictEqual(afterDeletion, []);
    } finally {
      workspace.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('Language server: notebooks (LSP notebook document sync)', function () {
  this.timeout(20000);
  const notebookUri = 'file:///work/flows.ipynb';
  const cell = (index: number) => `vscode-notebook-cell:/work/flows.ipynb#W${index}sZmlsZQ%3D%3D`;
  const cells = ['import covalent as ct', '%pip install numpy\n@ct.electron\ndef add(a, b):\n    return a + b', '@ct.lattice\ndef flow(a):\n    return add(a, 1)', 'flow'];
  let server: RunningServer;

  before(async () => {
    server = await startServer();
    await server.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebookUri, notebookType: 'jupyter-notebook', version: 1, cells: cells.map((_, index) => ({ kind: NotebookCellKind.Code, document: cell(index) })) },
      cellTextDocuments: cells.map((text, index) => ({ uri: cell(index), languageId: 'python', version: 1, text })),
    });
  });
  after(() => server?.stop());

  it('answers lenses, symbols and hovers per cell, with cell positions, reading the cells as one program', async () => {
    const lenses = (await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: cell(2) } })) as CodeLens[];
    assert.deepStrictEqual(
      lenses.map((lens) => [lens.command?.command, lens.command?.arguments, lens.range.start]),
      ['covalent.dispatch', 'covalent.dispatchWithInputs', 'covalent.saveWithoutRunning'].map((command) => [command, [{ uri: cell(2), lattice: 'flow' }], { line: 0, character: 0 }]),
    );
    const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: cell(1) } })) as DocumentSymbol[];
    assert.deepStrictEqual(symbols.map((symbol) => [symbol.name, symbol.detail, symbol.selectionRange.start]), [['add', 'electron', { line: 2, character: 4 }]]);
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: cell(3) }, position: { line: 0, character: 1 } })) as Hover;
    assert.match(JSON.stringify(hover.contents), /Covalent lattice\*\* `flow\(a\)`/, 'a name used in one cell, defined in another');
  });

  it('publishes diagnostics on the cell that has them, follows cell edits, and clears them when the notebook closes', async () => {
    await server.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebookUri, version: 2 },
      change: { cells: { textContent: [{ document: { uri: cell(2), version: 2 }, changes: [{ range: { start: { line: 0, character: 4 }, end: { line: 0, character: 11 } }, text: 'latice' }] }] } },
    });
    const published = await waitFor('the misspelt decorator on cell 2', () => server.diagnostics.get(cell(2))?.diagnostics.find((diagnostic) => diagnostic.code === 'misspelt-decorator'), 5000, 20);
    assert.deepStrictEqual(published.range.start, { line: 0, character: 4 });
    assert.deepStrictEqual(await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: cell(2) } }), []);
    await server.connection.sendNotification(DidCloseNotebookDocumentNotification.type, { notebookDocument: { uri: notebookUri }, cellTextDocuments: cells.map((_, index) => ({ uri: cell(index) })) });
    await waitFor('the cell diagnostics to clear', () => (server.diagnostics.get(cell(2))?.diagnostics.length === 0 ? true : undefined), 5000, 20);
  });

  it('indexes notebooks on disk for workspace symbols, with the index of the lattice\'s cell', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-notebooks-'));
    fs.copyFileSync(path.join(repoRoot, 'examples', 'redispatch_howto.ipynb'), path.join(folder, 'howto.ipynb'));
    const workspace = await startServer(folder);
    try {
      const symbols = await waitFor('workspace symbols', async () => {
        const found = (await workspace.connection.sendRequest(WorkspaceSymbolRequest.type, { query: '' })) as WorkspaceSymbol[];
        return found.length > 0 ? found : undefined;
      }, 5000, 20);
      assert.deepStrictEqual(
        symbols.map((symbol) => [symbol.name, 'range' in symbol.location ? symbol.location.range.start : undefined, (symbol.data as { cell?: number }).cell]),
        [['workflow', { line: 20, character: 0 }, 2]],
      );
      assert.strictEqual(symbols[0]?.location.uri, pathToFileURL(path.join(folder, 'howto.ipynb')).toString());
    } finally {
      workspace.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
