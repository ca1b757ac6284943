import type { ResultDetailsReader } from '../covalent/resultDetails';
import type { PreviewGraph } from '../preview/previewGraph';
import type { RunTaskResult } from '../replay/replayPlan';

/**
 * What the agent tools need from their host: the editor (language model tools,
 * through the services its commands use) or the MCP server (the bridge, the
 * Covalent client and the language server's parser, without `vscode`). Files
 * here are absolute paths; the tools turn the model's paths into them.
 */
export interface AgentBackend {
  /** The workspace folder relative paths are read from (the first one), if any. */
  readonly workspaceFolder: string | undefined;
  /** The module-level lattices of the workspace's Python files and notebooks. */
  workflows(): Promise<readonly WorkflowLocation[]>;
  preview(request: LatticeRequest): Promise<PreviewGraph>;
  dispatch(request: LatticeRequest & { readonly executor?: string }): Promise<string>;
  redispatch(request: RedispatchRequest): Promise<string>;
  cancel(dispatchId: string): Promise<void>;
  runTaskLocally(dispatchId: string, taskId: number): Promise<RunTaskResult>;
  /** The server a dispatch is on (or, without one, where a dispatch would go). */
  serverOf(dispatchId?: string): string;
  /** Reads a server's dispatches through the client that carries its token. */
  reader(server: string): ResultDetailsReader;
  /** Where a task's function is defined in the workspace now, preferring the file its dispatch came from. */
  currentSource(name: string, dispatchId: string): Promise<SourceText | undefined>;
  /** A failure in words that say what to do (missing Covalent, server down, token wanted…). */
  explain(error: unknown): string;
}

export interface WorkflowLocation {
  /** Absolute path of the `.py` file or notebook. */
  readonly path: string;
  readonly lattice: string;
  /** 1-based line of the definition (in a notebook: in its cell). */
  readonly line: number;
  readonly cell?: number;
  readonly parameters?: readonly string[];
}

export interface LatticeRequest {
  readonly path: string;
  readonly lattice: string;
  readonly args: string;
}

export interface RedispatchRequest {
  readonly dispatchId: string;
  readonly path?: string;
  readonly replaceElectrons?: Readonly<Record<string, string>>;
  readonly reusePreviousResults?: boolean;
  readonly args?: string;
}

export interface SourceText {
  readonly path: string;
  /** 1-based first line. */
  readonly line: number;
  readonly text: string;
}
