import * as vscode from 'vscode';
import { CovalentContext } from '../context';
import { dispatchCommands } from './dispatch';
import { resultCommands } from './results';
import { CommandTable } from './types';
import { viewCommands } from './views';

/**
 * Every command the extension contributes, registered in one place. Feature
 * modules export tables of handlers; this is the only place they meet
 * `vscode.commands`, and the only place a handler's failure is reported.
 */
const commandTable: CommandTable = {
  'covalent.showOutput': (context) => context.output.show(true),
  ...dispatchCommands,
  ...viewCommands,
  ...resultCommands,
};

export function registerCommands(context: CovalentContext): void {
  for (const [id, handler] of Object.entries(commandTable)) {
    context.register(
      vscode.commands.registerCommand(id, async (argument?: unknown) => {
        try {
          return await handler(context, argument);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          context.output.error(`${id} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
          // Callers with an argument object (other extensions, tests) get the error;
          // people get a message that says what happened.
          if (argument !== undefined) throw error;
          void vscode.window.showErrorMessage(`Covalent: ${message}`, 'Show Output').then((choice) => {
            if (choice) context.output.show(true);
          });
          return undefined;
        }
      }),
    );
  }
}
