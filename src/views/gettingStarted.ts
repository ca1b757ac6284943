import * as vscode from 'vscode';
import { isBridgeError } from '../bridge/protocol';
import type { BridgeCalls } from '../dispatch/bridgeCalls';
import { installIntoInterpreter } from '../localServer/serverCommands';
import type { Core } from '../core';
import type { LiveStatusViews } from './liveStatusViews';
import { ContextKeys } from '../util/commandIds';

/**
 * The "Get Started with Covalent" walkthrough's progress. Each step of
 * `contributes.walkthroughs` completes on one of these context keys (or on the
 * server-reachable key live status sets), so a step ticks itself off when its
 * action is done, however the person did it: through the walkthrough's buttons,
 * a CodeLens, the palette or the tree.
 */
export const WALKTHROUGH_KEYS = {
  interpreterFound: ContextKeys.interpreterFound,
  covalentInstalled: ContextKeys.covalentInstalled,
  exampleOpened: ContextKeys.exampleOpened,
  dispatched: ContextKeys.dispatchedFromEditor,
  watchedCompleted: ContextKeys.watchedDispatchComplete,
  agentAnswered: ContextKeys.agentToolAnswered,
} as const;

export type WalkthroughKey = (typeof WALKTHROUGH_KEYS)[keyof typeof WALKTHROUGH_KEYS];

export const EXAMPLE_FILE = 'covalent_example.py';

const EXAMPLE = `"""A first Covalent workflow: two tasks (electrons) in one workflow (lattice).

Click "Dispatch" above \`workflow\` to run it on the Covalent server, then watch it
in the Covalent view of the side bar.
"""
import covalent as ct


@ct.electron
def add(x, y):
    return x + y


@ct.electron
def multiply(x, y):
    return x * y


@ct.lattice
def workflow(a=1, b=2):
    return multiply(add(a, b), b)
`;

export class GettingStarted implements vscode.Disposable {
  private readonly done = new Set<WalkthroughKey>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly core: Core,
    private readonly calls: BridgeCalls,
    liveViews: LiveStatusViews,
  ) {
    const store = core.store;
    this.disposables.push(
      store.onDidChange((change) => {
        if (change.kind !== 'dispatch') return;
        // Dispatches the editor made carry when they were submitted (an opened result does not).
        const state = store.get(change.dispatchId);
        if (state?.origin?.submittedAt === undefined) return;
        this.complete(WALKTHROUGH_KEYS.dispatched);
        if (state.status === 'COMPLETED' && liveViews.tree.view.visible) this.complete(WALKTHROUGH_KEYS.watchedCompleted);
      }),
      // Opening the view on a dispatch of theirs that completed meanwhile counts too.
      liveViews.tree.view.onDidChangeVisibility(({ visible }) => {
        if (visible && store.all().some((state) => state.origin?.submittedAt !== undefined && state.status === 'COMPLETED')) this.complete(WALKTHROUGH_KEYS.watchedCompleted);
      }),
    );
  }

  /** The context keys set so far (tests read them; VS Code reads the keys themselves). */
  get completed(): ReadonlySet<WalkthroughKey> {
    return this.done;
  }

  /** Starts the interpreter a dispatch would use and says whether it has Covalent. */
  async checkInterpreter(): Promise<{ python: string; covalentVersion: string | null }> {
    const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    try {
      const { bridge, interpreter } = await this.calls.bridgeFor(resource);
      const info = await bridge.ready;
      this.complete(WALKTHROUGH_KEYS.interpreterFound);
      this.complete(WALKTHROUGH_KEYS.covalentInstalled);
      return { python: interpreter.path, covalentVersion: info.covalentVersion };
    } catch (error) {
      if (isBridgeError(error, 'covalentMissing')) {
        this.complete(WALKTHROUGH_KEYS.interpreterFound);
        return { python: error.data.executable ?? '', covalentVersion: null };
      }
      throw error;
    }
  }

  /**
   * `pip install covalent` in a terminal; when it ends (or the terminal closes),
   * the interpreter's bridge starts afresh and is checked again.
   */
  async installCovalent(): Promise<void> {
    const { python, covalentVersion } = await this.checkInterpreter();
    if (covalentVersion) {
      void vscode.window.showInformationMessage(`Covalent ${covalentVersion} is already installed in ${python}.`);
      return;
    }
    const terminal = await installIntoInterpreter(this.core, 'covalent', python);
    const recheck = async () => {
      for (const subscription of subscriptions) subscription.dispose();
      await this.core.bridges.peek(python)?.stop();
      const after = await this.checkInterpreter().catch(() => undefined);
      if (after?.covalentVersion) void vscode.window.showInformationMessage(`Covalent ${after.covalentVersion} is installed in ${python}.`);
    };
    const subscriptions = [
      vscode.window.onDidEndTerminalShellExecution((event) => event.terminal === terminal && void recheck()),
      vscode.window.onDidCloseTerminal((closed) => closed === terminal && void recheck()),
    ];
    this.disposables.push(...subscriptions);
  }

  /**
   * Opens the example workflow: `covalent_example.py` in the first workspace
   * folder (written there when it is missing), else in the extension's own storage.
   */
  async openExample(): Promise<vscode.Uri> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? this.core.extension.globalStorageUri;
    const uri = vscode.Uri.joinPath(folder, EXAMPLE_FILE);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      await vscode.workspace.fs.createDirectory(folder);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(EXAMPLE));
    }
    await vscode.window.showTextDocument(uri, { preview: false });
    this.complete(WALKTHROUGH_KEYS.exampleOpened);
    return uri;
  }

  /** An agent tool answered: the walkthrough's "Ask the agent" step is done. */
  agentAnswered(): void {
    this.complete(WALKTHROUGH_KEYS.agentAnswered);
  }

  private complete(key: WalkthroughKey): void {
    if (this.done.has(key)) return;
    this.done.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
