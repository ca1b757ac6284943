import * as vscode from 'vscode';
import type { CovalentContext } from '../context';
import { LiveStatus, LiveStatusOptions } from '../store/liveStatus';
import { DispatchesTree } from './dispatchesTree';
import { EditorStatus } from './editorStatus';
import { CovalentStatusBar } from './statusBar';

/**
 * The live-status parts (poller, tree, status bar, editor status), created once
 * at activation. Integration tests reach them through `context.liveStatus`.
 */
export class LiveStatusViews implements vscode.Disposable {
  readonly live: LiveStatus;
  readonly tree: DispatchesTree;
  readonly statusBar: CovalentStatusBar;
  readonly editor: EditorStatus;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: CovalentContext) {
    const store = context.store;
    this.live = new LiveStatus(store, this.options());
    this.tree = new DispatchesTree(store, this.live);
    this.statusBar = new CovalentStatusBar(store, () => this.address);
    this.editor = new EditorStatus(store, this.live);
    this.disposables.push(
      store.onDidChange((change) => {
        if (change.kind !== 'connection') return;
        // The welcome view of the tree reads this key.
        if (change.connection !== 'unknown') void vscode.commands.executeCommand('setContext', 'covalent.serverReachable', change.connection === 'online');
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (['covalent.dispatcherAddress', 'covalent.requestTimeoutMs', 'covalent.pollIntervalMs'].some((key) => event.affectsConfiguration(key))) {
          this.live.reconfigure(this.options());
          this.statusBar.render();
        }
      }),
      // The socket.io channel sends the token when it connects: connect again with the new one.
      context.servers.onDidChangeToken((address) => {
        if (address === this.address) this.live.reconfigure(this.options());
      }),
    );
    this.live.start();
  }

  get address(): string {
    return this.context.config.dispatcherAddress;
  }

  setToken(token: string | undefined): Promise<void> {
    return this.context.servers.setToken(this.address, token);
  }

  private options(): LiveStatusOptions {
    const config = this.context.config;
    return {
      address: config.dispatcherAddress,
      requestTimeoutMs: config.requestTimeoutMs,
      pollIntervalMs: config.pollIntervalMs,
      connections: this.context.servers,
      log: (level, message) => this.context.output[level](message),
    };
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.editor.dispose();
    this.tree.dispose();
    this.statusBar.dispose();
    this.live.dispose();
  }
}
