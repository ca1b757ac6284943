import * as vscode from 'vscode';
import { isBridgeError } from '../bridge/protocol';
import { outcomeSummary, type RunTaskResult } from '../replay/replayPlan';
import { FunctionNotInWorkspace, type TaskRequest } from '../replay/taskReplay';
import type { Services } from '../services';
import { UserCancelled } from '../util/errors';
import { isDispatchId, readCompareRequest, readTaskRequest } from './arguments';
import { toUri } from './dispatch';
import { fromPerson, type Invocation } from '../util/invocation';
import { pickDispatch } from './prompts';
import { command, type CommandTable, runsUserCode } from './types';
import { Commands } from '../util/commandIds';

/**
 * Investigating a task: run or debug it here with the inputs the server recorded,
 * and compare it with the same task of another dispatch. The public API gets the
 * outcome back; a person (tree row, result panel, quick fix, palette) is asked
 * for what is missing and shown the outcome with links to the code.
 */
export const replayCommands: CommandTable = {
  [Commands.runTaskLocally]: runsUserCode('Running a task locally', async (services, invocation) => {
    const request = await taskRequest(services, invocation, 'Run which task locally?');
    const result = await withStoredFunctionOffer(services, invocation, request, (chosen) => runWithProgress(services, chosen));
    if (invocation.interactive) showOutcome(services, chosen(request, result), result);
    return result;
  }),

  [Commands.debugTask]: runsUserCode('Debugging a task locally', async (services, invocation) => {
    const request = await taskRequest(services, invocation, 'Debug which task locally?');
    return withStoredFunctionOffer(services, invocation, request, (chosen) =>
      cancellable(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Covalent: preparing task ${chosen.taskId} for the debugger`, cancellable: true },
          (progress, token) => services.replay.debug(chosen, progress, token),
        ),
      ),
    );
  }),

  [Commands.compareTask]: command(async (services, invocation) => {
    let request: { dispatchId: string; otherDispatchId: string; taskId: number };
    if (!invocation.interactive) request = readCompareRequest(invocation.argument);
    else {
      const { dispatchId, taskId } = await taskRequest(services, invocation, 'Compare which task?');
      const name = services.store.get(dispatchId)?.name ?? services.store.get(dispatchId)?.origin?.latticeName;
      const otherDispatchId = await pickDispatch(services, {
        title: `Compare task ${taskId} with the same task of which dispatch${name ? ` of ${name}` : ''}?`,
        filter: (state) => state.dispatchId !== dispatchId && (!name || (state.name ?? state.origin?.latticeName) === name),
        allowTyping: true,
      });
      request = { dispatchId, otherDispatchId, taskId };
    }
    if (!isDispatchId(request.otherDispatchId)) throw new Error(`"${request.otherDispatchId}" is not a Covalent dispatch id.`);
    return services.compare.compare(request.dispatchId, request.otherDispatchId, request.taskId);
  }),
};

/** The task a row, panel, quick fix or API call names; from the palette, the one the person picks. */
async function taskRequest(services: Services, invocation: Invocation, title: string): Promise<TaskRequest> {
  if (invocation.argument !== undefined) {
    const request = readTaskRequest(invocation.argument);
    if (!isDispatchId(request.dispatchId)) throw new Error(`"${request.dispatchId}" is not a Covalent dispatch id (a UUID such as 4ec8b431-d437-4bf6-b364-f37a4ef5c082).`);
    return { ...request, uri: request.uri ? toUri(request.uri) : undefined };
  }
  const dispatchId = await pickDispatch(services, { title, allowTyping: true });
  const manifest = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Covalent: reading the dispatch…' }, () =>
    services.servers.client(services.dispatch.serverOf(dispatchId)).details.manifest(dispatchId),
  );
  const tasks = [...manifest.nodes.values()].filter((node) => !node.name.startsWith(':'));
  if (!tasks.length) throw new Error(`Dispatch ${dispatchId} has no tasks to replay.`);
  const picked = await vscode.window.showQuickPick(
    tasks.map((node) => ({ label: node.name, description: `task ${node.nodeId}${node.status ? ` · ${node.status}` : ''}`, nodeId: node.nodeId })),
    { title, matchOnDescription: true },
  );
  if (!picked) throw new UserCancelled();
  return { dispatchId, taskId: picked.nodeId };
}

/**
 * Runs `use` with the workspace's function; when the electron is gone from the
 * workspace a person is offered the function the server stored (an API caller
 * gets the error, which names `useStoredFunction`).
 */
async function withStoredFunctionOffer<T>(services: Services, invocation: Invocation, request: TaskRequest, use: (request: TaskRequest) => Promise<T>): Promise<T> {
  try {
    return await use(request);
  } catch (error) {
    const missing = error instanceof FunctionNotInWorkspace || isBridgeError(error, 'electronNotFound');
    if (!missing || !invocation.interactive || request.useStoredFunction) throw error;
    const stored = 'Use the Stored Function';
    const choice = await vscode.window.showWarningMessage(
      `Covalent: ${error instanceof Error ? error.message.replace(/ Run the function the server stored.*$/, '') : String(error)}`,
      { modal: true, detail: 'The server stored the function it ran: run that one with the recorded inputs instead?' },
      stored,
    );
    if (choice !== stored) throw new UserCancelled();
    services.output.info(`Using the function the server stored for task ${request.taskId} of ${request.dispatchId}.`);
    return use({ ...request, useStoredFunction: true });
  }
}

/** Which function a run used, for the message: the request says whether the stored one was chosen. */
function chosen(request: TaskRequest, result: RunTaskResult): TaskRequest {
  return { ...request, useStoredFunction: result.functionFrom === 'stored' };
}

function runWithProgress(services: Services, request: TaskRequest): Promise<RunTaskResult> {
  return cancellable(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Covalent: task ${request.taskId} of ${request.dispatchId.slice(0, 8)}`, cancellable: true },
      (progress, token) => services.replay.run(request, progress, token),
    ),
  );
}

/** The progress's Cancel ends the command quietly, as a dismissed question does. */
async function cancellable<T>(work: Thenable<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isBridgeError(error, 'cancelled')) throw new UserCancelled();
    throw error;
  }
}

/** The outcome for a person: the result and how it compares, or the error with a link to where it was raised. */
function showOutcome(services: Services, request: TaskRequest, result: RunTaskResult): void {
  const graph = services.store.graph(request.dispatchId);
  const task = graph?.tasks.find((candidate) => candidate.nodeId === request.taskId);
  const name = task?.name ?? `Task ${request.taskId}`;
  const frame = result.location;
  const where = frame ? `${vscode.workspace.asRelativePath(frame.file)}:${frame.line}` : undefined;
  const summary = `Covalent: ${outcomeSummary(name, result, where)}`;
  if (result.status === 'completed') {
    void vscode.window.showInformationMessage(summary, 'Show Output').then((choice) => choice && services.output.show(true));
    return;
  }
  void vscode.window.showErrorMessage(summary, ...(frame ? ['Go to Error'] : []), 'Debug Task', 'Show Output').then(async (choice) => {
    if (choice === 'Go to Error' && frame) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(frame.file));
      const line = document.lineAt(Math.min(Math.max(0, frame.line - 1), document.lineCount - 1));
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(line.range.start.translate(0, line.firstNonWhitespaceCharacterIndex), line.range.end) });
    } else if (choice === 'Debug Task') {
      await vscode.commands.executeCommand(Commands.debugTask, fromPerson('notification', { dispatchId: request.dispatchId, taskId: request.taskId, useStoredFunction: request.useStoredFunction }));
    } else if (choice === 'Show Output') services.output.show(true);
  });
}
