import * as vscode from 'vscode';
import type { ProgressListener } from '../bridge/bridgeProcess';
import { BridgeError, isBridgeError, type SyncResult } from '../bridge/protocol';
import type { DispatchOptions } from '../dispatch/dispatchService';
import { cancelledOutcome, describeProgress, ProgressIncrements } from '../dispatch/submissions';
import { startLocalServer, stopLocalServer } from '../localServer/serverCommands';
import type { Services } from '../services';
import { isTerminal } from '../store/types';
import { readCancelRequest, readDispatchId, readDispatchIds, readDispatchRequest, readRedispatchRequest, readTarget } from './arguments';
import { workflowFileOf } from '../notebook/notebookCells';
import { fromPerson, type Invocation } from '../util/invocation';
import { askForInputs, askForRedispatchInputs, askForReplacements, askForReuse, askForTarget, askForTasks, pickDispatch, type WhereToRun } from './prompts';
import { askForExecutors, chooseWhereToRun } from './executorPrompts';
import { describeChoice, type ExecutorChoice, isAsWritten } from '../executors/choice';
import { type CommandTable, runsUserCode } from './types';
import { Commands } from '../util/commandIds';

/**
 * Dispatch, redispatch, cancel, triggers and the local server. With the public
 * API's argument object a command asks nothing and returns its result; a person
 * (lens, tree row, panel, palette) is asked for whatever the argument lacks.
 */
