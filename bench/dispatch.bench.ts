/**
 * Dispatch latency: command → dispatch id for the seed workflow (redispatch_howto's
 * `workflow(1, 2)`), through the warm Python bridge, against the anchor a user has
 * without the extension: `python -c "import covalent as ct; from redispatch_howto
 * import workflow; print(ct.dispatch(workflow)(1, 2))"` from a terminal.
 *
 * Same run, same real Covalent server (started here with the test harness's
 * venv), median of 10 each. The bridge side is driven from Node through the
 * bridge layer the extension uses (BridgePool → the bridge package over
 * JSON-RPC); the VS Code command adds only an in-process call on top.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';
import { promisify } from 'util';
import { BridgePool } from '../src/bridge/bridgePool';
import { harness } from '../test/support/harness';
import { median, percentile } from './stats';

const runProcess = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');
const RUNS = 10;
const CHILD_RUNS = 50;

/** A warm Python process that imported covalent once and dispatches RUNS times, each timed in-process. */
const IN_PROCESS_SDK = [
  'import json, sys, time',
  'import covalent as ct',
  'from redispatch_howto import workflow',
  'ct.dispatch(workflow)(1, 2)  # warm: the first dispatch of the process is not counted',
  'times = []',
  'for _ in range(int(sys.argv[1])):',
  '    started = time.perf_counter()',
  '    ct.dispatch(workflow)(1, 2)',
  '    times.append((time.perf_counter() - started) * 1000)',
  'print(json.dumps(times))',
].join('\n');

function format(values: readonly number[]): string {
  return `median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}, n=${values.length})`;
}

async function main(): Promise<void> {
  const { ensurePythonEnv } = harness('pythonEnv');
  const { CovalentServer } = harness('covalentServer');
  const python = ensurePythonEnv();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bench-dispatch-'));
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true, filter: (source) => !source.includes('__pycache__') });
  const server = await CovalentServer.create({ python, home: path.join(runDir, 'covalent') });
  process.once('exit', () => server.killProcessGroup());
  await server.start();
  const pool = new BridgePool(path.join(repoRoot, 'src', 'bridge', 'python', 'covalent_bridge'), { info: () => undefined, warn: console.warn, error: console.error }, server.env);
  try {
    const file = path.join(workspace, 'redispatch_howto.py');
    const dispatchThroughBridge = async () => {
      const started = performance.now();
      const { dispatchId } = await pool.request(python, 'dispatch', { file, lattice: 'workflow', args: '1, 2', dispatcherAddress: server.address });
      const elapsed = performance.now() - started;
      if (!/^[0-9a-f-]{36}$/.test(dispatchId)) throw new Error(`not a dispatch id: ${dispatchId}`);
      return elapsed;
    };
    // Warm: the bridge has imported covalent once, as after the first dispatch in an editor session.
    const coldStart = performance.now();
    await pool.get(python).ready;
    await dispatchThroughBridge();
    const cold = performance.now() - coldStart;

    const script = 'import covalent as ct; from redispatch_howto import workflow; print(ct.dispatch(workflow)(1, 2))';
    const dispatchFromTerminal = async () => {
      const started = performance.now();
      const { stdout } = await runProcess(python, ['-c', script], { cwd: workspace, env: { ...server.env, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 120000 });
      const elapsed = performance.now() - started;
      if (!/^[0-9a-f-]{36}$/m.test(stdout.trim())) throw new Error(`python -c printed no dispatch id: ${stdout}`);
      return elapsed;
    };

    // Interleaved, so both sides see the same server load.
    const bridge: number[] = [];
    const terminal: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      bridge.push(await dispatchThroughBridge());
      terminal.push(await dispatchFromTerminal());
    }
    const { stdout: sdkOut } = await runProcess(python, ['-c', IN_PROCESS_SDK, String(RUNS)], { cwd: workspace, env: { ...server.env, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 300000 });
    const inProcess = JSON.parse(sdkOut.trim().split('\n').pop() ?? '[]') as number[];

    // A request's own process: `checkInputs` runs in one (forked from the fork server), `initialize` in the bridge itself.
    const roundTrip: number[] = [];
    const withChild: number[] = [];
    for (let run = 0; run < CHILD_RUNS; run++) {
      let started = performance.now();
      await pool.request(python, 'initialize', {});
      roundTrip.push(performance.now() - started);
      started = performance.now();
      await pool.request(python, 'checkInputs', { args: '1, 2' });
      withChild.push(performance.now() - started);
    }
    const speedup = median(terminal) / median(bridge);
    console.log(`server: real Covalent ${server.address}; interpreter: ${python}`);
    console.log('warm bridge driven from Node through the extension\'s bridge layer (BridgePool → the bridge package, JSON-RPC over stdio)');
    console.log(`dispatch → id, warm bridge:             ${format(bridge)}`);
    console.log(`anchor: python -c "…ct.dispatch(workflow)(1, 2)" from a terminal: ${format(terminal)}`);
    console.log(`warm in-process SDK (one python, covalent imported once, ct.dispatch timed inside): ${format(inProcess)}`);
    console.log(`first dispatch of a session (bridge start + import covalent + dispatch): ${cold.toFixed(0)} ms`);
    console.log(
      `a request's own process: request in a child ${median(withChild).toFixed(1)} ms median, ${percentile(withChild, 95).toFixed(1)} ms p95; ` +
        `in the bridge itself ${median(roundTrip).toFixed(1)} ms median, ${percentile(roundTrip, 95).toFixed(1)} ms p95 (n=${CHILD_RUNS}); ` +
        `the child costs ${(median(withChild) - median(roundTrip)).toFixed(1)} ms median`,
    );
    console.log(`speed-up (median anchor / median warm bridge): ${speedup.toFixed(1)}× (goal: at least 5×)`);
  } finally {
    await pool.stopAll();
    await server.stop().catch((error: Error) => console.warn(`stopping the server: ${error.message}`));
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
