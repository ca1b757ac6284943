import * as path from 'path';
import * as vscode from 'vscode';
import { BridgePool } from './bridge/bridgePool';
import { CovalentConfig, readConfig } from './config';
import { ServerConnections } from './covalent/connections';
import { DispatchStore } from './store/dispatchStore';
import type { LiveStatusViews } from './views/liveStatusViews';
import type { Detection } from './languageClient';

/**
 * The one object that owns the extension's long-lived parts. Commands and views
 * receive it instead of reaching for globals, so tests can reach the same parts
 * through the API that `activate` returns.
 */
export class CovalentContext implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  /** The one store of dispatch state every view reads. */
  readonly store = new DispatchStore();
  /** One warm Python bridge per interpreter: dispatching runs in the user's Python. */
  readonly bridges: BridgePool;
  /** One Covalent client per server address, carrying that server's token: every server request goes through one. */
  readonly servers: ServerConnections;
  /** Poller, Dispatches tree, status bar and editor status; set once at activation. */
  liveStatus: LiveStatusViews | undefined;
  /** The language client (lattice detection) and the Workflows view; set once at activation. */
  detection: Detection | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private cachedConfig: CovalentConfig;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Covalent', { log: true });
    this.cachedConfig = readConfig();
    this.bridges = new BridgePool(path.join(extension.extensionPath, 'dist', 'bridge', 'covalent_bridge.py'), this.output);
    this.servers = new ServerConnections({ secrets: extension.secrets, timeoutMs: () => this.config.requestTimeoutMs });
    this.register(
      this.output,
      this.bridges,
      this.servers,
      this.store,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('covalent')) this.cachedConfig = readConfig();
      }),
    );
  }

  get config(): CovalentConfig {
    return this.cachedConfig;
  }

  /** Resources disposed when the extension deactivates, in reverse order. */
  register<T extends vscode.Disposable>(...items: T[]): T {
    this.disposables.push(...items);
    return items[0];
  }

  dispose(): void {
    for (const item of this.disposables.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (error) {
        console.error('Covalent: dispose failed', error);
      }
    }
  }
}