export const dispatchCommands: CommandTable = {
  [Commands.dispatch]: runsUserCode('Dispatching', async (services, invocation) => {
    // Nothing given or remembered: the bridge says whether the lattice needs inputs; a person is then asked for them.
    const { target, args, disableRun, executors } = await dispatchInputs(services, invocation, {});
    // Where it runs is in the lens row next to this lens: the box asks only for the missing inputs.
    const ask = invocation.interactive ? (template: string) => askForInputs(services, target.uri, target.lattice, template) : undefined;
    return dispatchAnnounced(services, { ...target, args, disableRun, executors, askForInputs: ask });
  }),

  [Commands.dispatchWithInputs]: runsUserCode('Dispatching', async (services, invocation) => {
    const { target, args, disableRun, executors } = await dispatchInputs(services, invocation, { askAlways: true });
    return dispatchAnnounced(services, { ...target, args, disableRun, executors });
  }),

  [Commands.saveWithoutRunning]: runsUserCode('Saving a dispatch', async (services, invocation) => {
    const { target, args, executors } = await dispatchInputs(services, invocation, { askAlways: invocation.source === 'palette', askWhenNoneRemembered: true });
    const dispatchId = await withSubmissionProgress(services, 'Saving', `Saving ${target.lattice} without running`, (token, onProgress) =>
      services.dispatch.dispatch({ ...target, args, disableRun: true, executors }, token, onProgress),
    );
    announce(`Saved ${target.lattice} without running (Covalent: Run Saved Dispatch starts it)`, dispatchId);
    return dispatchId;
  }),

  [Commands.dispatchSync]: runsUserCode('Dispatching', async (services, invocation): Promise<Omit<SyncResult, 'error'>> => {
    const { target, args, executors } = await dispatchInputs(services, invocation, { askWhenNoneRemembered: invocation.source === 'palette' });
    const service = services.dispatch;
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Covalent: running ${target.lattice}`, cancellable: true },
      async (progress, token) => {
        progress.report({ message: 'dispatching…' });
        const dispatchId = await service
          .dispatch({ ...target, args, executors }, token, (report) => progress.report({ message: `dispatching: ${describeProgress(report).message}` }))
          .catch((error: unknown) => {
            throw isBridgeError(error, 'cancelled') ? saidCancelled('Dispatch', error) : error;
          });
        progress.report({ message: `waiting for ${dispatchId}… (cancel stops waiting, not the dispatch)` });
        try {
          return await service.waitForResult(dispatchId, token);
        } catch (error) {
          if (isBridgeError(error, 'cancelled')) {
            void vscode.window.showInformationMessage(`Stopped waiting for ${target.lattice}; dispatch ${dispatchId} goes on.`);
            return { dispatchId, status: services.store.get(dispatchId)?.status ?? 'RUNNING', result: null, error: null };
          }
          throw error;
        }
      },
    );
    const summary =
      outcome.status === 'COMPLETED'
        ? `${target.lattice} completed: ${truncate(outcome.result ?? 'None', 200)}`
        : `${target.lattice}: ${outcome.status}${outcome.error ? ` — ${truncate(outcome.error, 200)}` : ''}`;
    void vscode.window.showInformationMessage(summary, 'Open Result').then((choice) => {
      if (choice) void vscode.commands.executeCommand(Commands.openResult, fromPerson('notification', { dispatchId: outcome.dispatchId }));
    });
    return { dispatchId: outcome.dispatchId, status: outcome.status, result: outcome.result };
  }),

  [Commands.redispatch]: runsUserCode('Redispatching', (services, invocation) => (invocation.interactive ? redispatchAsked(services, invocation) : redispatchRequested(services, invocation))),

  [Commands.runSaved]: runsUserCode('Running a saved dispatch', async (services, invocation) => {
    const dispatchId =
      invocation.argument !== undefined
        ? readDispatchId(invocation.argument)
        : await pickDispatch(services, { title: 'Run which saved dispatch?', filter: (state) => state.status === 'NEW_OBJECT' || state.origin?.disableRun === true });
    const started = await withDispatchProgress('Starting the saved dispatch…', () => services.dispatch.runSaved(dispatchId));
    announce('Started saved dispatch', started);
    return started;
  }),

  [Commands.cancel]: runsUserCode('Cancelling through the Python SDK', async (services, invocation) => {
    let request: { dispatchId: string; taskIds?: number[] };
    if (invocation.argument !== undefined) request = readCancelRequest(invocation.argument);
    else {
      const dispatchId = await pickDispatch(services, { title: 'Cancel which dispatch?', filter: (state) => !isTerminal(state.status) });
      request = { dispatchId, taskIds: await askForTasks(services, dispatchId) };
    }
    const message = await services.dispatch.cancel(request.dispatchId, request.taskIds);
    if (invocation.interactive) void vscode.window.setStatusBarMessage(`Covalent: ${message || `cancel requested for ${request.dispatchId}`}`, 5000);
    return message;
  }),

  [Commands.stopTriggers]: runsUserCode('Stopping triggers through the Python SDK', async (services, invocation) => {
    let dispatchIds: string[];
    if (invocation.argument !== undefined) dispatchIds = readDispatchIds(invocation.argument);
    else {
      const picked = await vscode.window.showQuickPick(
        services.store.all().map((state) => ({ label: state.origin?.latticeName ?? state.name ?? state.dispatchId, description: `${state.status} · ${state.dispatchId}`, dispatchId: state.dispatchId })),
        { title: 'Stop the triggers of which dispatches?', canPickMany: true, matchOnDescription: true },
      );
      if (!picked?.length) return undefined;
      dispatchIds = picked.map((item) => item.dispatchId);
    }
    const stopped = await services.dispatch.stopTriggers(dispatchIds);
    if (invocation.interactive) void vscode.window.showInformationMessage(`Covalent: stopped the triggers of ${stopped.length} dispatch(es).`);
    return stopped;
  }),

  [Commands.startServer]: runsUserCode('Starting the local server', (services) => startLocalServer(services)),
  [Commands.stopServer]: runsUserCode('Stopping the local server', (services) => stopLocalServer(services)),
};

interface DispatchInputs {
  readonly target: { uri: vscode.Uri; lattice: string };
  readonly args?: string;
  readonly disableRun?: boolean;
  /** Where to run: the API's `executor`/`executors`; for a person, the lattice's remembered choice. */
  readonly executors?: ExecutorChoice;
}

/**
 * The lattice and its inputs. The API gives both (inputs absent: the ones last
 * used for that lattice); a lens or row gives the lattice, the palette nothing,
 * and a person is asked for the rest.
 */
async function dispatchInputs(services: Services, invocation: Invocation, ask: { askAlways?: boolean; askWhenNoneRemembered?: boolean }): Promise<DispatchInputs> {
  if (!invocation.interactive) {
    const request = readDispatchRequest(invocation.argument);
    return { target: { uri: toUri(request.uri), lattice: request.lattice }, args: request.args, disableRun: request.disableRun, executors: request.executors };
  }
  const given = invocation.argument !== undefined ? readTarget(invocation.argument) : undefined;
  const target = given?.uri && given.lattice ? { uri: toUri(given.uri), lattice: given.lattice } : await askForTarget(services);
  // A panel that shows a lattice with its inputs (a graph preview) dispatches exactly those.
  if (given?.args !== undefined && !ask.askAlways) return { target, args: given.args, executors: services.choices.rememberedExecutors(target.uri, target.lattice) ?? {} };
  const remembered = services.choices.rememberedInputs(target.uri, target.lattice);
  let args: string | undefined;
  if (ask.askAlways || (ask.askWhenNoneRemembered && remembered === undefined)) {
    // Dispatch with Inputs… (and the palette's Save Without Running): the box can also change where it runs.
    args = await askForInputs(services, target.uri, target.lattice, remembered ?? '', whereToRun(services, target));
  }
  // Read after the inputs box: its button may have changed it.
  return { target, args, executors: services.choices.rememberedExecutors(target.uri, target.lattice) ?? {} };
}

/** The inputs box's "where to run" button: the lattice's remembered choice, changed in place. */
function whereToRun(services: Services, target: { uri: vscode.Uri; lattice: string }): WhereToRun {
  const choices = services.choices;
  return {
    describe: () => describeChoice(choices.rememberedExecutors(target.uri, target.lattice)),
    change: async () => {
      await chooseWhereToRun(services, target);
    },
  };
}

/** `covalent.redispatch` from the API: everything is in the argument. */
async function redispatchRequested(services: Services, invocation: Invocation): Promise<string> {
  const request = readRedispatchRequest(invocation.argument);
  const parent = services.store.get(request.dispatchId)?.origin;
  const uri = request.uri ? toUri(request.uri) : parent?.fileUri ? vscode.Uri.parse(parent.fileUri) : undefined;
  if (request.isPending) return services.dispatch.redispatch({ dispatchId: request.dispatchId, uri, replaceElectrons: {}, reusePreviousResults: false, isPending: true });
  return withSubmissionProgress(services, 'Redispatch', 'Redispatching', (token, onProgress) =>
    services.dispatch.redispatch(
      {
        dispatchId: request.dispatchId,
        uri,
        replaceElectrons: request.replaceElectrons ?? {},
        reusePreviousResults: request.reusePreviousResults ?? services.settings.current.reusePreviousResults,
        args: request.args,
        executors: request.executors,
      },
      token,
      onProgress,
    ),
  );
}

/** `covalent.redispatch` by a person: a row or panel names the dispatch, a lens the lattice; the rest is asked. */
async function redispatchAsked(services: Services, invocation: Invocation): Promise<string> {
  const given = invocation.argument !== undefined ? readTarget(invocation.argument) : {};
  let uri = given.uri ? toUri(given.uri) : undefined;
  let dispatchId = given.dispatchId;
  if (!dispatchId) {
    // A lens gives { uri, lattice }: choose among this lattice's earlier dispatches.
    const lattice = given.lattice;
    const editing = uri ?? vscode.window.activeTextEditor?.document.uri;
    const file = editing && workflowFileOf(editing).toString();
    dispatchId = await pickDispatch(services, {
      title: lattice ? `Redispatch which earlier dispatch of ${lattice}?` : 'Redispatch which dispatch?',
      filter: (state) => (lattice && file ? state.origin?.fileUri === file && state.origin?.latticeName === lattice : state.origin !== undefined),
    });
  }
  const parent = services.store.get(dispatchId)?.origin;
  uri ??= parent?.fileUri ? vscode.Uri.parse(parent.fileUri) : vscode.window.activeTextEditor?.document.uri;
  const replaceElectrons = uri ? await askForReplacements(services, dispatchId, uri) : {};
  const reusePreviousResults = await askForReuse(services);
  const args = await askForRedispatchInputs(services, uri, parent?.inputs);
  const executors = await askForExecutors(services, {
    title: 'Redispatch: where to run?',
    uri,
    current: parent?.executors,
    keep: parent && !isAsWritten(parent.executors)
      ? { label: `As dispatched: ${describeChoice(parent.executors)}`, detail: 'The same choice as the earlier dispatch.', choice: parent.executors }
      : { label: 'As the earlier dispatch ran', detail: 'Its tasks keep their executors (as written, when the graph is built again with new inputs or electrons).', choice: undefined },
  });
  const chosen = dispatchId;
  const newId = await withSubmissionProgress(services, 'Redispatch', 'Redispatching', (token, onProgress) =>
    services.dispatch.redispatch({ dispatchId: chosen, uri, replaceElectrons, reusePreviousResults, args, executors }, token, onProgress),
  );
  announce('Redispatched', newId);
  return newId;
}

/** A file URI string (or a plain path) as the `vscode.Uri` it names. */
export function toUri(value: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value) ? vscode.Uri.parse(value) : vscode.Uri.file(value);
}

/** A progress notification a person can cancel: cancelling stops the request's Python process (nothing more is sent). */
function withDispatchProgress<T>(title: string, task: (token: vscode.CancellationToken) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Covalent: ${title}`, cancellable: true }, (_progress, token) => task(token)),
  );
}

