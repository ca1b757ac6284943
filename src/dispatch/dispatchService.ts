import * as vscode from 'vscode';
import type { BridgeProcess } from '../bridge/bridgeProcess';
import { BridgeError, type BridgeMethod, type BridgeMethods, isBridgeError, type RequestLimits, type ServerTokens, type SyncResult, type WorkflowSource, type WorkspaceFolders } from '../bridge/protocol';
import { meansTokenWanted, TokenWantedError } from '../covalent/errors';
import type { CovalentConfig } from '../config';
import type { Core } from '../core';
import { chooseInterpreter, type InterpreterChoice } from '../interpreter/interpreter';
import { isDefaultLocalAddress } from '../localServer/localServer';
import { type DispatchOrigin, isDispatchStatus } from '../store/types';
import { InputsMemory, LatticeMemory } from './inputsMemory';
import { workflowFileOf } from '../notebook/notebookCells';
import { isNotebookTarget, notebookWorkflowSource } from '../notebook/notebookSource';
import { choiceParams, describeChoice, type ExecutorChoice, normalizeChoice, readProfiles } from '../executors/choice';
import { UserCancelled } from '../util/errors';

/** Errors that already carry their advice (explain() may see one twice). */
const explained = new WeakSet<Error>();

export interface DispatchTarget {
  readonly uri: vscode.Uri;
  readonly lattice: string;
}

export interface DispatchOptions extends DispatchTarget {
  /** Python call syntax; `undefined`: the inputs last used for this lattice (or none). */
  readonly args?: string;
  readonly disableRun?: boolean;
  /** Where to run; undefined: the executors as written in the code. Remembered for the lattice when given. */
  readonly executors?: ExecutorChoice;
  /**
   * Asked when `args` is undefined, none are remembered, and the lattice has
   * required parameters: gets the parameters as inputs to fill in (`values=, by=0`).
   */
  readonly askForInputs?: (template: string) => Promise<string>;
}

export interface RedispatchOptions {
  readonly dispatchId: string;
  readonly uri?: vscode.Uri;
  /** Task name → electron of `uri` that replaces it. */
  readonly replaceElectrons: Readonly<Record<string, string>>;
  readonly reusePreviousResults: boolean;
  /** Absent or empty: the previous inputs. */
  readonly args?: string;
  readonly isPending?: boolean;
  /** Where to run; undefined: as the SDK does (the stored graph's executors, or as written when the graph is built again). */
  readonly executors?: ExecutorChoice;
}

/**
 * Everything the dispatch commands do between the editor and the bridge: the
 * interpreter for a file, unsaved buffers, remembered inputs, recording each
 * dispatch in the one store, and turning failures into messages that say what
 * to do. Commands (src/commands/) do the asking and check workspace trust.
 */
export class DispatchService {
  readonly inputs: InputsMemory;
  /** Where each lattice runs when a person dispatches it (the choice shown in its lens row). */
  readonly executorChoices: LatticeMemory<ExecutorChoice>;

  constructor(private readonly core: Core) {
    this.inputs = new InputsMemory(core.extension.workspaceState);
    this.executorChoices = new LatticeMemory<ExecutorChoice>(core.extension.workspaceState, 'covalent.executorsByLattice');
  }

  /** The inputs last used for a lattice (a cell's are its notebook's). */
  rememberedInputs(uri: vscode.Uri, lattice: string): string | undefined {
    return this.inputs.get(workflowFileOf(uri).toString(), lattice);
  }

  /** Remembers a lattice's inputs as its last used ones (a cell's are its notebook's). */
  rememberInputs(uri: vscode.Uri, lattice: string, args: string): Promise<void> {
    return this.inputs.remember(workflowFileOf(uri).toString(), lattice, args);
  }

  /** Where a lattice was last chosen to run (a cell's is its notebook's); undefined: as written. */
  rememberedExecutors(uri: vscode.Uri, lattice: string): ExecutorChoice | undefined {
    return this.executorChoices.get(workflowFileOf(uri).toString(), lattice);
  }

  async rememberExecutors(uri: vscode.Uri, lattice: string, choice: ExecutorChoice | undefined): Promise<void> {
    await this.executorChoices.remember(workflowFileOf(uri).toString(), lattice, normalizeChoice(choice));
  }

