/**
 * The requests the Python bridge (the python/covalent_bridge package) answers, and the
 * errors it gives. Plain types: no `vscode`, so the bridge tests in plain Node.
 */
import type { ServerTokens } from './serverTokens';
import type { RenderValueParams, RenderValueResult } from './renderValue';

/**
 * The version of the requests and errors below. The bridge answers its own in
 * `initialize` (`PROTOCOL_VERSION` in its protocol.py); a bridge that answers another
 * is refused, since its files belong to another version of the extension.
 */
export const PROTOCOL_VERSION = 1;

export interface InitializeResult {
  readonly protocolVersion: number;
  readonly executable: string;
  readonly pythonVersion: string;
  /** `null` when `import covalent` failed in that interpreter. */
  readonly covalentVersion: string | null;
  readonly covalentImportError: string | null;
  readonly pid: number;
}

/** Where the workflow comes from: a file on disk, the editor's unsaved buffer of it, or a notebook's cells. */
export interface WorkflowSource extends WorkspaceFolders {
  /** Absolute file system path of the Python file (or of the notebook). */
  readonly file: string;
  /** The editor's text, when dispatching an unsaved buffer. */
  readonly source?: string;
  /** A notebook's code cells, run in the notebook's own `__main__` as a kernel would (see NotebookCells). */
  readonly notebook?: NotebookCells;
}

/**
 * A notebook's code cells as the editor shows them (unsaved edits too). The
 * bridge runs them in order as a kernel's `__main__` without their IPython lines,
 * their own dispatch and result statements, and what uses those.
 */
export interface NotebookCells {
  /** Code cells in order: the index of each among all the notebook's cells, and its text. */
  readonly cells: readonly { readonly index: number; readonly source: string }[];
  /**
   * Run the cells up to this index (the cell a lens or a cell URI names). Absent:
   * up to the last cell that defines what the request needs (the lattice, the
   * replacing electrons; every cell for `electrons`).
   */
  readonly stopCell?: number;
}

export type { ServerTokens } from './serverTokens';

/**
 * How long a call may take in the bridge: `buildSeconds` bounds the user's code in
 * its own process (importing, building the graph, unpickling what a server sent;
 * time waiting for a server does not count), `requestSeconds` each request to a
 * server. The editor sends both with every call (see BridgeCalls.request).
 */
export interface RequestLimits {
  readonly limits?: { readonly buildSeconds?: number; readonly requestSeconds?: number };
  /** Set by BridgeProcess when the caller listens to the request's progress (see SubmissionProgress). */
  readonly progressToken?: string;
}

export { PROGRESS_NOTIFICATION, type SubmissionProgress } from './submissionProgress';

export interface WorkspaceFolders {
  /**
   * The editor's workspace folders (paths), the file's own first: importable, and
   * the file's one is the working directory and the project whose modules are
   * shipped with the workflow. A file outside all of them is its own project
   * (its package root, or its folder).
   */
  readonly workspaceFolders?: readonly string[];
}

/** One executor as the bridge builds it: a profile of `covalent.executors`, or a plugin named directly. */
export interface ExecutorSpec {
  /** The name the user chose (the profile's, or the plugin's), for messages. */
  readonly label: string;
  /** The executor plugin's short name (`dask`, `local`, `ssh`). */
  readonly plugin: string;
  /** Its constructor's arguments; none: the server builds it with its own settings. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Named by a profile (else the user named a plugin directly). */
  readonly profile: boolean;
}

/** Where to run, applied to the workflow at dispatch without editing its code; absent: as written. */
export interface ExecutorChoiceParams {
  /** Every electron and the workflow executor. */
  readonly all?: ExecutorSpec;
  /** Task name → its executor. */
  readonly electrons?: Readonly<Record<string, ExecutorSpec>>;
}

