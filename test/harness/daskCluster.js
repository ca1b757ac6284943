// A standalone Dask cluster on loopback: a scheduler and N workers from the
// virtual environment's `distributed`, on free ports, no dashboards, no nannies.
// Each process gets a process group of its own; `kill()` ends them all at once.
// Used by integration tests (started once per run, by the first test that
// needs it), by `npm start --cluster` and by `npm run bench -- cluster`.
//
// Stopping however the run ends: the owner kills it on exit and signals, and
// writes the process groups to a record file (`recordFile`) that the process
// which started the owner (runAll.js for the extension host) kills at its end
// too (`killRecorded`). Workers die on their own when the scheduler is gone
// (`--death-timeout`), and a scheduler left idle too long exits (`idleTimeout`).
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const { freePort, waitUntil } = require('./covalentServer');
const { log } = require('./paths');

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

class DaskCluster {
  /**
   * @param {{ python: string, home: string, workers?: number, threadsPerWorker?: number, env?: NodeJS.ProcessEnv, idleTimeout?: string, recordFile?: string }} options
   */
  constructor(options) {
    this.python = options.python;
    this.home = options.home;
    this.workerCount = options.workers ?? 2;
    this.threadsPerWorker = options.threadsPerWorker ?? 2;
    this.idleTimeout = options.idleTimeout;
    this.recordFile = options.recordFile;
    this.env = { ...(options.env ?? process.env), DASK_TEMPORARY_DIRECTORY: path.join(this.home, 'scratch') };
    this.processGroups = [];
    this.workerAddresses = [];
    this.schedulerAddress = undefined;
    this.output = '';
  }

  /** Starts the scheduler, then the workers; resolves once every worker has registered. */
  static async start(options) {
    const cluster = new DaskCluster(options);
    try {
      await cluster.startProcesses(options.timeoutMs ?? 90000);
    } catch (error) {
      cluster.kill();
      throw error;
    }
    return cluster;
  }

  bin(name) {
    return path.join(path.dirname(this.python), name);
  }

  spawn(name, args) {
    const child = spawn(this.bin(name), args, { cwd: this.home, env: this.env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.processGroups.push(child.pid);
    this.record();
    child.stderr.on('data', (chunk) => {
      // Keep the tail only: it is for error messages.
      this.output = (this.output + chunk.toString()).slice(-20000);
    });
    return child;
  }

  async startProcesses(timeoutMs) {
    const started = Date.now();
    fs.mkdirSync(path.join(this.home, 'scratch'), { recursive: true });
    const port = await freePort();
    this.schedulerAddress = `tcp://127.0.0.1:${port}`;
    const schedulerArgs = ['--host', '127.0.0.1', '--port', String(port), '--no-dashboard', '--no-show'];
    if (this.idleTimeout) schedulerArgs.push('--idle-timeout', this.idleTimeout);
    const scheduler = this.spawn('dask-scheduler', schedulerArgs);
    const exited = new Promise((resolve) => scheduler.on('exit', (code) => resolve(code)));
    await Promise.race([
      waitUntil(() => canConnect(port), timeoutMs, `the Dask scheduler at ${this.schedulerAddress}`),
      exited.then((code) => {
        throw new Error(`dask-scheduler exited with ${code}:\n${this.output}`);
      }),
    ]);
    const registrations = [];
    for (let index = 0; index < this.workerCount; index++) {
      const workerPort = await freePort();
      const address = `tcp://127.0.0.1:${workerPort}`;
      this.workerAddresses.push(address);
      const worker = this.spawn('dask-worker', [
        this.schedulerAddress,
        '--host', '127.0.0.1',
        '--worker-port', String(workerPort),
        '--nthreads', String(this.threadsPerWorker),
        '--name', `worker-${index + 1}`,
        '--no-dashboard',
        '--no-nanny',
        '--death-timeout', '30',
        '--local-directory', path.join(this.home, 'scratch'),
      ]);
      registrations.push(
        new Promise((resolve, reject) => {
          let seen = '';
          const timer = setTimeout(() => reject(new Error(`worker ${address} did not register within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
          worker.stderr.on('data', (chunk) => {
            seen += chunk.toString();
            if (/Registered to:/.test(seen)) {
              clearTimeout(timer);
              resolve();
            }
          });
          worker.on('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`dask-worker ${address} exited with ${code}:\n${this.output}`));
          });
        }),
      );
    }
    await Promise.all(registrations);
    log(`Dask cluster: scheduler ${this.schedulerAddress}, workers ${this.workerAddresses.join(', ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  /** What a test or the editor needs to know about it. */
  describe() {
    return { schedulerAddress: this.schedulerAddress, workerAddresses: [...this.workerAddresses] };
  }

  record() {
    if (!this.recordFile) return;
    fs.writeFileSync(this.recordFile, JSON.stringify({ processGroups: this.processGroups, ...this.describe() }));
  }

  /** Ends every process of the cluster at once (synchronous: usable in exit handlers). */
  kill() {
    for (const pid of this.processGroups.splice(0)) killGroup(pid, 'SIGKILL');
    if (this.recordFile) fs.rmSync(this.recordFile, { force: true });
  }
}

/** Kills a cluster some other process started and recorded in `recordFile` (when it did not stop it itself). */
function killRecorded(recordFile) {
  if (!fs.existsSync(recordFile)) return false;
  try {
    const { processGroups } = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    for (const pid of processGroups ?? []) killGroup(pid, 'SIGKILL');
  } catch {
    // A half-written record: nothing more to do.
  }
  fs.rmSync(recordFile, { force: true });
  return true;
}

module.exports = { DaskCluster, killRecorded };