  get dispatcherAddress(): string {
    return this.core.settings.current.dispatcherAddress;
  }

  /** The server a dispatch lives on (where it was sent, or the server that listed it); else the active one. */
  serverOf(dispatchId: string): string {
    return this.core.store.serverOf(dispatchId) ?? this.dispatcherAddress;
  }

  /** A started bridge whose interpreter has Covalent. */
  async bridgeFor(resource: vscode.Uri | undefined): Promise<{ bridge: BridgeProcess; interpreter: InterpreterChoice }> {
    const interpreter = await chooseInterpreter(resource && workflowFileOf(resource), this.core.output);
    const bridge = this.core.bridges.get(interpreter.path);
    const info = await bridge.ready;
    if (!info.covalentVersion) {
      this.core.output.warn(`covalent cannot be imported by ${info.executable}:\n${info.covalentImportError ?? ''}`);
      throw new BridgeError(
        `Covalent is not installed in the interpreter ${interpreter.path} (${describeSource(interpreter)}). ` +
          'Install it ("Install Covalent" runs pip install covalent in a terminal), or choose an interpreter that has it.',
        { kind: 'covalentMissing', executable: interpreter.path },
      );
    }
    return { bridge, interpreter };
  }

  async request<M extends BridgeMethod>(
    resource: vscode.Uri | undefined,
    method: M,
    params: BridgeMethods[M][0],
    token?: vscode.CancellationToken,
  ): Promise<BridgeMethods[M][1]> {
    const { bridge } = await this.bridgeFor(resource);
    const servers = serversOf(params);
    const tokens = await this.tokensFor(servers);
    const { buildTimeoutSeconds, requestTimeoutMs } = this.core.settings.current;
    const limits: RequestLimits['limits'] = { buildSeconds: buildTimeoutSeconds, requestSeconds: requestTimeoutMs / 1000 };
    try {
      return await bridge.request(method, { ...params, limits, ...(Object.keys(tokens).length ? { tokens } : {}) }, token);
    } catch (error) {
      throw this.explain(error, { method, server: servers[0], tokenSent: servers[0] !== undefined && servers[0] in tokens });
    }
  }

  /** The tokens of the servers a bridge call talks to: the SDK's requests carry them, each to its own server. */
  private async tokensFor(servers: readonly string[]): Promise<Record<string, string>> {
    const tokens: Record<string, string> = {};
    for (const server of servers) {
      const token = await this.core.servers.tokenOf(server);
      if (token) tokens[server] = token;
    }
    return tokens;
  }

  /**
   * The file as the bridge should import it. Unsaved edits are never dispatched
   * silently: the `covalent.unsavedFiles` setting says whether to save, to send
   * the editor's text, or (default) to ask. A notebook's cells go as the notebook
   * editor shows them, as a kernel would run them. A preview of the graph, which
   * sends nothing anywhere, passes `dispatchBuffer`: it shows what the editor shows.
   */
  async workflowSource(uri: vscode.Uri, unsaved: CovalentConfig['unsavedFiles'] = this.core.settings.current.unsavedFiles): Promise<WorkflowSource> {
    if (isNotebookTarget(uri)) return { ...(await notebookWorkflowSource(uri)), ...workspaceFoldersFor(workflowFileOf(uri)) };
    if (uri.scheme !== 'file') throw new Error(`Only files on disk can be dispatched (this one is ${uri.scheme}:).`);
    const { workspaceFolders } = workspaceFoldersFor(uri);
    if (!vscode.workspace.getWorkspaceFolder(uri)) {
      this.core.output.info(
        `${uri.fsPath} is outside every workspace folder: its own folder (or the root of its package) is taken as its project, the working directory and the code shipped with it.`,
      );
    }
    const withFolders = (source: Omit<WorkflowSource, 'workspaceFolders'>): WorkflowSource => ({ ...source, workspaceFolders });
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
    if (!document?.isDirty) return withFolders({ file: uri.fsPath });
    let choice = unsaved;
    if (choice === 'ask') {
      const save = 'Save and Dispatch';
      const buffer = "Dispatch the Editor's Text";
      const answer = await vscode.window.showWarningMessage(
        `${vscode.workspace.asRelativePath(uri)} has unsaved changes.`,
        { modal: true, detail: 'Covalent imports the file to dispatch it. Save it first, or dispatch what the editor shows without saving?' },
        save,
        buffer,
      );
      if (!answer) throw new UserCancelled();
      choice = answer === save ? 'save' : 'dispatchBuffer';
    }
    if (choice === 'save') {
      if (!(await document.save())) throw new Error(`${vscode.workspace.asRelativePath(uri)} could not be saved; nothing was dispatched.`);
      return withFolders({ file: uri.fsPath });
    }
    return withFolders({ file: uri.fsPath, source: document.getText() });
  }

