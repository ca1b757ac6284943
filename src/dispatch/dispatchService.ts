import * as vscode from 'vscode';
import type { ProgressListener } from '../bridge/bridgeProcess';
import { BridgeError, isBridgeError, type SyncResult, type WorkflowSource } from '../bridge/protocol';
import type { Core } from '../core';
import { messageOf } from '../util/errors';
import { choiceParams, describeChoice, type ExecutorChoice, normalizeChoice, readProfiles } from '../executors/choice';
import { type DispatchOrigin, isDispatchStatus } from '../store/types';
import type { BridgeCalls } from './bridgeCalls';
import { fileKey, type LatticeChoices } from './latticeChoices';
import { type WorkflowSources, workspaceFoldersFor } from './workflowSources';

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

/** What the dispatch operations work with; src/extension.ts builds each once. */
export interface DispatchParts {
  readonly core: Core;
  readonly calls: BridgeCalls;
  readonly sources: WorkflowSources;
  readonly choices: LatticeChoices;
}

/**
 * The dispatch operations: dispatch, redispatch, start a saved one, wait,
 * cancel, stop triggers. Each resolves its workflow source once, records what
 * it made in the one store and remembers the choices it was given. No UI here:
 * commands (src/commands/) do the asking and check workspace trust.
 */
export class DispatchService {
  private readonly core: Core;
  private readonly calls: BridgeCalls;
  private readonly sources: WorkflowSources;
  private readonly choices: LatticeChoices;

  constructor(parts: DispatchParts) {
    ({ core: this.core, calls: this.calls, sources: this.sources, choices: this.choices } = parts);
  }

  get dispatcherAddress(): string {
    return this.core.settings.current.dispatcherAddress;
  }

  /** The server a dispatch lives on (where it was sent, or the server that listed it); else the active one. */
  serverOf(dispatchId: string): string {
    return this.core.store.serverOf(dispatchId) ?? this.dispatcherAddress;
  }

  /**
   * Dispatches (or saves, with `disableRun`); `onProgress` gets the submission's progress. A
   * cancel rejects with a `cancelled` BridgeError whose data says whether a dispatch is left on the server.
   */
  async dispatch(options: DispatchOptions, token?: vscode.CancellationToken, onProgress?: ProgressListener): Promise<string> {
    // Dispatches and inputs are kept per file: a notebook's, whichever cell dispatched.
    const fileUri = fileKey(options.uri);
    const remembered = options.args ?? this.choices.inputs.get(fileUri, options.lattice);
    let args = (remembered ?? '').trim();
    const executors = normalizeChoice(options.executors);
    const executorParams = choiceParams(executors, readProfiles(this.core.settings.current.executors));
    const source = await this.sources.resolve(options.uri);
    const serverAddress = this.dispatcherAddress;
    let submittedAt = Date.now();
    const send = () =>
      this.calls.request(
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
        onProgress,
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
      if (args && args !== this.choices.inputs.get(fileUri, options.lattice)) await this.choices.inputs.remember(fileUri, options.lattice, args);
      throw await this.withdrawn(error, serverAddress);
    }
    this.core.store.track(dispatchId, { serverAddress, fileUri, latticeName: options.lattice, inputs: args, disableRun: options.disableRun, submittedAt, executors });
    await this.choices.inputs.remember(fileUri, options.lattice, args);
    if (options.executors !== undefined) await this.choices.executors.remember(fileUri, options.lattice, executors);
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
    const result = await this.calls.request(
      origin?.fileUri ? vscode.Uri.parse(origin.fileUri) : undefined,
      'waitForResult',
      { dispatchId, dispatcherAddress: this.serverOf(dispatchId), pollIntervalMs: this.core.settings.current.pollIntervalMs },
      token,
    );
    if (isDispatchStatus(result.status)) this.core.store.update(dispatchId, { status: result.status });
    return result;
  }

