import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { AgentBackend, LatticeRequest, RedispatchRequest, SourceText, WorkflowLocation } from '../agentTools/backend';
import { workflowLocations } from '../agentTools/workflowList';
import { BridgePool } from '../bridge/bridgePool';
import type { BridgeLogger, BridgeProcess } from '../bridge/bridgeProcess';
import { type BridgeMethod, type BridgeMethods, isBridgeError, type WorkflowSource } from '../bridge/protocol';
import { CovalentClient } from '../covalent/client';
import { choiceParams } from '../executors/choice';
import type { ResultDetailsReader } from '../covalent/resultDetails';
import { ipynbCodeCells } from '../languageServer/notebookFile';
import { createPythonParser, wasmBesides } from '../languageServer/pythonParser';
import { WorkspaceIndex } from '../languageServer/workspaceIndex';
import { PREVIEW_MAX_NODES, type PreviewGraph, previewGraphOf } from '../preview/previewGraph';
import { type RunTaskResult, runTaskResult } from '../replay/replayPlan';
import { messageOf } from '../util/errors';
import { findDefinition } from './workspaceDefinitions';

export interface McpOptions {
  /** The Covalent server every dispatch goes to. */
  readonly server: string;
  /** The interpreter that imports the workflows (it needs Covalent). */
  readonly python: string;
  /** The workspace: relative paths are read from it, its files are listed. */
  readonly workspace: string;
  /** The server's bearer token (from COVALENT_TOKEN or a token file, never the command line). */
  readonly token?: string;
  /** The folder holding this bundle: the bridge package and the parser's WebAssembly are beside it. */
  readonly distFolder: string;
  readonly logger: BridgeLogger;
  /** Bounds the user's code and each server request (seconds). */
  readonly buildSeconds?: number;
  readonly requestSeconds?: number;
}

/**
 * The agent tools outside the editor: the same bridge requests the editor's
 * dispatch service makes, the same Covalent client for reads, and the language
 * server's parser for the workspace's lattices. No `vscode` here.
 */
export class McpBackend implements AgentBackend {
  private readonly bridges: BridgePool;
  private readonly client: CovalentClient;
  /** What this session dispatched, and from which file (replay and redispatch start from it). */
  private readonly origins = new Map<string, { path: string; lattice: string; args: string }>();
  private index: Promise<WorkspaceIndex> | undefined;

  constructor(private readonly options: McpOptions) {
    this.bridges = new BridgePool(path.join(options.distFolder, 'bridge', 'covalent_bridge'), options.logger);
    this.client = new CovalentClient({ baseUrl: options.server.replace(/\/+$/, ''), timeoutMs: (options.requestSeconds ?? 30) * 1000, token: () => options.token });
  }

  get workspaceFolder(): string {
    return this.options.workspace;
  }

