import * as vscode from 'vscode';
import { CovalentContext } from './context';
import { registerCommands } from './commands';
import { ResultPanels, resultPanels } from './webview/resultPanel';
import { LiveStatusViews } from './views/liveStatusViews';
import { startDetection } from './languageClient';

/** What `activate` returns: other extensions and the integration tests read it. */
export interface CovalentExtensionApi {
  readonly context: CovalentContext;
  /** The result panels (one per dispatch); tests probe what their webviews drew. */
  readonly resultPanels: ResultPanels;
}

let activeContext: CovalentContext | undefined;

export function activate(extension: vscode.ExtensionContext): CovalentExtensionApi {
  const context = new CovalentContext(extension);
  activeContext = context;
  extension.subscriptions.push(context);
  registerCommands(context);
  const liveStatus = (context.liveStatus = context.register(new LiveStatusViews(context)));
  const detection = (context.detection = context.register(startDetection(context)));
  context.register(detection.client.addContribution(liveStatus.editor.latticeContribution()));
  context.output.info(`Covalent for VS Code activated (VS Code ${vscode.version}, Node ${process.version}).`);
  // Created now so a panel left open is restored after a window reload.
  const panels = resultPanels(context);
  return { context, resultPanels: panels };
}

export function deactivate(): void {
  activeContext?.dispose();
  activeContext = undefined;
}
