import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { harness, type HarnessServer } from '../test/support/harness';
import { ServerConnections } from '../src/covalent/connections';
import { openSocketChannel } from '../src/live/statusChannel';
import { StatusPoller } from '../src/live/statusPoller';
import type { DispatchStore } from '../src/store/dispatchStore';

/**
 * What the status benchmarks share: a real Covalent server of their own (the
 * test harness's `CovalentServer`, isolated home, free port), the venv Python to
 * dispatch with, the poller as the extension runs it, and small statistics.
 */
export const repoRoot = path.resolve(__dirname, '..', '..');
export const python = process.env.COVALENT_BENCH_PYTHON ?? path.join(repoRoot, '.cache', 'venv', 'bin', 'python');
export const examples = path.join(repoRoot, 'examples');


export async function startServer(name: string): Promise<HarnessServer> {
  const { CovalentServer } = harness('covalentServer');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `covalent-bench-${name}-`));
  const server = await CovalentServer.create({ python, home });
  await server.start();
  const stop = () => server.killProcessGroup();
  process.once('exit', stop);
  // Interrupted benchmarks must not leave a server behind: exit runs `stop`.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  return server;
}

/**
 * Runs a status benchmark against a server of its own (`startServer(name)`),
 * stopped however the benchmark ends; a failure prints its error and exits 1.
 */
export function benchmarkWithServer(name: string, measure: (server: HarnessServer) => Promise<void>): void {
  const run = async () => {
    const server = await startServer(name);
    try {
      await measure(server);
    } finally {
      await server.stop();
    }
  };
  run().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

/**
 * Runs a Python script with Covalent against `server`; calls `onLine` for each
 * line it prints (flushed), resolves when it exits.
 */
export function runPython(server: HarnessServer, script: string, args: string[], onLine: (line: string) => void = () => undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-u', '-c', script, server.address, ...args], {
      cwd: examples,
      env: { ...server.env, PYTHONPATH: examples },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, newline).trim());
        buffered = buffered.slice(newline + 1);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited with ${code}: ${stderr.slice(-2000)}`))));
  });
}

/**
 * The poller as the extension runs it at its quick 500 ms interval, socket.io
 * channel included, with clients of its own (no token, a 10 s request timeout).
 */
export function statusPoller(store: DispatchStore, address: string): StatusPoller {
  const options = { address, requestTimeoutMs: 10000, pollIntervalMs: 500 };
  const connections = new ServerConnections({ timeoutMs: () => options.requestTimeoutMs });
  return new StatusPoller({ store, connections, openChannel: openSocketChannel }, options);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
