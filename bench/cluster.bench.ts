/**
 * Fan-out on a cluster: a workflow of 64 independent tasks of about 0.5 s each
 * (examples/cluster_fanout.py, `time.sleep`), dispatched through the bridge with
 * the executor chosen at dispatch (the code unchanged): the `local` executor
 * (the server runs the tasks itself) next to a `cluster` profile on a standalone
 * Dask cluster of two workers (two threads each) on loopback. Same run, same
 * real server (its own), rounds interleaved; wall time from the dispatch request
 * to COMPLETED.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgePool } from '../src/bridge/bridgePool';
import type { ExecutorChoiceParams } from '../src/bridge/protocol';
import { CovalentClient } from '../src/covalent/client';
import { harness } from '../test/support/harness';
import { median } from './stats';
import { benchmarkWithServer, examples, python, repoRoot, sleep } from './statusSupport';

const ROUNDS = 3;
const TASKS = 64;
const SECONDS = 0.5;
const WORKERS = 2;
const THREADS = 2;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

benchmarkWithServer('cluster', async (server) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bench-cluster-'));
  const { DaskCluster } = harness('daskCluster');
  const cluster = await DaskCluster.start({ python, home: path.join(home, 'dask'), env: server.env, workers: WORKERS, threadsPerWorker: THREADS });
  process.once('exit', () => cluster.kill());
  const pool = new BridgePool(path.join(repoRoot, 'src', 'bridge', 'python', 'covalent_bridge'), { info: () => undefined, warn: console.warn, error: console.error }, server.env);
  const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 10000 });
  const workspace = path.join(home, 'workspace');
  fs.mkdirSync(workspace);
  fs.copyFileSync(path.join(examples, 'cluster_fanout.py'), path.join(workspace, 'cluster_fanout.py'));
  const source = { file: path.join(workspace, 'cluster_fanout.py'), workspaceFolders: [workspace] };
  const choices: Record<'local' | 'cluster', ExecutorChoiceParams> = {
    local: { all: { label: 'local', plugin: 'local', args: {}, profile: false } },
    cluster: { all: { label: 'cluster', plugin: 'dask', args: { scheduler_address: cluster.schedulerAddress, cache_dir: path.join(home, 'results') }, profile: true } },
  };

  async function run(where: 'local' | 'cluster'): Promise<{ ms: number; workers: number }> {
    const started = performance.now();
    const { dispatchId } = await pool.request(python, 'dispatch', { ...source, lattice: 'fan_out', args: `tasks=${TASKS}, seconds=${SECONDS}`, dispatcherAddress: server.address, executors: choices[where] });
    for (;;) {
      const status = (await client.statuses([dispatchId])).get(dispatchId);
      if (status === 'COMPLETED') break;
      if (status === 'FAILED' || status === 'CANCELLED' || status === 'POSTPROCESSING_FAILED') throw new Error(`${where}: ${dispatchId} ended ${status}`);
      await sleep(50);
    }
    const ms = performance.now() - started;
    // Where the tasks ran, as they said: the gathering task's result lists the workers' addresses.
    const answer = (await client.details.workflow(dispatchId)).fields.result.text;
    return { ms, workers: new Set(answer.match(/tcp:\/\/[\d.]+:\d+/g) ?? []).size };
  }

  try {
    const times = { local: [] as number[], cluster: [] as number[] };
    let clusterWorkers = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const local = await run('local');
      const onCluster = await run('cluster');
      times.local.push(local.ms);
      times.cluster.push(onCluster.ms);
      clusterWorkers = Math.max(clusterWorkers, onCluster.workers);
      console.log(`round ${round + 1}: local ${seconds(local.ms)}, cluster ${seconds(onCluster.ms)} (on ${onCluster.workers} worker(s))`);
    }
    const local = median(times.local);
    const onCluster = median(times.cluster);
    console.log(`server: real Covalent ${server.address}; cluster: scheduler ${cluster.schedulerAddress}, ${WORKERS} workers × ${THREADS} threads on this ${os.cpus().length}-core machine`);
    console.log(`${TASKS} independent tasks of ~${SECONDS} s (sleep) and one that gathers them; dispatch request → COMPLETED, median of ${ROUNDS}:`);
    console.log(`  local executor (anchor):     ${seconds(local)}`);
    console.log(`  two-worker cluster profile:  ${seconds(onCluster)} (tasks ran on ${clusterWorkers} worker(s))`);
    console.log(`ratio (local / cluster): ${(local / onCluster).toFixed(2)}× faster on the cluster`);
  } finally {
    await pool.stopAll();
    cluster.kill();
    fs.rmSync(home, { recursive: true, force: true });
  }
});
