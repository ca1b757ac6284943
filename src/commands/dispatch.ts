import * as vscode from 'vscode';
import { isBridgeError, SyncResult } from '../bridge/protocol';
import type { CovalentContext } from '../context';
import { DispatchService, UntrustedWorkspaceError, UserCancelled } from '../dispatch/dispatchService';
import { changedElectrons, parseReplaceElectrons } from '../dispatch/electronChanges';
import { startLocalServer, stopLocalServer, installCovalent } from '../localServer/serverCommands';
import { isDefaultLocalAddress } from '../localServer/localServer';
import { DispatchState, isTerminal } from '../store/types';
import { CommandHandler, CommandTable } from './types';

/**
 * Dispatch, redispatch, cancel, triggers and the local server (issue: dispatch).
 *
 * Each handler takes the public API's argument object (PRODUCT.md), a Dispatches
 * tree row (`{ kind, dispatchId, nodeId? }`), a CodeLens's `{ uri, lattice }`, or
 * nothing (palette: it asks). With the API's object it asks nothing it was given
 * and returns its result.
 */
export const dispatchCommands: CommandTable = {
  'covalent.dispatch': guarded('Dispatching', async (context, argument) => {
    const request = dispatchArgument(argument);
    const target = request ?? (await askForTarget(context));
    const service = new DispatchService(context);
    let args = request?.args;
    // From the palette, ask for inputs only when none are remembered for this lattice.
    if (!request && args === undefined && service.inputs.get(target.uri.toString(), target.lattice) === undefined) {
      args = await askForInputs(context, target.uri, target.lattice, '');
    }
    return dispatchAnnounced(service, target, args, request?.disableRun);
  }),

  'covalent.dispatchWithInputs': guarded('Dispatching', async (context, argument) => {
    const request = dispatchArgument(argument);
    const target = request ?? (await askForTarget(context));
    const service = new DispatchService(context);
    const args = request?.args ?? (await askForInputs(context, target.uri, target.lattice, service.inputs.get(target.uri.toString(), target.lattice) ?? ''));
    return dispatchAnnounced(service, target, args, request?.disableRun);
  }),

  'covalent.saveWithoutRunning': guarded('Saving a dispatch', async (context, argument) => {
    const request = dispatchArgument(argument);
    const target = request ?? (await askForTarget(context));
    const service = new DispatchService(context);
    const remembered = service.inputs.get(target.uri.toString(), target.lattice);
    const args = request?.args ?? (request ? remembered : await askForInputs(context, target.uri, target.lattice, remembered ?? ''));
    const dispatchId = await withDispatchProgress(`Saving ${target.lattice} without running…`, () =>
      service.dispatch({ ...target, args, disableRun: true }),
    );
    announce(`Saved ${target.lattice} without running (Covalent: Run Saved Dispatch starts it)`, dispatchId);
    return dispatchId;
  }),

  'covalent.dispatchSync': guarded('Dispatching', async (context, argument): Promise<Omit<SyncResult, 'error'> | undefined> => {
    const request = dispatchArgument(argument);
    const target = request ?? (await askForTarget(context));
    const service = new DispatchService(context);
    let args = request?.args;
    if (!request && service.inputs.get(target.uri.toString(), target.lattice) === undefined) {
      args = await askForInputs(context, target.uri, target.lattice, '');
    }
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Covalent: running ${target.lattice}`, cancellable: true },
      async (progress, token) => {
        progress.report({ message: 'dispatching…' });
        const dispatchId = await service.dispatch({ ...target, args }, token);
        progress.report({ message: `waiting for ${dispatchId}… (cancel stops waiting, not the dispatch)` });
        try {
          return await service.waitForResult(dispatchId, token);
        } catch (error) {
          if (isBridgeError(error, 'cancelled')) {
            void vscode.window.showInformationMessage(`Stopped waiting for ${target.lattice}; dispatch ${dispatchId} goes on.`);
            return { dispatchId, status: context.store.get(dispatchId)?.status ?? 'RUNNING', result: null, error: null };
          }
          throw error;
        }
      },
    );
    const summary = outcome.status === 'COMPLETED' ? `${target.lattice} completed: ${truncate(outcome.result ?? 'None', 200)}` : `${target.lattice}: ${outcome.status}${outcome.error ? ` — ${truncate(outcome.error, 200)}` : ''}`;
    void vscode.window.showInformationMessage(summary, 'Open Result').then((choice) => {
      if (choice) void vscode.commands.executeCommand('covalent.openResult', { dispatchId: outcome.dispatchId });
    });
    return { dispatchId: outcome.dispatchId, status: outcome.status, result: outcome.result };
  }),

  'covalent.redispatch': guarded('Redispatching', async (context, argument) => redispatchCommand(context, argument)),

  'covalent.runSaved': guarded('Running a saved dispatch', async (context, argument) => {
    const service = new DispatchService(context);
    const dispatchId =
      dispatchIdOf(argument) ??
      (await pickDispatch(context, 'Run which saved dispatch?', (state) => state.status === 'NEW_OBJECT' || state.origin?.disableRun === true));
    const started = await withDispatchProgress('Starting the saved dispatch…', () => service.runSaved(dispatchId));
    announce('Started saved dispatch', started);
    return started;
  }),

  'covalent.cancel': guarded('Cancelling', async (context, argument) => {
    const service = new DispatchService(context);
    let dispatchId = dispatchIdOf(argument);
    let taskIds = taskIdsOf(argument);
    if (!dispatchId) {
      dispatchId = await pickDispatch(context, 'Cancel which dispatch?', (state) => !isTerminal(state.status));
      taskIds = await askForTasks(context, dispatchId);
    }
    const message = await service.cancel(dispatchId, taskIds);
    if (!isApiCall(argument)) void vscode.window.setStatusBarMessage(`Covalent: ${message || `cancel requested for ${dispatchId}`}`, 5000);
    return message;
  }),

  'covalent.stopTriggers': guarded('Stopping triggers', async (context, argument) => {
    const service = new DispatchService(context);
    let dispatchIds = dispatchIdsOf(argument);
    if (!dispatchIds) {
      const picked = await vscode.window.showQuickPick(dispatchItems(context.store.all()), {
        title: 'Stop the triggers of which dispatches?',
        canPickMany: true,
        matchOnDescription: true,
      });
      if (!picked?.length) throw new UserCancelled();
      dispatchIds = picked.map((item) => item.dispatchId);
    }
    const stopped = await service.stopTriggers(dispatchIds);
    if (!isApiCall(argument)) void vscode.window.showInformationMessage(`Covalent: stopped the triggers of ${stopped.length} dispatch(es).`);
    return stopped;
  }),

  'covalent.startServer': guarded('Starting the local server', async (context) => startLocalServer(context)),
  'covalent.stopServer': guarded('Stopping the local server', async (context) => stopLocalServer(context)),
};

/**
 * Wraps a handler: refuses in Restricted Mode, ends quietly when the person dismissed a question, and adds
 * the action that fixes a failure (trust the workspace, install Covalent, start
 * the server) to its message. Errors still reach callers with an argument object.
 */
function guarded(what: string, handler: CommandHandler): CommandHandler {
  return async (context, argument) => {
    try {
      // Every command here runs Python from the workspace: refuse before asking anything.
      if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError(what);
      return await handler(context, argument);
    } catch (error) {
      if (error instanceof UserCancelled) return undefined;
      const explained = new DispatchService(context).explain(error);
      const action = await offerFix(context, explained, argument);
      if (action === 'retry') return guarded(what, handler)(context, argument);
      if (action === 'shown' && !isApiCall(argument)) return undefined;
      throw explained;
    }
  };
}

type FixOutcome = 'none' | 'shown' | 'retry';

async function offerFix(context: CovalentContext, error: unknown, argument: unknown): Promise<FixOutcome> {
  const message = error instanceof Error ? error.message : String(error);
  const interactive = !isApiCall(argument);
  const show = async (...actions: string[]) => {
    const shown = vscode.window.showErrorMessage(`Covalent: ${message}`, ...actions, 'Show Output');
    // API callers get the error; a person can still click the action later.
    if (!interactive) {
      void shown.then((choice) => (choice ? run(choice) : undefined));
      return undefined;
    }
    return shown;
  };
  const run = async (choice: string): Promise<boolean> => {
    switch (choice) {
      case 'Manage Workspace Trust':
        await vscode.commands.executeCommand('workbench.trust.manage');
        return false;
      case 'Install Covalent':
        await installCovalent(context, isBridgeError(error) ? error.data.executable : undefined);
        return false;
      case 'Start Local Server':
        return startLocalServer(context).then(() => true);
      case 'Show Output':
        context.output.show(true);
        return false;
      default:
        return false;
    }
  };
  let actions: string[];
  if (error instanceof UntrustedWorkspaceError) actions = ['Manage Workspace Trust'];
  else if (isBridgeError(error, 'covalentMissing')) actions = ['Install Covalent'];
  else if (isBridgeError(error, 'serverUnreachable') && isDefaultLocalAddress(context.config.dispatcherAddress)) actions = ['Start Local Server'];
  else return 'none';
  const choice = await show(...actions);
  if (!choice) return 'shown';
  const retry = await run(choice);
  return retry ? 'retry' : 'shown';
}

/** An object from another extension or a test (not a tree row, not a CodeLens click, not the palette). */
function isApiCall(argument: unknown): boolean {
  if (typeof argument !== 'object' || argument === null) return false;
  return !('kind' in argument);
}

interface DispatchArgument {
  readonly uri: vscode.Uri;
  readonly lattice: string;
  readonly args?: string;
  readonly disableRun?: boolean;
}

function dispatchArgument(argument: unknown): DispatchArgument | undefined {
  if (argument === undefined || argument === null) return undefined;
  if (typeof argument !== 'object') throw new Error('Expected { uri, lattice, args?, disableRun? }.');
  const { uri, lattice, args, disableRun } = argument as Record<string, unknown>;
  if (typeof lattice !== 'string' || !lattice) throw new Error('Expected `lattice`: the name of a lattice in the file.');
  if (args !== undefined && typeof args !== 'string') throw new Error('`args` are the inputs in Python call syntax, as text (for example "1, 2").');
  if (disableRun !== undefined && typeof disableRun !== 'boolean') throw new Error('`disableRun` must be true or false.');
  return { uri: toUri(uri), lattice, args, disableRun };
}

function toUri(value: unknown): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value) return /^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value) ? vscode.Uri.parse(value) : vscode.Uri.file(value);
  if (typeof value === 'object' && value !== null && 'scheme' in value && 'path' in value) return vscode.Uri.from(value as vscode.Uri);
  throw new Error('Expected `uri`: the workflow file as a file URI string.');
}

function dispatchIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string' && argument) return argument;
  if (typeof argument !== 'object' || argument === null) return undefined;
  const { dispatchId } = argument as { dispatchId?: unknown };
  if (dispatchId === undefined) return undefined;
  if (typeof dispatchId !== 'string' || !dispatchId) throw new Error('`dispatchId` must be a dispatch id.');
  return dispatchId;
}

function taskIdsOf(argument: unknown): number[] | undefined {
  if (typeof argument !== 'object' || argument === null) return undefined;
  const { taskIds, nodeId, kind } = argument as { taskIds?: unknown; nodeId?: unknown; kind?: unknown };
  if (kind === 'task' && typeof nodeId === 'number') return [nodeId];
  if (taskIds === undefined) return undefined;
  if (!Array.isArray(taskIds) || !taskIds.every((task) => Number.isInteger(task) && task >= 0)) throw new Error('`taskIds` must be a list of task (node) numbers.');
  return taskIds as number[];
}

function dispatchIdsOf(argument: unknown): string[] | undefined {
  if (typeof argument !== 'object' || argument === null) return undefined;
  const { dispatchIds, dispatchId } = argument as { dispatchIds?: unknown; dispatchId?: unknown };
  if (Array.isArray(dispatchIds)) {
    if (!dispatchIds.length || !dispatchIds.every((id) => typeof id === 'string' && id)) throw new Error('`dispatchIds` must be a non-empty list of dispatch ids.');
    return dispatchIds as string[];
  }
  if (typeof dispatchIds === 'string' && dispatchIds) return [dispatchIds];
  if (typeof dispatchId === 'string' && dispatchId) return [dispatchId];
  if (dispatchIds !== undefined) throw new Error('`dispatchIds` must be a list of dispatch ids.');
  return undefined;
}

async function redispatchCommand(context: CovalentContext, argument: unknown): Promise<string | undefined> {
  const service = new DispatchService(context);
  service.requireTrust('Redispatching');
  const fields = (typeof argument === 'object' && argument !== null ? argument : {}) as Record<string, unknown>;
  const apiCall = isApiCall(argument) && typeof fields.dispatchId === 'string';
  let uri = fields.uri !== undefined ? toUri(fields.uri) : undefined;
  let dispatchId = dispatchIdOf(argument);
  if (!dispatchId) {
    // A CodeLens gives { uri, lattice }: choose among this lattice's earlier dispatches.
    const lattice = typeof fields.lattice === 'string' ? fields.lattice : undefined;
    const file = uri?.toString() ?? vscode.window.activeTextEditor?.document.uri.toString();
    dispatchId = await pickDispatch(context, lattice ? `Redispatch which earlier dispatch of ${lattice}?` : 'Redispatch which dispatch?', (state) =>
      lattice && file ? state.origin?.fileUri === file && state.origin?.latticeName === lattice : state.origin !== undefined,
    );
  }
  const parent = context.store.get(dispatchId)?.origin;
  uri ??= parent?.fileUri ? vscode.Uri.parse(parent.fileUri) : vscode.window.activeTextEditor?.document.uri;
  if (fields.isPending === true) return service.redispatch({ dispatchId, uri, replaceElectrons: {}, reusePreviousResults: false, isPending: true });

  if (apiCall) {
    if (fields.args !== undefined && typeof fields.args !== 'string') throw new Error('`args` are the new inputs in Python call syntax, as text.');
    if (fields.reusePreviousResults !== undefined && typeof fields.reusePreviousResults !== 'boolean') throw new Error('`reusePreviousResults` must be true or false.');
    return withDispatchProgress('Redispatching…', () =>
      service.redispatch({
        dispatchId: dispatchId as string,
        uri,
        replaceElectrons: parseReplaceElectrons(fields.replaceElectrons),
        reusePreviousResults: (fields.reusePreviousResults as boolean | undefined) ?? context.config.reusePreviousResults,
        args: fields.args as string | undefined,
      }),
    );
  }

  const replaceElectrons = uri ? await askForReplacements(context, service, dispatchId, uri) : {};
  const reuse = await askForReuse(context);
  const args = await vscode.window.showInputBox({
    title: 'Redispatch: inputs',
    prompt: `New inputs in Python call syntax, or empty for the previous ones${parent?.inputs ? ` (${parent.inputs})` : ''}.`,
    placeHolder: parent?.inputs ? `previous: ${parent.inputs}` : 'empty: the previous inputs',
    ignoreFocusOut: true,
    validateInput: (value) => validateInputs(context, uri, value),
  });
  if (args === undefined) throw new UserCancelled();
  const newId = await withDispatchProgress('Redispatching…', () =>
    service.redispatch({ dispatchId: dispatchId as string, uri, replaceElectrons, reusePreviousResults: reuse, args }),
  );
  announce('Redispatched', newId);
  return newId;
}

/** Tasks of the earlier dispatch to replace; pre-selected: those whose source in the file changed since. */
async function askForReplacements(context: CovalentContext, service: DispatchService, dispatchId: string, uri: vscode.Uri): Promise<Record<string, string>> {
  const server = context.store.get(dispatchId)?.origin?.serverAddress ?? context.config.dispatcherAddress;
  const [{ electrons }, stored] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Covalent: comparing electrons with the earlier dispatch…' },
    async () => Promise.all([service.request(uri, 'electrons', await service.workflowSource(uri)), context.servers.client(server).details.taskSources(dispatchId)]),
  );
  if (!electrons.length) return {};
  const changed = new Set(changedElectrons(electrons, stored));
  const tasks = [...stored.keys()].sort();
  const items = tasks.map((task) => ({
    label: task,
    description: !electrons.some((electron) => electron.name === task) ? 'not in this file any more' : changed.has(task) ? 'changed since that dispatch' : 'unchanged',
    picked: changed.has(task),
    task,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Redispatch: replace which tasks with the electrons of this file? (changed ones are selected)',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked) throw new UserCancelled();
  const replacements: Record<string, string> = {};
  for (const { task } of picked) {
    const same = electrons.some((electron) => electron.name === task);
    const others = electrons.filter((electron) => electron.name !== task);
    if (same && !others.length) {
      replacements[task] = task;
      continue;
    }
    const choice = await vscode.window.showQuickPick(
      [
        ...(same ? [{ label: task, description: 'its current definition', electron: task }] : []),
        ...others.map((electron) => ({ label: electron.name, description: 'another electron of this file', electron: electron.name })),
      ],
      { title: `Replace ${task} with which electron?`, ignoreFocusOut: true },
    );
    if (!choice) throw new UserCancelled();
    replacements[task] = choice.electron;
  }
  return replacements;
}

async function askForReuse(context: CovalentContext): Promise<boolean> {
  const reuse = { label: 'Reuse previous results', detail: 'Tasks whose inputs and definition did not change are not run again. Do not use with stochastic tasks: they would keep their old random results.', reuse: true };
  const recompute = { label: 'Run every task again', detail: 'Nothing is reused.', reuse: false };
  const items = context.config.reusePreviousResults ? [reuse, recompute] : [recompute, reuse];
  const picked = await vscode.window.showQuickPick(items, { title: 'Redispatch: reuse previous results?', ignoreFocusOut: true });
  if (!picked) throw new UserCancelled();
  return picked.reuse;
}

async function askForTarget(context: CovalentContext): Promise<{ uri: vscode.Uri; lattice: string }> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'python') throw new Error('Open the Python file with the workflow, then run the command again.');
  const uri = editor.document.uri;
  const service = new DispatchService(context);
  service.requireTrust('Dispatching');
  const { lattices } = await service.request(uri, 'electrons', await service.workflowSource(uri));
  if (!lattices.length) throw new Error(`${vscode.workspace.asRelativePath(uri)} defines no Covalent lattice (a function decorated with @ct.lattice).`);
  if (lattices.length === 1) return { uri, lattice: lattices[0] };
  const picked = await vscode.window.showQuickPick(lattices, { title: 'Dispatch which lattice?' });
  if (!picked) throw new UserCancelled();
  return { uri, lattice: picked };
}

async function askForInputs(context: CovalentContext, uri: vscode.Uri, lattice: string, value: string): Promise<string> {
  const inputs = await vscode.window.showInputBox({
    title: `Inputs for ${lattice}`,
    prompt: 'Python call arguments, for example 1, 2 or a=1, b=[1, 2] (names from the module work too)',
    value,
    ignoreFocusOut: true,
    validateInput: (text) => validateInputs(context, uri, text),
  });
  if (inputs === undefined) throw new UserCancelled();
  return inputs;
}

/** The bridge parses the inputs as Python would and says where they go wrong. */
async function validateInputs(context: CovalentContext, uri: vscode.Uri | undefined, text: string): Promise<string | undefined> {
  if (!text.trim()) return undefined;
  try {
    await new DispatchService(context).request(uri, 'checkInputs', { args: text.trim() });
    return undefined;
  } catch (error) {
    if (isBridgeError(error, 'inputSyntax')) return `${error.message}\n${text.trim()}\n${' '.repeat(error.data.column ?? 0)}^`;
    return undefined; // other problems are reported when dispatching
  }
}

async function askForTasks(context: CovalentContext, dispatchId: string): Promise<number[] | undefined> {
  const tasks = (context.store.graph(dispatchId)?.tasks ?? []).filter((task) => !task.name.startsWith(':') && !isTerminal(task.status));
  if (!tasks.length) return undefined;
  const whole = { label: 'The whole dispatch', nodeId: -1 };
  const picked = await vscode.window.showQuickPick([whole, ...tasks.map((task) => ({ label: `${task.nodeId}: ${task.name}`, description: task.status, nodeId: task.nodeId }))], {
    title: 'Cancel the whole dispatch or chosen tasks?',
    canPickMany: true,
  });
  if (!picked?.length) throw new UserCancelled();
  if (picked.some((item) => item.nodeId < 0)) return undefined;
  return picked.map((item) => item.nodeId);
}

function dispatchItems(states: readonly DispatchState[]) {
  return states.map((state) => ({
    label: state.origin?.latticeName ?? state.name ?? state.dispatchId,
    description: `${state.status} · ${state.dispatchId}`,
    detail: [state.origin?.inputs ? `inputs: ${state.origin.inputs}` : undefined, state.createdAt ? new Date(state.createdAt).toLocaleString() : undefined].filter(Boolean).join(' · '),
    dispatchId: state.dispatchId,
  }));
}

async function pickDispatch(context: CovalentContext, title: string, filter: (state: DispatchState) => boolean): Promise<string> {
  const candidates = context.store.all().filter(filter);
  if (!candidates.length) throw new Error(`${title.replace(/\?$/, '')}: there is none to choose from yet in this window.`);
  const picked = await vscode.window.showQuickPick(dispatchItems(candidates), { title, matchOnDescription: true, matchOnDetail: true });
  if (!picked) throw new UserCancelled();
  return picked.dispatchId;
}

function withDispatchProgress<T>(title: string, task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Covalent: ${title}` }, task));
}

/** Dispatch and Dispatch with Inputs end alike once they have their inputs: dispatch under a progress, then say so. */
async function dispatchAnnounced(service: DispatchService, target: { uri: vscode.Uri; lattice: string }, args: string | undefined, disableRun: boolean | undefined): Promise<string> {
  const dispatchId = await withDispatchProgress(`Dispatching ${target.lattice}…`, () => service.dispatch({ ...target, args, disableRun }));
  announce(`Dispatched ${target.lattice}`, dispatchId);
  return dispatchId;
}

function announce(what: string, dispatchId: string): void {
  void vscode.window.setStatusBarMessage(`Covalent: ${what} — ${dispatchId}`, 8000);
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
