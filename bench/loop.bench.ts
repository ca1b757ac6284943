/**
 * The edit → redispatch loop: a workflow of 20 chained tasks of about 1 s each;
 * the last task's source is edited; the time from Redispatch (the changed
 * electron pre-selected the way the command does it, reuse on) to COMPLETED,
 * next to a fresh dispatch of the edited workflow. Same run, same real server
 * (its own, stopped however the run ends), the extension's bridge layer and
 * REST client; a few rounds, interleaved.
 *
 * Saving the edit prepares the comparison as the editor does (ElectronComparisons);
 * the click then only checks the text. The bridge reaches the server through a
 * timing proxy, so the redispatch request splits into the server's POST, the
 * bridge's own overhead (an isolated request that imports nothing) and the SDK
 * on the client (the rest).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { BridgePool } from '../src/bridge/bridgePool';
import { CovalentClient } from '../src/covalent/client';
import { ElectronComparisons } from '../src/dispatch/electronComparisons';
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

/** A proxy in front of the server that times the requests whose path matches `timed`. */
async function timingProxy(target: string, timed: RegExp): Promise<{ address: string; durations: number[]; close: () => void }> {
  const upstream = new URL(target);
  const durations: number[] = [];
  const proxy = http.createServer((request, response) => {
    const started = performance.now();
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        answer.on('end', () => {
          if (request.method === 'POST' && timed.test(request.url ?? '')) durations.push(performance.now() - started);
        });
      },
    );
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  return { address: `http://127.0.0.1:${port}`, durations, close: () => proxy.close() };
}

benchmarkWithServer('loop', async (server) => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bench-loop-'));
  const file = path.join(workspace, 'chain.py');
  const pool = new BridgePool(path.join(repoRoot, 'src', 'bridge', 'python', 'covalent_bridge'), { info: () => undefined, warn: console.warn, error: console.error }, server.env);
  const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 10000 });
  const source = { file, workspaceFolders: [workspace] };
  const proxy = await timingProxy(server.address, /\/redispatches(\?|$)/);
  const comparisons = new ElectronComparisons({
    fileElectrons: async (path) => {
      const text = fs.readFileSync(path, 'utf8');
      const { electrons } = await pool.request(python, 'electrons', { file: path, workspaceFolders: [workspace] });
      return { text, electrons };
    },
    taskSources: (dispatchId) => client.details.taskSources(dispatchId),
  });

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
    const phases = { atSave: [] as number[], preselect: [] as number[], request: [] as number[], post: [] as number[], bridge: [] as number[], server: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // The workflow as dispatched, then the last task edited (alternating, so each round has an edit).
      fs.writeFileSync(file, workflowSource(round % 2 === 0 ? 1 : 2));
      const { dispatchId: parent } = await pool.request(python, 'dispatch', { ...source, lattice: 'chain', args: '', dispatcherAddress: server.address });
      await completed(parent);
      const edited = workflowSource(round % 2 === 0 ? 2 : 1);
      fs.writeFileSync(file, edited);
      // Saving: the editor compares the file with its dispatches then (a person clicks later).
      const saving = performance.now();
      await comparisons.saved(file, [parent]);
      phases.atSave.push(performance.now() - saving);
      // The bridge's own share of a request: an isolated request that imports nothing.
      const bare = performance.now();
      await pool.request(python, 'checkInputs', { args: '' });
      phases.bridge.push(performance.now() - bare);

      // What Redispatch… does at the click: the comparison (ready since the save), the changed electrons pre-selected.
      const started = performance.now();
      const { changed } = await comparisons.compare(file, edited, parent);
      if (changed.join() !== 'last_step') throw new Error(`expected last_step to be pre-selected, got ${changed.join(', ')}`);
      const preselected = performance.now();
      const posts = proxy.durations.length;
      const { dispatchId } = await pool.request(python, 'redispatch', {
        ...source,
        dispatchId: parent,
        dispatcherAddress: proxy.address,
        replaceElectrons: Object.fromEntries(changed.map((name) => [name, name])),
        reusePreviousResults: true,
      });
      const submitted = performance.now();
      await completed(dispatchId);
      redispatch.push(performance.now() - started);
      phases.preselect.push(preselected - started);
      phases.request.push(submitted - preselected);
      if (proxy.durations.length !== posts + 1) throw new Error(`expected one redispatch POST through the proxy, saw ${proxy.durations.length - posts}`);
      phases.post.push(proxy.durations.at(-1) ?? 0);
      phases.server.push(performance.now() - submitted);

      fresh.push(await freshDispatch());
      console.log(`round ${round + 1}: redispatch ${seconds(redispatch.at(-1) ?? 0)}, fresh dispatch ${seconds(fresh.at(-1) ?? 0)}`);
    }
    const ratio = median(redispatch) / median(fresh);
    console.log(`server: real Covalent ${server.address}; ${TASKS} chained tasks of ~1 s; last task edited`);
    console.log(`redispatch (changed electron pre-selected, reuse on) → COMPLETED: median ${seconds(median(redispatch))}`);
    const request = median(phases.request);
    const post = median(phases.post);
    const bridge = median(phases.bridge);
    console.log(
      `  of which: pre-selecting the changed electron ${seconds(median(phases.preselect))} (prepared at save: ${seconds(median(phases.atSave))} before the click), redispatch request ${seconds(request)}, server until COMPLETED ${seconds(median(phases.server))}`,
    );
    console.log(`  the redispatch request: server's POST ${seconds(post)}, bridge ${seconds(bridge)}, SDK on the client ${seconds(Math.max(0, request - post - bridge))}`);
    console.log(`anchor: fresh dispatch of the edited workflow → COMPLETED:          median ${seconds(median(fresh))}`);
    console.log(`  of which: dispatch request (bridge + SDK) ${seconds(median(freshRequest))}`);
    console.log(`ratio (median redispatch / median fresh): ${ratio.toFixed(3)}× (goal: at most ${GOAL}×)`);
  } finally {
    proxy.close();
    await pool.stopAll();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