  async dispatch(options: DispatchOptions, token?: vscode.CancellationToken): Promise<string> {
    // Dispatches and inputs are kept per file: a notebook's, whichever cell dispatched.
    const fileUri = workflowFileOf(options.uri).toString();
    const remembered = options.args ?? this.inputs.get(fileUri, options.lattice);
    let args = (remembered ?? '').trim();
    const executors = normalizeChoice(options.executors);
    const executorParams = choiceParams(executors, readProfiles(this.core.settings.current.executors));
    const source = await this.workflowSource(options.uri);
    const serverAddress = this.dispatcherAddress;
    let submittedAt = Date.now();
    const send = () =>
      this.request(
        options.uri,
        'dispatch',
        {
          ...source,
          lattice: options.lattice,
          args,
          dispatcherAddress: serverAddress,
          disableRun: options.disableRun,
          triggersServerAddress: this.core.settings.current.triggersServerAddress,
          executors: executorParams,
        },
        token,
      );
    let dispatchId: string;
    try {
      try {
        ({ dispatchId } = await send());
      } catch (error) {
        // Nothing given, nothing remembered, and the lattice needs inputs: ask rather than fail.
        if (!(isBridgeError(error, 'inputsMissing') && remembered === undefined && options.askForInputs)) throw error;
        args = (await options.askForInputs(error.data.template ?? '')).trim();
        submittedAt = Date.now();
        ({ dispatchId } = await send());
      }
    } catch (error) {
      // What was typed survives the failure: the retry (or the next inputs box) starts from it.
      if (args && args !== this.inputs.get(fileUri, options.lattice)) await this.inputs.remember(fileUri, options.lattice, args);
      throw error;
    }
    this.core.store.track(dispatchId, { serverAddress, fileUri, latticeName: options.lattice, inputs: args, disableRun: options.disableRun, submittedAt, executors });
    await this.inputs.remember(fileUri, options.lattice, args);
    if (options.executors !== undefined) await this.executorChoices.remember(fileUri, options.lattice, executors);
    this.core.output.info(`${options.disableRun ? 'Saved' : 'Dispatched'} ${options.lattice} (${args || 'no inputs'}; ${describeChoice(executors)}) to ${serverAddress}: ${dispatchId}`);
    return dispatchId;
  }

  /** `dispatch_sync`: dispatch, then wait (cancellable) for the result in the server's string form. */
  async dispatchSync(options: DispatchOptions, token?: vscode.CancellationToken): Promise<SyncResult> {
    const dispatchId = await this.dispatch(options, token);
    return this.waitForResult(dispatchId, token);
  }

  async waitForResult(dispatchId: string, token?: vscode.CancellationToken): Promise<SyncResult> {
    const origin = this.core.store.get(dispatchId)?.origin;
    const result = await this.request(
      origin?.fileUri ? vscode.Uri.parse(origin.fileUri) : undefined,
      'waitForResult',
      { dispatchId, dispatcherAddress: this.serverOf(dispatchId), pollIntervalMs: this.core.settings.current.pollIntervalMs },
      token,
    );
    if (isDispatchStatus(result.status)) this.core.store.update(dispatchId, { status: result.status });
    return result;
  }

