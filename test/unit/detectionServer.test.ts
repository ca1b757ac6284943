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
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  type DocumentSymbol,
  DocumentSymbolRequest,
  FileChangeType,
  InitializedNotification,
  InitializeRequest,
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
