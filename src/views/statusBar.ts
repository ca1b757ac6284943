import * as vscode from 'vscode';
import type { DispatchStore } from '../store/dispatchStore';
import { isRunning } from './format';

/**
 * One status bar item: is the server reachable, and how many dispatches run.
 * Clicking it focuses the Dispatches tree.
 */
export class CovalentStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly store: DispatchStore,
    private readonly address: () => string,
  ) {
    this.item = vscode.window.createStatusBarItem('covalent.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Covalent Server';
    this.item.command = { command: 'covalent.dispatches.focus', title: 'Show Covalent Dispatches' };
    this.subscription = store.onDidChange((change) => {
      if (change.kind === 'connection' || change.kind === 'dispatch' || change.kind === 'list') this.render();
    });
    this.render();
    this.item.show();
  }

  render(): void {
    const connection = this.store.connection;
    const running = this.store.all().filter((dispatch) => isRunning(dispatch.status)).length;
    const tooltip = new vscode.MarkdownString(undefined, true);
    if (connection === 'offline') {
      this.item.text = '$(debug-disconnect) Covalent: offline';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      tooltip.appendMarkdown(`Covalent server at ${this.address()} is not usable.\n\n`);
      if (this.store.connectionError) tooltip.appendText(this.store.connectionError);
    } else {
      const runningText = running > 0 ? ` · $(sync~spin) ${running} running` : '';
      this.item.text = connection === 'online' ? `$(server) Covalent${runningText}` : `$(loading~spin) Covalent`;
      this.item.backgroundColor = undefined;
      tooltip.appendMarkdown(`Covalent server at ${this.address()}: ${connection === 'online' ? 'reachable' : 'connecting…'}`);
      if (running > 0) tooltip.appendMarkdown(`\n\n${running} dispatch${running === 1 ? '' : 'es'} running`);
    }
    tooltip.appendMarkdown('\n\nClick to show the Dispatches view.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/g, '') };
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
