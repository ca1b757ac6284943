import * as vscode from 'vscode';
import { CovalentContext } from './context';
import { registerCommands } from './commands';
import { LiveStatusViews } from './views/liveStatusViews';

/** What `activate` returns: other extensions and the integration tests read it. */
export interface CovalentExtensionApi {
  readonly context: CovalentContext;
}

let activeContext: CovalentContext | undefined;

export function activate(extension: vscode.ExtensionContext): CovalentExtensionApi {
  const context = new CovalentContext(extension);
  activeContext = context;
  extension.subscriptions.push(context);
  registerCommands(context);
  context.liveStatus = context.register(new LiveStatusViews(context));
  context.output.info(`Covalent for VS Code activated (VS Code ${vscode.version}, Node ${process.version}).`);
  return { context };
}

export function deactivate(): void {
  activeContext?.dispose();
  activeContext = undefined;
}
