import * as path from 'path';
import { harness, type HarnessDaskCluster } from '../../support/harness';
import { testEnvironment } from './env';

/**
 * The harness's Dask cluster (a scheduler and two workers on loopback), started
 * by the first test that asks for it, once per run, and stopped when the suite
 * ends (`stopDaskCluster`, from the suite's entry point). Its process groups are
 * recorded in the run's folder, so the harness kills them too if this extension
 * host dies first.
 */
let starting: Promise<HarnessDaskCluster> | undefined;

export function daskCluster(): Promise<HarnessDaskCluster> {
  starting ??= (async () => {
    const env = testEnvironment();
    const runDir = process.env.COVALENT_TEST_RUN_DIR ?? path.dirname(env.serverHome);
    const { DaskCluster } = harness('daskCluster');
    const cluster = await DaskCluster.start({
      python: env.python,
      home: path.join(runDir, 'dask'),
      // The server's isolated folders: the workers import Covalent too.
      env: process.env,
      recordFile: path.join(runDir, 'dask-cluster.json'),
      // A scheduler nobody stops (a killed harness) leaves on its own; workers follow it.
      idleTimeout: '600s',
    });
    process.once('exit', () => cluster.kill());
    return cluster;
  })();
  return starting;
}

/** Stops the cluster if a test started it. */
export async function stopDaskCluster(): Promise<void> {
  const cluster = await starting?.catch(() => undefined);
  starting = undefined;
  cluster?.kill();
}
