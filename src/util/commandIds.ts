/**
 * The names the extension shares with `package.json` and with VS Code: command
 * ids, view ids and context keys. One module, so a rename is one edit and the
 * unit test `commandIds.test.ts` can hold them against the manifest. No `vscode`
 * here: the language server and plain-Node tests read it too.
 */

/** Every command the extension contributes, and the internal ones its rows run. */
export const Commands = {
  dispatch: 'covalent.dispatch',
  dispatchWithInputs: 'covalent.dispatchWithInputs',
  saveWithoutRunning: 'covalent.saveWithoutRunning',
  previewGraph: 'covalent.previewGraph',
  dispatchSync: 'covalent.dispatchSync',
  redispatch: 'covalent.redispatch',
  chooseExecutor: 'covalent.chooseExecutor',
  runSaved: 'covalent.runSaved',
  cancel: 'covalent.cancel',
  stopTriggers: 'covalent.stopTriggers',
  openResult: 'covalent.openResult',
  renderValue: 'covalent.renderValue',
  startServer: 'covalent.startServer',
  stopServer: 'covalent.stopServer',
  runTaskLocally: 'covalent.runTaskLocally',
  debugTask: 'covalent.debugTask',
  compareTask: 'covalent.compareTask',
  refresh: 'covalent.refresh',
  copyDispatchId: 'covalent.copyDispatchId',
  openInCovalentUI: 'covalent.openInCovalentUI',
  goToSource: 'covalent.goToSource',
  deleteDispatch: 'covalent.deleteDispatch',
  filterDispatches: 'covalent.filterDispatches',
  useServer: 'covalent.useServer',
  configureServer: 'covalent.configureServer',
  setServerToken: 'covalent.setServerToken',
  showOutput: 'covalent.showOutput',
  checkInterpreter: 'covalent.checkInterpreter',
  installCovalent: 'covalent.installCovalent',
  openExample: 'covalent.openExample',
  openWalkthrough: 'covalent.openWalkthrough',
  /** Internal: the Dispatches tree's "Load more" row (not in the palette). */
  loadMoreDispatches: 'covalent.loadMoreDispatches',
  /** Internal: a dispatch's "Show more" row below its task rows (not in the palette). */
  showMoreTasks: 'covalent.showMoreTasks',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The side bar's views (`contributes.views`). */
export const Views = {
  workflows: 'covalent.workflows',
  dispatches: 'covalent.dispatches',
} as const;

/** VS Code's own command that reveals a view: `<view id>.focus`. */
export function focusViewCommand(view: (typeof Views)[keyof typeof Views]): string {
  return `${view}.focus`;
}

/** Webview panel types, which VS Code uses to restore panels after a reload. */
export const PanelTypes = {
  result: 'covalent.result',
  preview: 'covalent.preview',
} as const;

/**
 * Context keys the extension sets. `when` clauses and the walkthrough's
 * `onContext:` completion events in `package.json` read them.
 */
export const ContextKeys = {
  /** The current server answers. */
  serverReachable: 'covalent.serverReachable',
  /** The current server refused the token it was sent (or none). */
  serverWantsToken: 'covalent.serverWantsToken',
  /** A Python interpreter was found and started. */
  interpreterFound: 'covalent.interpreterFound',
  /** That interpreter imports covalent. */
  covalentInstalled: 'covalent.covalentInstalled',
  /** The example workflow was opened. */
  exampleOpened: 'covalent.exampleOpened',
  /** The editor dispatched a workflow. */
  dispatchedFromEditor: 'covalent.dispatchedFromEditor',
  /** A dispatch the editor made completed while the Dispatches view was showing. */
  watchedDispatchComplete: 'covalent.watchedDispatchComplete',
  /** An agent (chat's agent mode) called one of the Covalent tools. */
  agentToolAnswered: 'covalent.agentToolAnswered',
} as const;

export type ContextKey = (typeof ContextKeys)[keyof typeof ContextKeys];
