/**
 * The requests the Python bridge (the python/covalent_bridge package) answers, and the
 * errors it gives. Plain types: no `vscode`, so the bridge tests in plain Node.
 */

export interface InitializeResult {
  readonly protocolVersion: number;
  readonly executable: string;
  readonly pythonVersion: string;
  /** `null` when `import covalent` failed in that interpreter. */
  readonly covalentVersion: string | null;
  readonly covalentImportError: string | null;
  readonly pid: number;
}

/** Where the workflow comes from: a file on disk, or the editor's unsaved buffer of it. */
export interface WorkflowSource extends WorkspaceFolders {
  /** Absolute file system path of the Python file. */
  readonly file: string;
  /** The editor's text, when dispatching an unsaved buffer. */
  readonly source?: string;
}

/**
 * Bearer tokens of the servers a call talks to (server address → token). The
 * bridge adds each to that server's requests only, for this call only: one bridge
 * serves several servers, so nothing process-wide (no environment variable) holds them.
 */
export interface ServerTokens {
  readonly tokens?: Readonly<Record<string, string>>;
}

export interface WorkspaceFolders {
  /**
   * The editor's workspace folders (paths), the file's own first: importable, and
   * the file's one is the working directory and the project whose modules are
   * shipped with the workflow. A file outside all of them is its own project
   * (its package root, or its folder).
   */
  readonly workspaceFolders?: readonly string[];
}

export interface DispatchParams extends WorkflowSource, ServerTokens {
  readonly lattice: string;
  /** Inputs in Python call syntax: `1, 2` or `a=1, b=[1, 2]`. */
  readonly args?: string;
  readonly dispatcherAddress: string;
  readonly disableRun?: boolean;
  /** Where the lattice's triggers register when they name no server (default: the dispatcher). */
  readonly triggersServerAddress?: string;
}

export interface DispatchResult {
  readonly dispatchId: string;
}

export interface WaitParams extends ServerTokens {
  readonly dispatchId: string;
  readonly dispatcherAddress: string;
  readonly pollIntervalMs?: number;
}

export interface SyncResult {
  readonly dispatchId: string;
  readonly status: string;
  /** The result in the server's string form (the TransportableObject's `object_string`). */
  readonly result: string | null;
  readonly error: string | null;
}

export interface RedispatchParams extends Partial<WorkflowSource>, WorkspaceFolders, ServerTokens {
  readonly dispatchId: string;
  readonly dispatcherAddress: string;
  /** Task name in the earlier dispatch → name of the electron in `file` that replaces it. */
  readonly replaceElectrons?: Readonly<Record<string, string>>;
  readonly reusePreviousResults?: boolean;
  /** Absent or empty: the previous inputs. */
  readonly args?: string;
  readonly isPending?: boolean;
}

export interface CancelParams extends ServerTokens {
  readonly dispatchId: string;
  readonly dispatcherAddress: string;
  readonly taskIds?: readonly number[];
}

export interface StopTriggersParams extends ServerTokens {
  readonly dispatchIds: readonly string[];
  readonly triggersServerAddress: string;
}

export interface ElectronSource {
  readonly name: string;
  /** What Covalent stores as the electron's `function_string` (without its trailing blank lines). */
  readonly source: string | null;
}

export interface ElectronsResult {
  readonly electrons: readonly ElectronSource[];
  readonly lattices: readonly string[];
}

export interface PreviewParams extends WorkflowSource {
  readonly lattice: string;
  /** Inputs in Python call syntax, as for a dispatch. */
  readonly args?: string;
  /** A graph with more nodes comes back as counts only (`truncated`). */
  readonly maxNodes?: number;
}

