import * as vscode from 'vscode';
import type { SourceLocator } from '../languageClient/sourceLocator';
import type { Core } from '../services';
import { LiveStatus, type LiveStatusOptions } from '../store/liveStatus';
import { DispatchesTree } from './dispatchesTree';
import { EditorStatus } from './editorStatus';
import { CovalentStatusBar } from './statusBar';

/**
 * The live-status parts (poller, tree, status bar, editor status), created once
 * at activation. Integration tests reach them through `services.live`.
 */
export class LiveStatusViews implements vscode.Disposable {
  readonly live: LiveStatus;
  readonly tree: DispatchesTree;
  readonly statusBar: CovalentStatusBar;
  readonly editor: EditorStatus;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly core: Core,
    locator: SourceLocator,
  ) {
    const store = core.store;
    this.live = new LiveStatus(store, this.options());
    this.tree = new DispatchesTree(store, this.live);
    this.statusBar = new CovalentStatusBar(store, () => this.address);
    this.editor = new EditorStatus(store, this.live, locator);
    this.disposables.push(
      store.onDidChange((change) => {
        if (change.kind !== 'connection') return;
        // The welcome view of the tree reads this key.
        if (change.connection !== 'unknown') void vscode.commands.executeCommand('setContext', 'covalent.serverReachable', change.connection === 'online');
      }),
      core.settings.onDidChange((change) => {
        if (change.changed('dispatcherAddress', 'requestTimeoutMs', 'pollIntervalMs')) {
          this.live.reconfigure(this.options());
          this.statusBar.render();
        }
      }),
      // The socket.io channel sends the token when it connects: connect again with the new one.
      core.servers.onDidChangeToken((address) => {
        if (address === this.address) this.live.reconfigure(this.options());
      }),
    );
    this.live.start();
  }

  get address(): string {
    return this.core.settings.current.dispatcherAddress;
  }

  setToken(token: string | undefined): Promise<void> {
    return this.core.servers.setToken(this.address, token);
  }

  private options(): LiveStatusOptions {
    const config = this.core.settings.current;
    return {
      address: config.dispatcherAddress,
      requestTimeoutMs: config.requestTimeoutMs,
      pollIntervalMs: config.pollIntervalMs,
      connections: this.core.servers,
      log: (level, message) => this.core.output[level](message),
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
