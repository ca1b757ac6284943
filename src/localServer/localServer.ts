import { spawn } from 'child_process';

/**
 * The local Covalent server: is anything answering, and `covalent start` /
 * `covalent stop` run with the chosen interpreter's environment. No `vscode`.
 */

export const DEFAULT_PORT = 48008;

/** True when `address` is this machine's default Covalent address (the only one we offer to start). */
export function isDefaultLocalAddress(address: string): boolean {
  try {
    const url = new URL(address);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) && port === DEFAULT_PORT;
  } catch {
    return false;
  }
}

/** A local address's port (what `covalent start --port` gets). */
export function portOf(address: string): number {
  const url = new URL(address);
  return url.port ? Number(url.port) : DEFAULT_PORT;
}

export function isLocalAddress(address: string): boolean {
  try {
    return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(address).hostname);
  } catch {
    return false;
  }
}

/** The server's client (its token included): a local server behind a proxy answers only with it. */
export interface Pingable {
  ping(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/** Does a Covalent dispatcher answer? */
export async function isServerAnswering(server: Pingable, timeoutMs = 2000): Promise<boolean> {
  try {
    await server.ping({ timeoutMs });
    return true;
  } catch {
    return false;
  }
}

export async function waitUntilAnswering(server: Pingable, timeoutMs: number, isCancelled: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !isCancelled()) {
    if (await isServerAnswering(server, 1000)) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

export interface CliResult {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Runs Covalent's CLI with `python` (`python -m covalent_dispatcher._cli.cli …`,
 * the module behind the `covalent` script, so no PATH lookup is needed).
 */
export function runCovalentCli(python: string, args: readonly string[], onLine: (line: string) => void, timeoutMs = 120000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'covalent_dispatcher._cli.cli', ...args], {
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split(/\r?\n/)) if (line.trim()) onLine(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}${error.message}` });
    });
    // 'exit', not 'close': `covalent start` leaves a server behind that inherits the pipes.
    child.on('exit', (code) => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code, output });
    });
  });
}
