import * as vscode from 'vscode';
import { CovalentContext } from '../context';

/** A command handler: `argument` is present when called through the public API. */
type CommandHandler = (context: CovalentContext, argument?: unknown) => unknown;

/**
 * Every command the extension contributes, registered in one place. Feature
 * modules export handlers; this table is the only place they meet `vscode.commands`.
 */
const commandTable: Record<string, CommandHandler> = {
  'covalent.showOutput': (context) => context.output.show(true),
};

export function registerCommands(context: CovalentContext): void {
  for (const [id, handler] of Object.entries(commandTable)) {
    context.register(vscode.commands.registerCommand(id, (argument?: unknown) => handler(context, argument)));
  }
}
