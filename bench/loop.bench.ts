/**
 * The edit → redispatch loop: a workflow of 20 chained tasks of about 1 s each;
 * the last task's source is edited; the time from Redispatch (the changed
 * electron pre-selected the way the command does it, reuse on) to COMPLETED,
 * next to a fresh dispatch of the edited workflow. Same run, same real server
 * (its own, stopped however the run ends), the extension's bridge layer and
 * REST client; a few rounds, interleaved.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgePool } from '../src/bridge/bridgePool';
import { CovalentClient } from '../src/covalent/client';
import { changedElectrons } from '../src/dispatch/electronChanges';
import { median } from './stats';
import { benchmarkWithServer, python, repoRoot, sleep } from './statusSupport';

const ROUNDS = 5;
const TASKS = 20;
const GOAL = 0.15;

function workflowSource(lastIncrement: number): string {
  return [
    'import time',
    '',
    'import covalent as ct',
    '',
    '',
    '@ct.electron',
    'def step(x):',
    '    time.sleep(1)',
    '    return x + 1',
    '',
    '',
    '@ct.electron',
    'def last_step(x):',
    '    time.sleep(1)',
    `    return x + ${lastIncrement}`,
    '',
    '',
    '@ct.lattice',
    'def chain(start=0):',
    '    value = start',
    `    for _ in range(${TASKS - 1}):`,
    '        value = step(value)',
    '    return last_step(value)',
    '',
  ].join('\n');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

benchmarkWithServer('loop', async (server) => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bench-loop-'));
  const file = path.join(workspace, 'chain.py');
  const pool = new BridgePool(path.join(repoRoot, 'src', 'bridge', 'python', 'covalent_bridge'), { info: () => undefined, warn: console.warn, error: console.error }, server.env);
  const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 10000 });
  const source = { file, workspaceFolders: [workspace] };

  async function completed(dispatchId: string): Promise<void> {
    for (;;) {
      const status = (await client.statuses([dispatchId])).get(dispatchId);
      if (status === 'COMPLETED') return;
      if (status === 'FAILED' || status === 'CANCELLED' || status === 'POSTPROCESSING_FAILED') throw new Error(`${dispatchId} ended ${status}`);
      await sleep(50);
    }
  }

  const freshRequest: number[] = [];
  async function freshDispatch(): Promise<number> {
    const started = performance.now();
    const { dispatchId } = await pool.request(python, 'dispatch', { ...source, lattice: 'chain', args: '', dispatcherAddress: server.address });
    freshRequest.push(performance.now() - started);
    await completed(dispatchId);
    return performance.now() - started;
  }

  try {
    const fresh: number[] = [];
    const redispatch: number[] = [];
    // Where a redispatch's time goes: comparing electrons, the SDK's redispatch call, the server's run.
    const phases = { preselect: [] as number[], request: [] as number[], server: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // The workflow as dispatched, then the last task edited (alternating, so each round has an edit).
      fs.writeFileSync(file, workflowSource(round % 2 === 0 ? 1 : 2));
      const { dispatchId: parent } = await pool.request(python, 'dispatch', { ...source, lattice: 'chain', args: '', dispatcherAddress: server.address });
      await completed(parent);
      fs.writeFileSync(file, workflowSource(round % 2 === 0 ? 2 : 1));

      // What Redispatch… does: compare the file's electrons with the stored sources, pre-select the changed ones.
      const started = performance.now();
      const [{ electrons }, stored] = await Promise.all([pool.request(python, 'electrons', source), client.details.taskSources(parent)]);
      const changed = changedElectrons(electrons, stored);
      if (changed.join() !== 'last_step') throw new Error(`expected last_step to be pre-selected, got ${changed.join(', ')}`);
      const preselected = performance.now();
      const { dispatchId } = await pool.request(python, 'redispatch', {
        ...source,
        dispatchId: parent,
        dispatcherAddress: server.address,
        replaceElectrons: Object.fromEntries(changed.map((name) => [name, name])),
        reusePreviousResults: true,
      });
      const submitted = performance.now();
      await completed(dispatchId);
      redispatch.push(performance.now() - started);
      phases.preselect.push(preselected - started);
      phases.request.push(submitted - preselected);
      phases.server.push(performance.now() - submitted);

      fresh.push(await freshDispatch());
      console.log(`round ${round + 1}: redispatch ${seconds(redispatch.at(-1) ?? 0)}, fresh dispatch ${seconds(fresh.at(-1) ?? 0)}`);
    }
    const ratio = median(redispatch) / median(fresh);
    console.log(`server: real Covalent ${server.address}; ${TASKS} chained tasks of ~1 s; last task edited`);
    console.log(`redispatch (changed electron pre-selected, reuse on) → COMPLETED: median ${seconds(median(redispatch))}`);
    console.log(
      `  of which: pre-selecting the changed electron ${seconds(median(phases.preselect))}, redispatch request (bridge + SDK) ${seconds(median(phases.request))}, server until COMPLETED ${seconds(median(phases.server))}`,
    );
    console.log(`anchor: fresh dispatch of the edited workflow → COMPLETED:          median ${seconds(median(fresh))}`);
    console.log(`  of which: dispatch request (bridge + SDK) ${seconds(median(freshRequest))}`);
    console.log(`ratio (median redispatch / median fresh): ${ratio.toFixed(3)}× (goal: at most ${GOAL}×)`);
  } finally {
    await pool.stopAll();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