  async workflows(): Promise<WorkflowLocation[]> {
    // Read afresh each time: the agent edits files between calls.
    this.index = this.freshIndex();
    const index = await this.index;
    // A notebook's lattice is named by its notebook's URI (with the cell in the fragment).
    return workflowLocations(index.all(), (lattice) => fileURLToPath(lattice.uri.replace(/#.*$/, '')));
  }

  async preview(request: LatticeRequest): Promise<PreviewGraph> {
    const result = await this.request('previewGraph', { ...(await this.sourceOf(request.path)), lattice: request.lattice, args: request.args, maxNodes: PREVIEW_MAX_NODES });
    return previewGraphOf(result);
  }

  async dispatch(request: LatticeRequest & { readonly executor?: string }): Promise<string> {
    const { dispatchId } = await this.request('dispatch', {
      ...(await this.sourceOf(request.path)),
      lattice: request.lattice,
      args: request.args,
      dispatcherAddress: this.options.server,
      executors: choiceParams(request.executor ? { all: request.executor } : undefined, { profiles: new Map(), problems: new Map() }),
    });
    this.origins.set(dispatchId, { path: request.path, lattice: request.lattice, args: request.args });
    return dispatchId;
  }

  async redispatch(request: RedispatchRequest): Promise<string> {
    const parent = this.origins.get(request.dispatchId);
    const file = request.path ?? parent?.path;
    const replacing = Object.keys(request.replaceElectrons ?? {}).length > 0;
    if (replacing && !file) throw new Error(`Replacing electrons needs the file they come from: pass "file" (dispatch ${request.dispatchId} was not made in this session).`);
    const args = request.args?.trim() ?? '';
    const source: Partial<WorkflowSource> = file && (replacing || args) ? await this.sourceOf(file) : { workspaceFolders: [this.options.workspace] };
    const { dispatchId } = await this.request('redispatch', {
      ...source,
      dispatchId: request.dispatchId,
      dispatcherAddress: this.options.server,
      replaceElectrons: request.replaceElectrons ?? {},
      reusePreviousResults: request.reusePreviousResults ?? true,
      args,
    });
    if (parent || file) this.origins.set(dispatchId, { path: file ?? parent?.path ?? '', lattice: parent?.lattice ?? '', args: args || (parent?.args ?? '') });
    return dispatchId;
  }

  async cancel(dispatchId: string): Promise<void> {
    await this.request('cancel', { dispatchId, dispatcherAddress: this.options.server });
  }

  async runTaskLocally(dispatchId: string, taskId: number): Promise<RunTaskResult> {
    const manifest = await this.client.details.manifest(dispatchId);
    const node = manifest.nodes.get(taskId);
    if (!node) throw new Error(`Dispatch ${dispatchId} has no task ${taskId}.`);
    const definition = await findDefinition(this.options.workspace, node.name, this.origins.get(dispatchId)?.path);
    if (!definition) throw new Error(`The electron ${node.name} is not defined in ${this.options.workspace}: run it from a workspace that has its source.`);
    const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-replay-'));
    try {
      const prepared = await this.request('replayPrepare', {
        dispatchId,
        dispatcherAddress: this.options.server,
        taskId,
        bundleDir,
        function: await this.sourceOf(definition.path),
        workspaceFolders: [this.options.workspace],
      });
      const outcome = await this.request('replayRun', { bundle: prepared.bundle });
      const serverError = outcome.status === 'failed' && prepared.serverStatus === 'FAILED' ? await this.client.details.taskError(dispatchId, taskId).catch(() => undefined) : undefined;
      return runTaskResult(outcome, prepared.function.from, prepared.serverStatus, serverError);
    } finally {
      fs.rmSync(bundleDir, { recursive: true, force: true });
    }
  }

  serverOf(): string {
    return this.options.server;
  }

  reader(): ResultDetailsReader {
    return this.client.details;
  }

  async currentSource(name: string, dispatchId: string): Promise<SourceText | undefined> {
    return findDefinition(this.options.workspace, name, this.origins.get(dispatchId)?.path);
  }

  explain(error: unknown): string {
    if (isBridgeError(error, 'covalentMissing')) return `${error.message} Start the MCP server with --python naming an interpreter that has Covalent.`;
    return messageOf(error);
  }

  async dispose(): Promise<void> {
    await this.bridges.dispose();
  }

  /** A started bridge whose interpreter has Covalent. */
  private async bridge(): Promise<BridgeProcess> {
    const bridge = this.bridges.get(this.options.python);
    const info = await bridge.ready;
    if (!info.covalentVersion) throw new Error(`Covalent is not installed in ${info.executable}: install it there (pip install covalent), or start the MCP server with --python naming an interpreter that has it.`);
    return bridge;
  }

  private async request<M extends BridgeMethod>(method: M, params: BridgeMethods[M][0]): Promise<BridgeMethods[M][1]> {
    const bridge = await this.bridge();
    const tokens = this.options.token ? { tokens: { [this.options.server]: this.options.token } } : {};
    const limits = { buildSeconds: this.options.buildSeconds ?? 300, requestSeconds: this.options.requestSeconds ?? 30 };
    return bridge.request(method, { ...params, ...tokens, limits });
  }

  /** The file as the bridge imports it: a notebook's code cells, as the editor sends an unopened notebook's. */
  private async sourceOf(file: string): Promise<WorkflowSource> {
    const workspaceFolders = [this.options.workspace];
    if (!file.toLowerCase().endsWith('.ipynb')) return { file, workspaceFolders };
    const cells = ipynbCodeCells(await fs.promises.readFile(file, 'utf8'));
    if (!cells) throw new Error(`${file} cannot be read as a Jupyter notebook with Python cells.`);
    return { file, workspaceFolders, notebook: { cells } };
  }

  private async freshIndex(): Promise<WorkspaceIndex> {
    const parser = await createPythonParser(wasmBesides(this.options.distFolder));
    const index = new WorkspaceIndex(parser, () => undefined);
    await index.scan([pathToFileURL(this.options.workspace).toString()]);
    return index;
  }
}
