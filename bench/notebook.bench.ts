/**
 * Opening a notebook: a generated 200-cell notebook (an import cell, then
 * cells of electrons, lattices calling them, magics, shell escapes and dispatch
 * statements) sent to `dist/server.js --stdio` as VS Code's client sends it
 * (`notebookDocument/didOpen` with every cell's text), then CodeLens asked for
 * every cell at once, as the notebook editor asks for the cells it renders.
 * Anchor, same run: the same code as one `.py` file (`didOpen`, then CodeLens).
 * Median time from open to the last lens answer of each.
 * Floor, same run: as many CodeLens requests as cells, for documents the server
 * does not have (answered at once): what asking per cell costs over LSP alone.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import {
  type CodeLens,
  CodeLensRequest,
  createMessageConnection,
  DidCloseNotebookDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  NotebookCellKind,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { median } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const SERVER = path.join(repoRoot, 'dist', 'server.js');
const CELLS = 200;
const RUNS = 15;
const WARM_UP = 2;

/** Cell sources: 1 import cell, then per group of 4 cells: electrons, a lattice, a magic + markdown-like comment cell, a dispatch cell. */
function generateCells(): string[] {
  const cells = ['import math\nimport covalent as ct'];
  for (let group = 0; cells.length < CELLS; group++) {
    const electrons = [0, 1, 2].map((k) => {
      const name = `task_${group}_${k}`;
      return [`@ct.electron`, `def ${name}(x, factor=${k + 1}):`, `    """Scales ${name}'s input."""`, `    scaled = x * factor + ${group}`, `    return math.sqrt(abs(scaled))`, ''].join('\n');
    });
    cells.push(electrons.join('\n\n'));
    cells.push(
      [
        '@ct.lattice',
        `def workflow_${group}(x, y=1):`,
        `    r0 = task_${group}_0(x)`,
        `    r1 = task_${group}_1(r0, y)`,
        `    return task_${group}_2(r1)`,
      ].join('\n'),
    );
    cells.push(['%time values = [math.sqrt(i) for i in range(10)]', '!echo "checking (inputs"', `total_${group} = sum(values)`].join('\n'));
    cells.push([`dispatch_id = ct.dispatch(workflow_${group})(1, 2)`, 'result = ct.get_result(dispatch_id, wait=True)', 'print(result.result)'].join('\n'));
  }
  return cells.slice(0, CELLS);
}

async function main(): Promise<void> {
  const cells = generateCells();
  const lattices = cells.filter((cell) => cell.startsWith('@ct.lattice')).length;
  // The same code as one file, with the IPython lines a script cannot have turned into comments.
  const script = cells.map((cell) => cell.replace(/^([%!].*)$/gm, '# $1')).join('\n\n\n');
  console.log(`notebook: ${CELLS} cells, ${lattices} lattices, ${cells.join('\n').split('\n').length} lines; as one .py file: ${script.split('\n').length} lines`);

  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { indexWorkspace: false } });
  await connection.sendNotification(InitializedNotification.type, {});
  const lenses = (uri: string) => connection.sendRequest<CodeLens[] | null>(CodeLensRequest.method, { textDocument: { uri } });

  const notebookTimes: number[] = [];
  const fileTimes: number[] = [];
  const askingTimes: number[] = [];
  for (let run = 0; run < RUNS + WARM_UP; run++) {
    // Alternate the two so both see the same machine load; each document is new to the server.
    const notebookUri = `file:///bench/notebook_${run}.ipynb`;
    const cellUris = cells.map((_, index) => `vscode-notebook-cell:/bench/notebook_${run}.ipynb#W${index}sZmlsZQ%3D%3D`);
    let start = performance.now();
    await connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebookUri, notebookType: 'jupyter-notebook', version: 1, cells: cellUris.map((document) => ({ kind: NotebookCellKind.Code, document })) },
      cellTextDocuments: cells.map((text, index) => ({ uri: cellUris[index] ?? '', languageId: 'python', version: 1, text })),
    });
    const answers = await Promise.all(cellUris.map((uri) => lenses(uri)));
    const notebookElapsed = performance.now() - start;
    const notebookLenses = answers.reduce((count, answer) => count + (answer?.length ?? 0), 0);
    if (notebookLenses !== lattices * 3) throw new Error(`expected ${lattices * 3} lenses in the notebook, got ${notebookLenses}`);
    await connection.sendNotification(DidCloseNotebookDocumentNotification.type, { notebookDocument: { uri: notebookUri }, cellTextDocuments: cellUris.map((uri) => ({ uri })) });

    const fileUri = `file:///bench/notebook_${run}.py`;
    start = performance.now();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: fileUri, languageId: 'python', version: 1, text: script } });
    const fileLenses = (await lenses(fileUri))?.length ?? 0;
    const fileElapsed = performance.now() - start;
    if (fileLenses !== lattices * 3) throw new Error(`expected ${lattices * 3} lenses in the file, got ${fileLenses}`);
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: fileUri } });

    start = performance.now();
    const unknown = await Promise.all(cellUris.map((uri) => lenses(uri)));
    const askingElapsed = performance.now() - start;
    // The notebook is closed: each request must find no document, or the floor would count real work.
    if (unknown.some((answer) => answer !== null)) throw new Error('the floor asked about cells the server still has');

    if (run >= WARM_UP) {
      notebookTimes.push(notebookElapsed);
      fileTimes.push(fileElapsed);
      askingTimes.push(askingElapsed);
    }
  }
  const notebook = median(notebookTimes);
  const file = median(fileTimes);
  console.log(`open → every cell's lenses, ${CELLS}-cell notebook: median of ${RUNS} ${notebook.toFixed(2)} ms`);
  console.log(`open → lenses, the same code as one .py file (anchor): median of ${RUNS} ${file.toFixed(2)} ms`);
  const asking = median(askingTimes);
  console.log(`notebook / file: ${(notebook / file).toFixed(2)}× (goal ≤ 1.2×)`);
  console.log(`floor: ${CELLS} CodeLens requests for documents the server does not have: median of ${RUNS} ${asking.toFixed(2)} ms; the file plus asking per cell is ${((file + asking) / file).toFixed(2)}× the file`);
  connection.dispose();
  child.kill();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
