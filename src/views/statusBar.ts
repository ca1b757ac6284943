import * as vscode from 'vscode';
import { fromPerson } from '../util/invocation';
import { sameAddress } from '../covalent/servers';
import type { DispatchStore } from '../store/dispatchStore';
import { isRunning } from './format';
import { inlineCode } from './markdown';
import { Commands } from '../util/commandIds';

/**
 * One status bar item: which server is active, is it usable, and how many of its
 * dispatches run. Clicking it opens the server picker.
 */
export class CovalentStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly store: DispatchStore,
    private readonly server: () => { readonly address: string; readonly label: string },
  ) {
    this.item = vscode.window.createStatusBarItem('covalent.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Covalent Server';
    this.item.command = { command: Commands.useServer, title: 'Switch Covalent Server', arguments: [fromPerson('statusBar', {})] };
    this.subscription = store.onDidChange((change) => {
      if (change.kind === 'connection' || change.kind === 'dispatch' || change.kind === 'list') this.render();
    });
    this.render();
    this.item.show();
  }

  render(): void {
    const connection = this.store.connection;
    const { address, label } = this.server();
    const running = this.store.all().filter((dispatch) => isRunning(dispatch.status) && sameAddress(this.store.serverOf(dispatch.dispatchId) ?? address, address)).length;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(`Covalent server ${label}`);
    tooltip.appendMarkdown(` · ${inlineCode(address)}\n\n`);
    if (connection === 'offline' || connection === 'unauthorized') {
      this.item.text = connection === 'offline' ? `$(debug-disconnect) Covalent: ${label} offline` : `$(lock) Covalent: ${label} wants a token`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      tooltip.appendText(this.store.connectionError ?? 'The server is not usable.');
    } else {
      const runningText = running > 0 ? ` · $(sync~spin) ${running} running` : '';
      this.item.text = connection === 'online' ? `$(server) Covalent: ${label}${runningText}` : `$(loading~spin) Covalent: ${label}`;
      this.item.backgroundColor = undefined;
      tooltip.appendText(connection === 'online' ? 'reachable' : 'connecting…');
      if (running > 0) tooltip.appendMarkdown(`\n\n${running} dispatch${running === 1 ? '' : 'es'} running`);
    }
    tooltip.appendMarkdown('\n\nClick to switch servers, set a token, or show the Dispatches view.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/g, '') };
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
