import * as vscode from 'vscode';
import { isBridgeError } from '../bridge/protocol';
import { TokenWantedError } from '../covalent/errors';
import { isDefaultLocalAddress } from '../localServer/localServer';
import { installIntoInterpreter, startLocalServer } from '../localServer/serverCommands';
import type { Services } from '../services';
import { messageOf, UntrustedWorkspaceError, UserCancelled } from '../util/errors';
import { fromPerson, type Invocation, invocationOf } from '../util/invocation';
import type { Command, CommandTable } from './types';
import { Commands } from '../util/commandIds';

/**
 * Registers every command, and is the one place their failures go: a person gets
 * a message with the action that fixes it (trust the workspace, install Covalent,
 * start the server); an API caller gets the error thrown back. Commands that run
 * the workspace's Python are refused here in Restricted Mode, before they ask
 * anything.
 */
export function registerCommands(services: Services, table: CommandTable): vscode.Disposable[] {
  return Object.entries(table).map(([id, factory]) => {
    const command = factory(services);
    return vscode.commands.registerCommand(id, (argument?: unknown) => invoke(services, id, command, invocationOf(argument)));
  });
}

async function invoke(services: Services, id: string, command: Command, invocation: Invocation): Promise<unknown> {
  try {
    if (command.runsUserCode && !vscode.workspace.isTrusted) throw new UntrustedWorkspaceError(command.runsUserCode);
    return await command.run(invocation);
  } catch (caught) {
    if (caught instanceof UserCancelled) return undefined;
    // A person who pressed Cancel on the progress needs no error (its request's process was stopped).
    if (invocation.interactive && isBridgeError(caught, 'cancelled')) {
      services.output.info(`${id}: cancelled.`);
      return undefined;
    }
    const error = services.bridgeCalls.explain(caught);
    services.output.error(`${id} failed: ${error instanceof Error && error.stack ? error.stack : messageOf(error)}`);
    const fix = await offerFix(services, error, invocation);
    if (fix === 'retry') return invoke(services, id, command, invocation);
    if (invocation.interactive) return undefined;
    throw error;
  }
}

type Fix = 'Manage Workspace Trust' | 'Install Covalent' | 'Install debugpy' | 'Start Local Server' | 'Set Server Token…';

function fixesFor(services: Services, error: unknown): Fix[] {
  if (error instanceof UntrustedWorkspaceError) return ['Manage Workspace Trust'];
  if (error instanceof TokenWantedError) return ['Set Server Token…'];
  if (isBridgeError(error, 'covalentMissing')) return ['Install Covalent'];
  if (isBridgeError(error, 'debugpyMissing')) return ['Install debugpy'];
  if (isBridgeError(error, 'serverUnreachable') && isDefaultLocalAddress(services.settings.current.dispatcherAddress)) return ['Start Local Server'];
  return [];
}

/**
 * Shows the failure. A person waits for the answer and a started server retries
 * the command; an API caller gets the error at once, and only a fixable failure is
 * shown (its action can still be clicked later).
 */
async function offerFix(services: Services, error: unknown, invocation: Invocation): Promise<'retry' | 'shown'> {
  const fixes = fixesFor(services, error);
  if (!invocation.interactive && fixes.length === 0) return 'shown';
  const shown = vscode.window.showErrorMessage(`Covalent: ${messageOf(error)}`, ...fixes, 'Show Output');
  if (!invocation.interactive) {
    void shown.then((choice) => (choice ? applyFix(services, choice, error) : undefined));
    return 'shown';
  }
  const choice = await shown;
  return choice && (await applyFix(services, choice, error)) ? 'retry' : 'shown';
}

/** Runs the chosen action; true when the command should run again. */
async function applyFix(services: Services, choice: Fix | 'Show Output', error: unknown): Promise<boolean> {
  switch (choice) {
    case 'Manage Workspace Trust':
      await vscode.commands.executeCommand('workbench.trust.manage');
      return false;
    case 'Install Covalent':
      await installIntoInterpreter(services, 'covalent', isBridgeError(error) ? error.data.executable : undefined);
      return false;
    case 'Install debugpy':
      await installIntoInterpreter(services, 'debugpy', isBridgeError(error) ? error.data.executable : undefined);
      return false;
    case 'Start Local Server':
      await startLocalServer(services);
      return true;
    case 'Set Server Token…': {
      // The token of the server that refused, whichever is active; a token set means "try again".
      const address = error instanceof TokenWantedError ? error.serverAddress : services.settings.current.dispatcherAddress;
      return (await vscode.commands.executeCommand<boolean | undefined>(Commands.setServerToken, fromPerson('notification', { address }))) === true;
    }
    case 'Show Output':
      services.output.show(true);
      return false;
  }
}