export interface DispatchParams extends WorkflowSource, ServerTokens {
  readonly lattice: string;
  /** Inputs in Python call syntax: `1, 2` or `a=1, b=[1, 2]`. */
  readonly args?: string;
  readonly dispatcherAddress: string;
  readonly disableRun?: boolean;
  /** Where the lattice's triggers register when they name no server (default: the dispatcher). */
  readonly triggersServerAddress?: string;
  readonly executors?: ExecutorChoiceParams;
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
  /** A new choice of executors: the graph is built again with it (the previous inputs when `args` is empty). */
  readonly executors?: ExecutorChoiceParams;
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
  /** The executor its decorator names (short name), when it names one. */
  readonly executor?: string | null;
  /** That executor's `executor_data` (`{}` for a bare name). */
  readonly executorData?: unknown;
}

export interface ExecutorParameter {
  readonly name: string;
  /** The default as JSON (its `repr` when it has no JSON form); null also when there is none. */
  readonly default: unknown;
  readonly required: boolean;
}

export interface ExecutorPlugin {
  /** Short name: what `executor="…"` and a profile's `executor` name. */
  readonly name: string;
  readonly className: string;
  readonly description: string;
  readonly parameters: readonly ExecutorParameter[];
}

export interface ElectronsResult {
  readonly electrons: readonly ElectronSource[];
  readonly lattices: readonly string[];
}

/** Replaying one task: what `replayPrepare` downloads into `bundleDir` and checks. */
export interface ReplayPrepareParams extends WorkspaceFolders, ServerTokens {
  readonly dispatchId: string;
  /** The server holding the dispatch: every download goes there. */
  readonly dispatcherAddress: string;
  /** Covalent's node id of the task. */
  readonly taskId: number;
  /** An empty folder of the editor's choosing: the bundle, removed by the editor afterwards. */
  readonly bundleDir: string;
  /** Run the function the server stored instead of the workspace's current one. */
  readonly useStoredFunction?: boolean;
  /** The module that defines (or imports) the electron, imported as a dispatch would. */
  readonly function?: WorkflowSource;
}

export interface ReplayPrepared {
  /** The bundle file the runner takes. */
  readonly bundle: string;
  /** The runner program (replay_runner.py) and the package folder it belongs to. */
  readonly runner: string;
  readonly packageFolder: string;
  /** The working directory the task runs in (the project's root). */
  readonly cwd: string;
  readonly taskName: string;
  /** Each parameter the task receives and the recorded value's string form (cut). */
  readonly inputs: readonly { readonly name: string; readonly text: string }[];
  /** Where the function comes from, and where it is defined when known. */
  readonly function: { readonly from: 'workspace' | 'stored'; readonly file?: string; readonly line?: number };
  readonly serverStatus: string;
  /** debugpy's version in this interpreter, null when it is not installed. */
  readonly debugpy: string | null;
}

export interface ReplayFrame {
  readonly file: string;
  readonly line: number;
  readonly function: string;
}

/** What running the task here gave (the runner writes it). */
export interface ReplayOutcome {
  readonly status: 'completed' | 'failed';
  /** The result's string form (`str`, as the server stores it), cut when very long. */
  readonly result?: string;
  readonly resultType?: string;
  /** `Type: message` of the exception. */
  readonly error?: string;
  readonly errorType?: string;
  readonly traceback?: string;
  /** The traceback's frames, the task's first (the runner's own are left out). */
  readonly frames?: readonly ReplayFrame[];
  /** For a completed run: equal to the result the server recorded. */
  readonly sameAsServer?: boolean;
  /** What the task printed. */
  readonly output?: string;
}

/** A line of the user's code in a traceback: in a file, or in a notebook's cell (`cell`: its index, `line` in the cell). */
export interface SourceFrame {
  readonly file: string;
  readonly cell?: number;
  readonly line: number;
  readonly name: string;
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
  /** In a notebook (`file`): the code cell's index; `line` is then the line in that cell. */
  readonly cell?: number;
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

export type { RenderValueParams, RenderValueResult, ValueSource } from './renderValue';

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
  executorPlugins: [Record<string, never>, { plugins: ExecutorPlugin[] }];
  replayPrepare: [ReplayPrepareParams, ReplayPrepared];
  replayRun: [{ bundle: string }, ReplayOutcome];
  previewGraph: [PreviewParams, PreviewResult];
  renderValue: [RenderValueParams, RenderValueResult];
}

export type BridgeMethod = keyof BridgeMethods;

