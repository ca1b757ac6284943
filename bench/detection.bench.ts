/**
 * Lattice detection speed, over LSP, against `dist/server.js --stdio` in its own
 * process (as an editor runs it). A generated file of about 6,500 lines with 500
 * electrons and 100 lattices:
 * - median time from `didOpen` to the CodeLens answer,
 * - median time from a one-line `didChange` to the CodeLens answer,
 * next to CPython's `ast.parse` + `ast.walk` of the same text in the same run
 * (goals: open ≤ 0.5×, edit ≤ 0.1× the CPython time), and the server's resident
 * memory after opening 200 such files. Floor of open, same run: tree-sitter's
 * parse of the text alone, with the server's own WebAssembly files, in this process.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createPythonParser, wasmBesides } from '../src/languageServer/pythonParser';
import { median } from './stats';
import {
  type CodeLens,
  CodeLensRequest,
  createMessageConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const repoRoot = path.resolve(__dirname, '..', '..');
const SERVER = path.join(repoRoot, 'dist', 'server.js');
const ELECTRONS = 500;
const LATTICES = 100;
const OPEN_RUNS = 15;
const EDIT_RUNS = 40;
const MEMORY_FILES = 200;

/** A realistic module: imports, helpers, electrons with docstrings and bodies, lattices calling them. */
function generateWorkflowFile(seed: number): string {
  const lines = ['"""Generated benchmark workflows."""', 'import math', 'import covalent as ct', '', `SEED = ${seed}`, ''];
  for (let i = 0; i < ELECTRONS; i++) {
    lines.push(
      '',
      i % 5 === 0 ? `@ct.electron(executor="local")` : '@ct.electron',
      `def task_${i}(x, factor=${i % 7}):`,
      `    """Task ${i}: scales and shifts its input."""`,
      `    scaled = x * factor + ${i}`,
      `    shifted = math.sqrt(abs(scaled)) if scaled else 0.0`,
      `    result = shifted + len(str(x))`,
      `    return result`,
      '',
    );
  }
  for (let j = 0; j < LATTICES; j++) {
    lines.push('', '@ct.lattice', `def workflow_${j}(x, y=1):`, `    """Workflow ${j}."""`);
    for (let k = 0; k < 5; k++) lines.push(`    r${k} = task_${(j * 5 + k) % ELECTRONS}(${k === 0 ? 'x' : `r${k - 1}`}, ${k + 1})`);
    lines.push('    # Gather the partial results, then fold them.', '    values = [r0, r1, r2, r3, r4]', '    assert len(values) == 5', '    if y > 1:', '        values.append(task_0(y))', '    total = values[0]', '    for value in values[1:]:', '        total = task_1(total, 2)', '    total = task_2(total, 3)', '    return total', '');
  }
  lines.push('', 'if __name__ == "__main__":', '    print(ct.dispatch(workflow_0)(1, 2))', '');
  return lines.join('\n');
}


/** CPython parsing and walking the same text, timed inside Python (no process start-up counted). */
function cpythonMilliseconds(file: string, runs: number): number {
  const python = [path.join(repoRoot, '.cache', 'venv', 'bin', 'python'), 'python3'].find((candidate) => candidate === 'python3' || fs.existsSync(candidate))!;
  const script = [
    'import ast, json, statistics, sys, time',
    'source = open(sys.argv[1], encoding="utf-8").read()',
    'times = []',
    'for _ in range(int(sys.argv[2])):',
    '    start = time.perf_counter()',
    '    tree = ast.parse(source)',
    '    count = sum(1 for _ in ast.walk(tree))',
    '    times.append((time.perf_counter() - start) * 1000)',
    'print(json.dumps({"median": statistics.median(times), "nodes": count, "version": sys.version.split()[0]}))',
  ].join('\n');
  const output = JSON.parse(execFileSync(python, ['-c', script, file, String(runs)], { encoding: 'utf8' })) as { median: number; nodes: number; version: string };
  console.log(`CPython ${output.version} ast.parse + ast.walk (${output.nodes} nodes): median of ${runs} ${output.median.toFixed(2)} ms`);
  return output.median;
}

