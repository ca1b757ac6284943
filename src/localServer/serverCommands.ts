import * as vscode from 'vscode';
import type { Core } from '../core';
import { chooseInterpreter } from '../interpreter/interpreter';
import { isLocalAddress, isServerAnswering, portOf, runCovalentCli, waitUntilAnswering } from './localServer';

/** How long `covalent start` may take before we say it did not come up. */
const START_TIMEOUT_MS = 120000;

function interpreterResource(): vscode.Uri | undefined {
  return vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** What starting, stopping and installing read: the settings, and the output for what the CLI prints. */
type ServerParts = Pick<Core, 'settings' | 'output' | 'servers'>;

/**
 * `covalent start --port <port of covalent.dispatcherAddress>` with the chosen
 * interpreter, then waits until the server answers. Resolves with the address.
 */
export async function startLocalServer(context: ServerParts): Promise<string> {
  const address = context.settings.current.dispatcherAddress;
  if (!isLocalAddress(address)) {
    throw new Error(`covalent.dispatcherAddress is ${address}, which is not this machine: start that server where it runs, or point the setting at a local one.`);
  }
  const server = context.servers.client(address);
  if (await isServerAnswering(server)) {
    void vscode.window.setStatusBarMessage(`Covalent: the server at ${address} is already running`, 5000);
    return address;
  }
  const { path: python } = await chooseInterpreter(interpreterResource(), context.output);
  const port = portOf(address);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Covalent: starting the server on port ${port}`, cancellable: true },
    async (progress, token) => {
      context.output.info(`Starting the Covalent server: ${python} -m covalent_dispatcher._cli.cli start --port ${port}`);
      const result = await runCovalentCli(python, ['start', '--port', String(port)], (line) => context.output.info(`[covalent start] ${line}`), START_TIMEOUT_MS);
      if (result.code !== 0) {
        throw new Error(
          /No module named/.test(result.output)
            ? `Covalent is not installed in ${python}. Install it (pip install covalent) or choose another interpreter.`
            : `covalent start exited with ${result.code ?? 'an error'}: ${result.output.trim().split('\n').slice(-3).join(' ')}`,
        );
      }
      progress.report({ message: 'waiting until it answers…' });
      if (!(await waitUntilAnswering(server, START_TIMEOUT_MS, () => token.isCancellationRequested))) {
        throw new Error(`The Covalent server did not answer at ${address} after starting (covalent start picks another port when ${port} is busy: see \`covalent status\`).`);
      }
      context.output.info(`The Covalent server answers at ${address}.`);
      return address;
    },
  );
}

/** `covalent stop` with the chosen interpreter; resolves once the address no longer answers. */
export async function stopLocalServer(context: ServerParts): Promise<boolean> {
  const address = context.settings.current.dispatcherAddress;
  if (!isLocalAddress(address)) throw new Error(`covalent.dispatcherAddress is ${address}, which is not this machine: stop that server where it runs.`);
  const { path: python } = await chooseInterpreter(interpreterResource(), context.output);
  const server = context.servers.client(address);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Covalent: stopping the server' }, async () => {
    const result = await runCovalentCli(python, ['stop'], (line) => context.output.info(`[covalent stop] ${line}`), 60000);
    if (result.code !== 0) throw new Error(`covalent stop exited with ${result.code ?? 'an error'}: ${result.output.trim().split('\n').slice(-3).join(' ')}`);
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && (await isServerAnswering(server, 500))) await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = !(await isServerAnswering(server, 500));
    if (!stopped) throw new Error(`covalent stop finished but ${address} still answers (is that server started from another environment?).`);
    context.output.info(`The Covalent server at ${address} stopped.`);
    return stopped;
  });
}

/** `pip install <package>` (covalent, debugpy) for that interpreter, in a terminal the user sees. */
export async function installIntoInterpreter(context: ServerParts, pipPackage: 'covalent' | 'debugpy', python?: string): Promise<vscode.Terminal> {
  const interpreter = python ?? (await chooseInterpreter(interpreterResource(), context.output)).path;
  const terminal = vscode.window.createTerminal({ name: `Install ${pipPackage}` });
  terminal.show();
  terminal.sendText(`${shellQuote(interpreter)} -m pip install ${pipPackage}`);
  return terminal;
}

function shellQuote(value: string): string {
  if (process.platform === 'win32') return `& "${value}"`;
  return /^[A-Za-z0-9_./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