  async redispatch(options: RedispatchOptions, token?: vscode.CancellationToken): Promise<string> {
    const parent = this.core.store.get(options.dispatchId)?.origin;
    const uri = options.uri ?? (parent?.fileUri ? vscode.Uri.parse(parent.fileUri) : undefined);
    const args = options.args?.trim() ?? '';
    const replacing = Object.keys(options.replaceElectrons).length > 0;
    const executors = normalizeChoice(options.executors);
    // Any choice, "as written" (`{}`) included, builds the graph again with it; none keeps the SDK's way.
    const executorParams = options.executors && (choiceParams(executors, readProfiles(this.core.settings.current.executors)) ?? {});
    if (replacing && !uri) {
      throw new Error('Replacing electrons needs the workflow file they come from: pass `uri` (the dispatch was not made from this editor).');
    }
    // New literal inputs need no file: the bridge evaluates them without one and names any other name.
    const source: Partial<WorkflowSource> = uri && (replacing || args !== '') ? await this.workflowSource(uri) : workspaceFoldersFor(uri);
    const serverAddress = this.serverOf(options.dispatchId);
    const submittedAt = Date.now();
    const { dispatchId } = await this.request(
      uri,
      'redispatch',
      {
        ...source,
        dispatchId: options.dispatchId,
        dispatcherAddress: serverAddress,
        replaceElectrons: options.replaceElectrons,
        reusePreviousResults: options.reusePreviousResults,
        args,
        isPending: options.isPending,
        executors: executorParams,
      },
      token,
    );
    if (options.isPending) {
      this.core.store.track(dispatchId, { serverAddress, disableRun: false });
      this.core.output.info(`Started saved dispatch ${dispatchId}`);
      return dispatchId;
    }
    const origin: DispatchOrigin = {
      serverAddress,
      fileUri: uri ? workflowFileOf(uri).toString() : parent?.fileUri,
      latticeName: parent?.latticeName,
      inputs: args || parent?.inputs,
      parentDispatchId: options.dispatchId,
      submittedAt,
      // No choice: the stored graph runs as before, unless new inputs or electrons built it again as written.
      executors: options.executors !== undefined ? executors : args || replacing ? undefined : parent?.executors,
    };
    this.core.store.track(dispatchId, origin);
    if (args && origin.fileUri && origin.latticeName) await this.inputs.remember(origin.fileUri, origin.latticeName, args);
    const replaced = Object.entries(options.replaceElectrons).map(([task, electron]) => (task === electron ? task : `${task}→${electron}`));
    this.core.output.info(
      `Redispatched ${options.dispatchId} as ${dispatchId} (replace: ${replaced.join(', ') || 'none'}; reuse previous results: ${options.reusePreviousResults}; inputs: ${args || 'previous'}; executors: ${options.executors === undefined ? 'as before' : describeChoice(executors)})`,
    );
    return dispatchId;
  }

  /** Starts a dispatch saved with `disable_run` (`is_pending=True`). */
  async runSaved(dispatchId: string): Promise<string> {
    return this.redispatch({ dispatchId, replaceElectrons: {}, reusePreviousResults: false, isPending: true });
  }

  async cancel(dispatchId: string, taskIds?: readonly number[]): Promise<string> {
    const origin = this.core.store.get(dispatchId)?.origin;
    const { message } = await this.request(origin?.fileUri ? vscode.Uri.parse(origin.fileUri) : undefined, 'cancel', {
      dispatchId,
      taskIds: taskIds && taskIds.length ? taskIds : undefined,
      dispatcherAddress: this.serverOf(dispatchId),
    });
    this.core.output.info(`Cancel ${dispatchId}${taskIds?.length ? ` tasks ${taskIds.join(', ')}` : ''}: ${message}`);
    return message;
  }

  async stopTriggers(dispatchIds: readonly string[]): Promise<string[]> {
    const { stopped } = await this.request(undefined, 'stopTriggers', {
      dispatchIds,
      triggersServerAddress: this.core.settings.current.triggersServerAddress,
    });
    this.core.output.info(`Stopped the triggers of ${stopped.join(', ')}`);
    return stopped;
  }

  /** Adds what to do next to the bridge's own description of a failure. */
  explain(error: unknown, call?: BridgeCall): unknown {
    if (!isBridgeError(error) || explained.has(error)) return error;
    const result = this.describe(error, call);
    explained.add(result);
    return result;
  }