/** A node of a previewed graph, in the server's graph shape plus the function it runs. */
export interface PreviewNodeData {
  /** The transport graph's node number (`id` and `node_id` alike: there is no database row). */
  readonly id: number;
  readonly node_id: number;
  readonly name: string;
  /** Named as the server names it: function, parameter, sublattice, electron_list, … */
  readonly type: string;
  /** The user's function this node runs (a sublattice's lattice; the lattice itself for post-processing), where it is defined. */
  readonly function?: string;
  readonly file?: string;
  readonly line?: number;
}

export interface PreviewLinkData {
  readonly source: number;
  readonly target: number;
  readonly edge_name?: string | null;
  readonly parameter_type?: string | null;
  readonly arg_index?: number | null;
}

export interface PreviewResult {
  readonly lattice: string;
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** More nodes than `maxNodes`: `nodes` and `links` are empty, `summary` has the counts. */
  readonly truncated: boolean;
  readonly nodes: readonly PreviewNodeData[];
  readonly links: readonly PreviewLinkData[];
  /** Nodes per function (per kind for parameters), most first. */
  readonly summary: readonly { readonly name: string; readonly type: string; readonly count: number }[];
}

/** Method name → [params, result]. */
export interface BridgeMethods {
  initialize: [Record<string, never>, InitializeResult];
  dispatch: [DispatchParams, DispatchResult];
  waitForResult: [WaitParams, SyncResult];
  redispatch: [RedispatchParams, DispatchResult];
  cancel: [CancelParams, { message: string }];
  stopTriggers: [StopTriggersParams, { stopped: string[] }];
  electrons: [WorkflowSource, ElectronsResult];
  checkInputs: [{ args: string }, { ok: true }];
  previewGraph: [PreviewParams, PreviewResult];
}

export type BridgeMethod = keyof BridgeMethods;

/** What went wrong, as the bridge classifies it (the `kind` of its error data). */
export type BridgeErrorKind =
  | 'covalentMissing'
  | 'fileNotFound'
  | 'importFailed'
  | 'latticeNotFound'
  | 'notALattice'
  | 'electronNotFound'
  | 'fileRequired'
  /** The lattice has required parameters the inputs leave without a value. */
  | 'inputsMissing'
  | 'inputsMismatch'
  | 'dispatchNotFound'
  /** A module-level value of the project cannot be pickled, so its code cannot be shipped. */
  | 'notPicklable'
  | 'inputSyntax'
  | 'inputEvaluation'
  /** The lattice raised while Covalent built its graph (`frames`: where, in the user's code). */
  | 'graphFailed'
  | 'serverUnreachable'
  | 'serverError'
  | 'sdkError'
  | 'unsupported'
  | 'unknownMethod'
  | 'internal'
  /** Raised on the TypeScript side: the process could not start or died. */
  | 'bridgeDied'
  | 'interpreterNotFound'
  | 'cancelled';

export interface BridgeErrorData {
  readonly kind: BridgeErrorKind;
  readonly traceback?: string;
  /** For `inputSyntax`: zero-based position in the typed inputs. */
  readonly line?: number;
  readonly column?: number;
  readonly text?: string;
  readonly available?: string[];
  readonly executable?: string;
  readonly status?: number;
  /** For `inputsMissing`: the parameters without a value, and all of them as inputs to fill in (`values=, by=0`). */
  readonly missing?: string[];
  readonly template?: string;
  /** For `graphFailed`: the traceback's frames in the user's code, innermost last (1-based lines). */
  readonly frames?: readonly { readonly file: string; readonly line: number; readonly name: string }[];
}

/** A request the bridge could not fulfil. Nothing was dispatched unless `kind` says otherwise. */
export class BridgeError extends Error {
  constructor(
    message: string,
    readonly data: BridgeErrorData,
  ) {
    super(message);
    this.name = 'BridgeError';
  }

  get kind(): BridgeErrorKind {
    return this.data.kind;
  }
}

export function isBridgeError(error: unknown, kind?: BridgeErrorKind): error is BridgeError {
  return error instanceof BridgeError && (kind === undefined || error.kind === kind);
}