  /** Redispatches; `onProgress` and a cancel as for `dispatch`. */
  async redispatch(options: RedispatchOptions, token?: vscode.CancellationToken, onProgress?: ProgressListener): Promise<string> {
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
    const source: Partial<WorkflowSource> = uri && (replacing || args !== '') ? await this.sources.resolve(uri) : workspaceFoldersFor(uri);
    const serverAddress = this.serverOf(options.dispatchId);
    const submittedAt = Date.now();
    const { dispatchId } = await this.calls
      .request(
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
        onProgress,
      )
      .catch(async (error: unknown) => {
        throw await this.withdrawn(error, serverAddress);
      });
    if (options.isPending) {
      this.core.store.track(dispatchId, { serverAddress, disableRun: false });
      this.core.output.info(`Started saved dispatch ${dispatchId}`);
      return dispatchId;
    }
    const origin: DispatchOrigin = {
      serverAddress,
      fileUri: uri ? fileKey(uri) : parent?.fileUri,
      latticeName: parent?.latticeName,
      inputs: args || parent?.inputs,
      parentDispatchId: options.dispatchId,
      submittedAt,
      // No choice: the stored graph runs as before, unless new inputs or electrons built it again as written.
      executors: options.executors !== undefined ? executors : args || replacing ? undefined : parent?.executors,
    };
    this.core.store.track(dispatchId, origin);
    if (args && origin.fileUri && origin.latticeName) await this.choices.inputs.remember(origin.fileUri, origin.latticeName, args);
    const replaced = Object.entries(options.replaceElectrons).map(([task, electron]) => (task === electron ? task : `${task}→${electron}`));
    this.core.output.info(
      `Redispatched ${options.dispatchId} as ${dispatchId} (replace: ${replaced.join(', ') || 'none'}; reuse previous results: ${options.reusePreviousResults}; inputs: ${args || 'previous'}; executors: ${options.executors === undefined ? 'as before' : describeChoice(executors)})`,
    );
    return dispatchId;
  }

  /**
   * A cancelled submission whose dispatch the bridge could not delete (its request's process
   * was killed, or the delete failed there): deleted from here, through the server's client,
   * and the error says so. Any other error as it was.
   */
  private async withdrawn(error: unknown, serverAddress: string): Promise<unknown> {
    if (!isBridgeError(error, 'cancelled') || !error.data.dispatchId) return error;
    const dispatchId = error.data.dispatchId;
    // The live views may have listed it while it was registered: the store forgets it with the server.
    if (!error.data.leftOnServer) {
      this.core.store.forget(dispatchId);
      return error;
    }
    try {
      const deleted = await this.core.servers.client(serverAddress).deleteDispatches([dispatchId]);
      if (deleted.includes(dispatchId)) {
        this.core.store.forget(dispatchId);
        this.core.output.info(`Deleted the cancelled dispatch ${dispatchId} from ${serverAddress}.`);
        return new BridgeError(error.message, { ...error.data, leftOnServer: false, error: undefined });
      }
      return error;
    } catch (failure) {
      this.core.output.warn(`Deleting the cancelled dispatch ${dispatchId} from ${serverAddress} failed: ${messageOf(failure)}`);
      return new BridgeError(error.message, { ...error.data, error: [error.data.error, messageOf(failure)].filter(Boolean).join('; then: ') });
    }
  }

  /** Starts a dispatch saved with `disable_run` (`is_pending=True`). */
  async runSaved(dispatchId: string): Promise<string> {
    return this.redispatch({ dispatchId, replaceElectrons: {}, reusePreviousResults: false, isPending: true });
  }

  async cancel(dispatchId: string, taskIds?: readonly number[]): Promise<string> {
    const origin = this.core.store.get(dispatchId)?.origin;
    const { message } = await this.calls.request(origin?.fileUri ? vscode.Uri.parse(origin.fileUri) : undefined, 'cancel', {
      dispatchId,
      taskIds: taskIds && taskIds.length ? taskIds : undefined,
      dispatcherAddress: this.serverOf(dispatchId),
    });
    this.core.output.info(`Cancel ${dispatchId}${taskIds?.length ? ` tasks ${taskIds.join(', ')}` : ''}: ${message}`);
    return message;
  }

  async stopTriggers(dispatchIds: readonly string[]): Promise<string[]> {
    const { stopped } = await this.calls.request(undefined, 'stopTriggers', {
      dispatchIds,
      triggersServerAddress: this.core.settings.current.triggersServerAddress,
    });
    this.core.output.info(`Stopped the triggers of ${stopped.join(', ')}`);
    return stopped;
  }
}