  /** A name that is neither a profile nor a plugin: which profiles there are. */
  private profilesHint(error: BridgeError): string {
    if (error.data.profile) return '';
    const names = [...readProfiles(this.core.settings.current.executors).profiles.keys()];
    return names.length ? ` Profiles: ${names.join(', ')}.` : ' Add a profile to the covalent.executors setting, for example "cluster": { "executor": "dask", "scheduler_address": "tcp://10.0.0.5:8786" }.';
  }

  private describe(error: BridgeError, call: BridgeCall | undefined): Error {
    if (error.data.traceback) this.core.output.error(`${error.message}\n${error.data.traceback}`);
    const address = call?.server ?? this.dispatcherAddress;
    if (error.kind === 'serverError' && meansTokenWanted(error.data.status)) {
      const status = error.data.status ?? 401;
      const wanted = new TokenWantedError(address, status, error.message, address, call?.tokenSent ?? false);
      if (call?.method === 'dispatch' || call?.method === 'redispatch') wanted.message += ' Nothing was dispatched.';
      return wanted;
    }
    switch (error.kind) {
      case 'serverUnreachable':
        return new BridgeError(
          `The Covalent server at ${address} did not answer; nothing was dispatched. ` +
            (isDefaultLocalAddress(address) ? 'Start it (Covalent: Start Local Server) ' : 'Check that it runs ') +
            'or change the covalent.dispatcherAddress setting.',
          error.data,
        );
      case 'sdkError':
        if (/TypeError: .*(missing \d+ required|required positional argument|unexpected keyword)/.test(error.message)) {
          return new BridgeError(`${error.message} Give the workflow's inputs (Covalent: Dispatch with Inputs…).`, error.data);
        }
        return error;
      case 'importFailed':
        return new BridgeError(`${error.message} (the traceback is in the Covalent output); nothing was dispatched.`, error.data);
      case 'inputsMissing':
      case 'inputsMismatch':
        return new BridgeError(`${error.message} Give its inputs (Covalent: Dispatch with Inputs…, or \`args\`); nothing was dispatched.`, error.data);
      case 'graphFailed':
        return new BridgeError(`${error.message} Nothing was dispatched; the traceback is in the Covalent output.`, error.data);
      case 'inputSyntax':
      case 'inputEvaluation':
      case 'latticeNotFound':
      case 'notALattice':
      case 'notebookCell':
      case 'fileRequired':
      case 'dispatchNotFound':
      case 'notPicklable':
      case 'executorArguments':
      case 'electronNotInWorkflow':
        return new BridgeError(`${error.message} Nothing was dispatched.`, error.data);
      case 'executorNotInstalled':
        return new BridgeError(`${error.message}${this.profilesHint(error)} Nothing was dispatched.`, error.data);
      default:
        return error;
    }
  }
}

/** What a failed bridge call was doing, for its message: which server, and whether it had a token. */
interface BridgeCall {
  readonly method: BridgeMethod;
  readonly server?: string;
  readonly tokenSent: boolean;
}

/** The servers a bridge call talks to, the main one first. */
function serversOf(params: object): string[] {
  const { dispatcherAddress, triggersServerAddress } = params as { dispatcherAddress?: unknown; triggersServerAddress?: unknown } & ServerTokens;
  return [dispatcherAddress, triggersServerAddress].filter((address, index, all): address is string => typeof address === 'string' && all.indexOf(address) === index);
}

/** The workspace folders for the bridge, the one holding `uri` first. */
function workspaceFoldersFor(uri: vscode.Uri | undefined): Required<WorkspaceFolders> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  const own = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  const ordered = own ? [own, ...folders.filter((folder) => folder !== own)] : folders;
  return { workspaceFolders: ordered.map((folder) => folder.uri.fsPath) };
}

function describeSource(choice: InterpreterChoice): string {
  switch (choice.source) {
    case 'python-extension':
      return 'selected in the Python extension';
    case 'setting':
      return 'from the covalent.pythonPath setting';
    default:
      return 'the default, as neither the Python extension nor covalent.pythonPath chose one';
  }
}
