import type * as vscode from 'vscode';
import type { BridgePool } from './bridge/bridgePool';
import type { Settings } from './config';
import type { ServerConnections } from './covalent/connections';
import type { DispatchStore } from './store/dispatchStore';

/**
 * What every part may use: built first, before any view or command. The floor
 * of the layers: it names only the parts below every view and command, so any
 * of them may import it (`Services`, in src/services.ts, is the roof).
 */
export interface Core {
  readonly extension: vscode.ExtensionContext;
  readonly output: vscode.LogOutputChannel;
  readonly settings: Settings;
  /** The one store of dispatch state every view reads. */
  readonly store: DispatchStore;
  /** One warm Python bridge per interpreter: dispatching runs in the user's Python. */
  readonly bridges: BridgePool;
  /** One Covalent client per server address, carrying that server's token: every server request goes through one. */
  readonly servers: ServerConnections;
}