/**
 * A submission (dispatch, save, redispatch) under a progress notification that shows its phase
 * and counts as the bridge reports them, and whose Cancel cancels the submission: while the
 * graph is built its request's process is stopped; once registered, the uploads stop and what
 * was registered is deleted. A cancel ends the command with a `cancelled` error that says what
 * was left on the server (a person is told, not shown an error); `services.submissions` lists
 * the submission meanwhile, with the same Cancel.
 */
function withSubmissionProgress<T>(
  services: Services,
  what: string,
  title: string,
  task: (token: vscode.CancellationToken, onProgress: ProgressListener) => Promise<T>,
): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Covalent: ${title}`, cancellable: true }, async (progress, shown) => {
      const cancel = new vscode.CancellationTokenSource();
      const linked = shown.onCancellationRequested(() => cancel.cancel());
      const submission = services.submissions.begin(title, () => cancel.cancel());
      const bar = new ProgressIncrements();
      try {
        return await task(cancel.token, (report) => {
          submission.report(report);
          const { message, percent } = describeProgress(report);
          progress.report({ message, increment: bar.to(percent) });
        });
      } catch (error) {
        throw isBridgeError(error, 'cancelled') ? saidCancelled(what, error) : error;
      } finally {
        submission.end();
        linked.dispose();
        cancel.dispose();
      }
    }),
  );
}

/** A cancelled submission's error, its outcome told: nothing left on the server, or the dispatch that is. */
function saidCancelled(what: string, error: BridgeError): BridgeError {
  const outcome = cancelledOutcome(what, error.data);
  if (outcome.leftOnServer) void vscode.window.showWarningMessage(`Covalent: ${outcome.message}`);
  else void vscode.window.showInformationMessage(`Covalent: ${outcome.message}`);
  return new BridgeError(outcome.message, error.data);
}

/** Dispatch and Dispatch with Inputs end alike once they have their inputs: dispatch under a progress, then say so. */
async function dispatchAnnounced(services: Services, options: DispatchOptions): Promise<string> {
  const where = isAsWritten(options.executors) ? '' : ` ${describeChoice(options.executors)}`;
  const dispatchId = await withSubmissionProgress(services, 'Dispatch', `Dispatching ${options.lattice}${where}`, (token, onProgress) =>
    services.dispatch.dispatch(options, token, onProgress),
  );
  announce(`Dispatched ${options.lattice}${where}`, dispatchId);
  return dispatchId;
}

function announce(what: string, dispatchId: string): void {
  void vscode.window.setStatusBarMessage(`Covalent: ${what} — ${dispatchId}`, 8000);
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