/** The server's parser (dist/'s WebAssembly files) parsing the whole text, as on open; two warm-up parses. */
async function parseMilliseconds(text: string, runs: number): Promise<number> {
  const parser = await createPythonParser(wasmBesides(path.dirname(SERVER)));
  const times: number[] = [];
  for (let run = 0; run < runs + 2; run++) {
    const start = performance.now();
    const tree = parser.parse(text);
    const elapsed = performance.now() - start;
    tree?.delete();
    if (run >= 2) times.push(elapsed);
  }
  parser.delete();
  return median(times);
}

function residentMegabytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: npm run build`);
  const text = generateWorkflowFile(0);
  const lineCount = text.split('\n').length;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bench-'));
  const file = path.join(folder, 'generated.py');
  fs.writeFileSync(file, text);
  console.log(`generated file: ${lineCount} lines, ${ELECTRONS} electrons, ${LATTICES} lattices, ${text.length} characters`);

  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { indexWorkspace: false } });
  await connection.sendNotification(InitializedNotification.type, {});
  const lenses = (uri: string) => connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }) as Promise<CodeLens[]>;

  // Open → CodeLens, each time a document the server has never seen.
  const openTimes: number[] = [];
  for (let run = 0; run < OPEN_RUNS + 2; run++) {
    const uri = `file:///bench/open_${run}.py`;
    const start = performance.now();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
    const answer = await lenses(uri);
    const elapsed = performance.now() - start;
    if (answer.length !== LATTICES * 3) throw new Error(`expected ${LATTICES * 3} lenses, got ${answer.length}`);
    if (run >= 2) openTimes.push(elapsed); // the first two warm up the JIT
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  // One-line edit → CodeLens: change a call's argument inside a different lattice each time.
  const editUri = 'file:///bench/edit.py';
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: editUri, languageId: 'python', version: 1, text } });
  await lenses(editUri);
  const lines = text.split('\n');
  const editableLines = lines.flatMap((line, index) => (/^ {4}r2 = task_\d+\(r1, 3\)$/.test(line) ? [index] : []));
  const editTimes: number[] = [];
  for (let run = 0; run < EDIT_RUNS + 2; run++) {
    const line = editableLines[(run * 37) % editableLines.length] ?? 0;
    const character = (lines[line] ?? '').length - 2; // the "3" of ", 3)"
    const start = performance.now();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: editUri, version: run + 2 },
      contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 1 } }, text: String((run % 9) + 1) }],
    });
    const answer = await lenses(editUri);
    const elapsed = performance.now() - start;
    if (answer.length !== LATTICES * 3) throw new Error(`expected ${LATTICES * 3} lenses after the edit, got ${answer.length}`);
    if (run >= 2) editTimes.push(elapsed);
  }
  await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: editUri } });

  const cpython = cpythonMilliseconds(file, OPEN_RUNS);
  const parse = await parseMilliseconds(text, OPEN_RUNS);
  const open = median(openTimes);
  const edit = median(editTimes);
  console.log(`didOpen → CodeLens: median of ${OPEN_RUNS} ${open.toFixed(2)} ms = ${(open / cpython).toFixed(2)}× CPython (goal ≤ 0.5×)`);
  console.log(`floor: tree-sitter's parse alone: median of ${OPEN_RUNS} ${parse.toFixed(2)} ms = ${(parse / cpython).toFixed(2)}× CPython; open → CodeLens is ${(open / parse).toFixed(2)}× the parse`);
  console.log(`one-line didChange → CodeLens: median of ${EDIT_RUNS} ${edit.toFixed(2)} ms = ${(edit / cpython).toFixed(3)}× CPython (goal ≤ 0.1×)`);

  // Memory: 200 such files open at once (each slightly different), all analysed.
  const before = residentMegabytes(child.pid!);
  for (let index = 0; index < MEMORY_FILES; index++) {
    const uri = `file:///bench/memory_${index}.py`;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: generateWorkflowFile(index) } });
    await lenses(uri);
  }
  const after = residentMegabytes(child.pid!);
  console.log(`server resident memory: ${before.toFixed(0)} MB with no file open, ${after.toFixed(0)} MB with ${MEMORY_FILES} such files open (${((after - before) / MEMORY_FILES).toFixed(2)} MB per file)`);

  connection.dispose();
  child.kill();
  fs.rmSync(folder, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