/** Every method of BridgeMethods by name (the object literal must name each one, and no other). */
export const BRIDGE_METHODS = Object.keys({
  initialize: true,
  dispatch: true,
  waitForResult: true,
  redispatch: true,
  cancel: true,
  stopTriggers: true,
  electrons: true,
  checkInputs: true,
  executorPlugins: true,
  replayPrepare: true,
  replayRun: true,
  previewGraph: true,
  renderValue: true,
} satisfies Record<BridgeMethod, true>) as readonly BridgeMethod[];

/** What went wrong, as the bridge classifies it (the `kind` of its error data), by name. */
export const BRIDGE_ERROR_KINDS = [
  'covalentMissing',
  'fileNotFound',
  'importFailed',
  'latticeNotFound',
  'notALattice',
  'electronNotFound',
  'fileRequired',
  // A notebook cell that is not Python (its number and line are in the message), or a lattice defined after the cell it is dispatched from.
  'notebookCell',
  // The lattice has required parameters the inputs leave without a value.
  'inputsMissing',
  'inputsMismatch',
  'dispatchNotFound',
  // Redispatch: the dispatch has not finished and never will (saved without running), so Covalent cannot redispatch it.
  'dispatchNotFinished',
  // Replay: the dispatch has no such node; a task's input was never computed on the server.
  'taskNotFound',
  'inputsNotRecorded',
  // A recorded value (an input, the stored function) does not unpickle in this interpreter.
  'notUnpicklable',
  // The process running a replayed task died before it finished.
  'replayCrashed',
  // A recorded value the server would not give, or an archive Covalent cannot read.
  'valueUnavailable',
  // Debugging a task needs debugpy in the interpreter.
  'debugpyMissing',
  // A module-level value of the project cannot be pickled, so its code cannot be shipped.
  'notPicklable',
  // An executor named by a profile or directly is not a plugin installed in the interpreter.
  'executorNotInstalled',
  // The executor plugin refused a profile's constructor arguments.
  'executorArguments',
  // A per-electron executor choice names a task the workflow does not have.
  'electronNotInWorkflow',
  'inputSyntax',
  'inputEvaluation',
  // The lattice raised while Covalent built its graph (`frames`: where, in the user's code).
  'graphFailed',
  // Importing and building outlasted covalent.buildTimeoutSeconds: the request's process was stopped.
  'buildTimeout',
  // The process that ran the request's user code died before it answered (exit status in words).
  'requestProcessDied',
  'serverUnreachable',
  'serverError',
  'sdkError',
  'unsupported',
  'unknownMethod',
  'internal',
  // Raised on the TypeScript side: the process could not start or died.
  'bridgeDied',
  'interpreterNotFound',
  'cancelled',
  // Raised on the TypeScript side: the bridge answered `initialize` with another PROTOCOL_VERSION.
  'protocolMismatch',
] as const;

export type BridgeErrorKind = (typeof BRIDGE_ERROR_KINDS)[number];

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
  /** For `serverUnreachable`: the server was reached but did not answer within the request timeout. */
  readonly timedOut?: boolean;
  /** For `inputsMissing`: the parameters without a value, and all of them as inputs to fill in (`values=, by=0`). */
  readonly missing?: string[];
  readonly template?: string;
  /** For the executor kinds: the name chosen, the plugin, the package that provides it, the plugins installed. */
  readonly executor?: string;
  readonly plugin?: string;
  readonly package?: string;
  readonly installed?: string[];
  /** The name was a profile's (not a plugin named directly). */
  readonly profile?: boolean;
  /** For `electronNotInWorkflow`: the workflow's tasks. */
  readonly tasks?: string[];
  /** For `notUnpicklable`: the module that is missing, and the libraries the pickle uses. */
  readonly module?: string;
  readonly libraries?: string[];
  /** For `graphFailed`: the traceback's frames in the user's code, innermost last (1-based lines). */
  readonly frames?: readonly SourceFrame[];
  /**
   * For `cancelled`: the dispatch a cancelled submission had registered, and whether it is
   * still on the server (its delete failed: `error` says why).
   */
  readonly dispatchId?: string;
  readonly leftOnServer?: boolean;
  readonly error?: string;
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
