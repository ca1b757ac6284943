import * as vscode from 'vscode';
import { sameAddress, serverLabel } from '../covalent/servers';
import type { SourceLocator } from '../languageClient/sourceLocator';
import type { Core } from '../core';
import { StatusPoller, type StatusPollerOptions } from '../live/statusPoller';
import { openSocketChannel } from '../live/statusChannel';
import { ResultPreviews } from '../store/resultPreviews';
import { DispatchesTree } from './dispatchesTree';
import { EditorStatus } from './editorStatus';
import { CovalentStatusBar } from './statusBar';
import { ContextKeys } from '../util/commandIds';

/**
 * The live-status parts (the poller and the views it feeds: tree, status bar,
 * editor status), created once at activation. Here the poller gets the editor's
 * server connections and the socket.io channel. Integration tests reach them
 * through `services.liveViews`.
 */
export class LiveStatusViews implements vscode.Disposable {
  readonly poller: StatusPoller;
  readonly tree: DispatchesTree;
  readonly statusBar: CovalentStatusBar;
  readonly editor: EditorStatus;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly core: Core,
    locator: SourceLocator,
  ) {
    const store = core.store;
    this.poller = new StatusPoller({ store, connections: core.servers, openChannel: openSocketChannel }, this.options());
    const results = new ResultPreviews(async (dispatchId, nodeIds, bytes) =>
      core.servers.client(store.serverOf(dispatchId) ?? core.settings.current.dispatcherAddress).details.taskResults(dispatchId, nodeIds, bytes),
    );
    this.tree = new DispatchesTree(store, this.poller, () => this.server, results);
    this.statusBar = new CovalentStatusBar(store, () => this.server);
    this.editor = new EditorStatus(store, this.poller, locator);
    this.disposables.push(
      store.onDidChange((change) => {
        if (change.kind !== 'connection') return;
        // The welcome view of the tree reads this key.
        if (change.connection === 'unknown') return;
        void vscode.commands.executeCommand('setContext', ContextKeys.serverReachable, change.connection === 'online');
        void vscode.commands.executeCommand('setContext', ContextKeys.serverWantsToken, change.connection === 'unauthorized');
      }),
      core.settings.onDidChange((change) => {
        if (change.changed('dispatcherAddress', 'requestTimeoutMs', 'pollIntervalMs')) this.poller.reconfigure(this.options());
        if (change.changed('dispatcherAddress', 'servers')) {
          this.statusBar.render();
          this.tree.serverChanged();
        }
      }),
      // The socket.io channel sends the token when it connects: connect again with the new one.
      // Once per address: the person may have a good reason (a trusted network), but should know.
      core.servers.onTokenInClear((address) => {
        core.output.warn(`The token for ${address} travels over plain http: anyone between here and that server can read it.`);
        void vscode.window.showWarningMessage(
          `Covalent: the token for ${address} is sent over plain http to another machine, unencrypted: anyone on the way can read and reuse it. Use an https:// address for that server if it has one.`,
        );
      }),
      core.servers.onDidChangeToken((address) => {
        if (sameAddress(address, this.address)) this.poller.reconfigure(this.options());
      }),
    );
    this.poller.start();
  }

  get address(): string {
    return this.core.settings.current.dispatcherAddress;
  }

  /** The active server, as views name it. */
  get server(): { readonly address: string; readonly label: string } {
    const { dispatcherAddress, servers } = this.core.settings.current;
    return { address: dispatcherAddress, label: serverLabel(servers, dispatcherAddress) };
  }

  private options(): StatusPollerOptions {
    const config = this.core.settings.current;
    return {
      address: config.dispatcherAddress,
      requestTimeoutMs: config.requestTimeoutMs,
      pollIntervalMs: config.pollIntervalMs,
      log: (level, message) => this.core.output[level](message),
    };
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.editor.dispose();
    this.tree.dispose();
    this.statusBar.dispose();
    this.poller.dispose();
  }
}
