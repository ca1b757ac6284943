import { readTransportableObject, TransportableObjectFormatError } from './transportableObject';

/**
 * Reads what the result panel shows about one task or one workflow: inputs,
 * result, stdout, stderr, error, source and executor. In Covalent 0.240 the UI
 * API's result endpoints answer 500, so values come from the dispatch's v2
 * manifest, whose assets point at files (`/api/v0/files/...`): `.tobj` archives
 * hold the server's string form of a value, logs are plain text. Large values are
 * read with an HTTP Range request and cut; `fullValue` reads all of one.
 * No `vscode` here: it tests in plain Node.
 */

/** A value as the server prints it, cut when large (same shape as the panel's ValueView). */
export interface ValueText {
  readonly text: string;
  readonly truncated: boolean;
  readonly totalBytes?: number;
  /** Set when the value could not be read; says why. */
  readonly unavailable?: string;
}

export const TASK_FIELDS = ['inputs', 'result', 'stdout', 'stderr', 'error', 'source'] as const;
export type TaskField = (typeof TASK_FIELDS)[number];
export const WORKFLOW_VALUE_FIELDS = ['inputs', 'result', 'error'] as const;
export type WorkflowValueField = (typeof WORKFLOW_VALUE_FIELDS)[number];

export interface TaskDetails {
  readonly dispatchId: string;
  readonly nodeId: number;
  readonly name: string;
  readonly status?: string;
  readonly executor?: string;
  readonly subDispatchId?: string;
  readonly fields: Readonly<Record<TaskField, ValueText>>;
}

export interface WorkflowDetails {
  readonly dispatchId: string;
  readonly name?: string;
  readonly status?: string;
  readonly executor?: string;
  readonly workflowExecutor?: string;
  readonly fields: Readonly<Record<WorkflowValueField, ValueText>>;
}

export interface ResultDetailsOptions {
  /** The server's address without a trailing slash. */
  readonly serverAddress: string;
  readonly timeoutMs: number;
  /** Bytes of a value shown before "show all" (default 16 KiB). */
  readonly previewBytes?: number;
  /** Most bytes "show all" reads (default 8 MiB); beyond that the value stays cut. */
  readonly fullValueBytes?: number;
  /** For unit tests: a fetch that answers like the server. */
  readonly fetch?: typeof fetch;
}

export class DetailsError extends Error {}

interface Asset {
  readonly remoteUri?: string;
  readonly size?: number;
}

interface ManifestNode {
  readonly nodeId: number;
  readonly name: string;
  readonly status?: string;
  readonly executor?: string;
  readonly subDispatchId?: string;
  readonly assets: Readonly<Record<string, Asset>>;
}

/** The parts of `GET /api/v2/dispatches/{id}` the panel reads. */
export interface DispatchManifest {
  readonly dispatchId: string;
  readonly status?: string;
  readonly name?: string;
  readonly executor?: string;
  readonly workflowExecutor?: string;
  readonly assets: Readonly<Record<string, Asset>>;
  readonly latticeAssets: Readonly<Record<string, Asset>>;
  readonly nodes: ReadonlyMap<number, ManifestNode>;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'POSTPROCESSING_FAILED']);
/** A running dispatch's manifest changes as tasks finish: re-read it after this long. */
const MANIFEST_FRESH_MS = 1000;

/** Which manifest asset holds each field. `inputs` of a task is not an asset (see taskInputs). */
const TASK_ASSETS: Readonly<Record<Exclude<TaskField, 'inputs'>, { key: string; archive: boolean }>> = {
  result: { key: 'output', archive: true },
  stdout: { key: 'stdout', archive: false },
  stderr: { key: 'stderr', archive: false },
  error: { key: 'error', archive: false },
  source: { key: 'function_string', archive: false },
};

export class ResultDetailsReader {
  private readonly manifests = new Map<string, { manifest: DispatchManifest; readAt: number }>();
  private readonly previewBytes: number;
  private readonly fullValueBytes: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ResultDetailsOptions) {
    this.previewBytes = options.previewBytes ?? 16 * 1024;
    this.fullValueBytes = options.fullValueBytes ?? 8 * 1024 * 1024;
    this.fetchImpl = options.fetch ?? fetch;
  }

  get serverAddress(): string {
    return this.options.serverAddress;
  }

  async manifest(dispatchId: string): Promise<DispatchManifest> {
    const cached = this.manifests.get(dispatchId);
    if (cached && (TERMINAL.has(cached.manifest.status ?? '') || Date.now() - cached.readAt < MANIFEST_FRESH_MS)) return cached.manifest;
    const url = `${this.options.serverAddress}/api/v2/dispatches/${encodeURIComponent(dispatchId)}`;
    const response = await this.get(url);
    if (response.status === 404) throw new DetailsError(`The Covalent server at ${this.options.serverAddress} does not know dispatch ${dispatchId}.`);
    if (!response.ok) throw new DetailsError(`The Covalent server answered ${response.status} for the manifest of dispatch ${dispatchId}. See the server log (\`covalent logs\`).`);
    let body: unknown;
    try {
      body = JSON.parse(await response.text());
    } catch {
      throw new DetailsError(`The server at ${this.options.serverAddress} sent something that is not JSON for dispatch ${dispatchId}. Check that covalent.dispatcherAddress points at a Covalent server.`);
    }
    const manifest = parseManifest(body, dispatchId);
    this.manifests.set(dispatchId, { manifest, readAt: Date.now() });
    return manifest;
  }

  /**
   * Task name → the source the server stored for it (its `function_string`), for
   * every task but parameters and post-processing: redispatch compares it with the file.
   */
  async taskSources(dispatchId: string): Promise<Map<string, string>> {
    const manifest = await this.manifest(dispatchId);
    const tasks = [...manifest.nodes.values()].filter((node) => !node.name.startsWith(':') && node.assets.function_string?.remoteUri);
    const sources = new Map<string, string>();
    await Promise.all(
      tasks.map(async (node) => {
        const source = await this.readAsset(node.assets.function_string, false, this.fullValueBytes);
        if (source.unavailable) throw new DetailsError(`The source Covalent stored for task ${node.name} of dispatch ${dispatchId} could not be read: ${source.unavailable}`);
        sources.set(node.name, source.text);
      }),
    );
    return sources;
  }

  /** Whether the server knows the dispatch: one small status request, not the manifest. */
  async exists(dispatchId: string): Promise<boolean> {
    const url = `${this.options.serverAddress}/api/v2/dispatches?dispatch_id=${encodeURIComponent(dispatchId)}&status_only=true`;
    const response = await this.get(url);
    if (!response.ok) throw new DetailsError(`The Covalent server answered ${response.status} when asked about dispatch ${dispatchId}.`);
    let body: unknown;
    try {
      body = JSON.parse(await response.text());
    } catch {
      throw new DetailsError(`The server at ${this.options.serverAddress} sent something that is not JSON. Check that covalent.dispatcherAddress points at a Covalent server.`);
    }
    const dispatches = isJson(body) && Array.isArray(body.dispatches) ? body.dispatches : undefined;
    if (!dispatches) throw new DetailsError(`The server at ${this.options.serverAddress} answered a dispatch query with something a Covalent 0.240 server does not send.`);
    return dispatches.some((entry) => isJson(entry) && entry.dispatch_id === dispatchId);
  }

  async task(dispatchId: string, nodeId: number): Promise<TaskDetails> {
    const manifest = await this.manifest(dispatchId);
    const node = manifest.nodes.get(nodeId);
    if (!node) throw new DetailsError(`Dispatch ${dispatchId} has no task ${nodeId}.`);
    const [inputs, result, stdout, stderr, error, source] = await Promise.all([
      this.taskInputs(dispatchId, nodeId),
      this.taskAsset(node, 'result', this.previewBytes),
      this.taskAsset(node, 'stdout', this.previewBytes),
      this.taskAsset(node, 'stderr', this.previewBytes),
      this.taskAsset(node, 'error', this.previewBytes),
      this.taskAsset(node, 'source', this.previewBytes),
    ]);
    return {
      dispatchId,
      nodeId,
      name: node.name,
      status: node.status,
      executor: node.executor,
      subDispatchId: node.subDispatchId,
      fields: { inputs, result, stdout, stderr, error, source },
    };
  }

  async workflow(dispatchId: string): Promise<WorkflowDetails> {
    const manifest = await this.manifest(dispatchId);
    const [inputs, result, error] = await Promise.all([
      this.readAsset(manifest.latticeAssets.inputs, true, this.previewBytes),
      this.readAsset(manifest.assets.result, true, this.previewBytes),
      this.readAsset(manifest.assets.error, false, this.previewBytes),
    ]);
    return {
      dispatchId,
      name: manifest.name,
      status: manifest.status,
      executor: manifest.executor,
      workflowExecutor: manifest.workflowExecutor,
      fields: { inputs, result, error },
    };
  }

  /** One field in full (up to `fullValueBytes`): the panel's "show all". `nodeId` null: the workflow's. */
  async fullValue(dispatchId: string, nodeId: number | null, field: TaskField): Promise<ValueText> {
    const manifest = await this.manifest(dispatchId);
    if (nodeId === null) {
      if (field === 'inputs') return this.readAsset(manifest.latticeAssets.inputs, true, this.fullValueBytes);
      if (field === 'result') return this.readAsset(manifest.assets.result, true, this.fullValueBytes);
      if (field === 'error') return this.readAsset(manifest.assets.error, false, this.fullValueBytes);
      if (field === 'source') return this.readAsset(manifest.latticeAssets.workflow_function_string, false, this.fullValueBytes);
      return { text: '', truncated: false };
    }
    const node = manifest.nodes.get(nodeId);
    if (!node) throw new DetailsError(`Dispatch ${dispatchId} has no task ${nodeId}.`);
    if (field === 'inputs') return this.taskInputs(dispatchId, nodeId);
    return this.taskAsset(node, field, this.fullValueBytes);
  }

  /** Short result strings of many tasks at once (the compare view). */
  async taskResults(dispatchId: string, nodeIds: readonly number[], bytes = 512): Promise<Map<number, string>> {
    const manifest = await this.manifest(dispatchId);
    const results = new Map<number, string>();
    await Promise.all(
      nodeIds.map(async (nodeId) => {
        const node = manifest.nodes.get(nodeId);
        if (!node) return;
        const value = await this.taskAsset(node, 'result', bytes);
        if (!value.unavailable) results.set(nodeId, value.truncated ? `${value.text}…` : value.text);
      }),
    );
    return results;
  }

  /**
   * The dispatch a redispatch was made from. The server does not record it, but
   * a redispatch's manifest points its workflow-level assets (and its reused
   * tasks' assets) at the parent's files.
   */
  async parentOf(dispatchId: string): Promise<string | undefined> {
    const manifest = await this.manifest(dispatchId);
    const owners = new Set<string>();
    for (const asset of Object.values(manifest.latticeAssets)) {
      const owner = asset.remoteUri ? /\/api\/v0\/files\/([^/]+)\//.exec(asset.remoteUri)?.[1] : undefined;
      if (owner) owners.add(decodeURIComponent(owner));
    }
    owners.delete(dispatchId);
    return owners.size === 1 ? [...owners][0] : undefined;
  }

  forget(dispatchId: string): void {
    this.manifests.delete(dispatchId);
  }

  private async taskInputs(dispatchId: string, nodeId: number): Promise<ValueText> {
    // The v1 electron details endpoint for inputs works in 0.240 and gives the
    // string form of the arguments as the task received them.
    const url = `${this.options.serverAddress}/api/v1/dispatches/${encodeURIComponent(dispatchId)}/electron/${nodeId}/details/inputs`;
    try {
      const response = await this.get(url);
      if (!response.ok) return { text: '', truncated: false, unavailable: `the server answered ${response.status} for the task's inputs` };
      const body = JSON.parse(await response.text()) as { data?: unknown };
      const text = typeof body?.data === 'string' ? body.data : '';
      return cut(text, this.previewBytes);
    } catch (error) {
      return { text: '', truncated: false, unavailable: reason(error) };
    }
  }

  private taskAsset(node: ManifestNode, field: Exclude<TaskField, 'inputs'>, limit: number): Promise<ValueText> {
    const { key, archive } = TASK_ASSETS[field];
    return this.readAsset(node.assets[key], archive, limit);
  }

  private async readAsset(asset: Asset | undefined, archive: boolean, limit: number): Promise<ValueText> {
    if (!asset?.remoteUri) return { text: '', truncated: false };
    const url = this.rebase(asset.remoteUri);
    try {
      // Size 0 means the file was never written (no output, no error): the server answers 500 for it.
      if (asset.size === 0) return { text: '', truncated: false };
      return archive ? await this.readArchive(url, limit) : await this.readText(url, limit);
    } catch (error) {
      return { text: '', truncated: false, unavailable: reason(error) };
    }
  }

  private async readText(url: string, limit: number): Promise<ValueText> {
    const { bytes, total } = await this.getRange(url, 0, limit);
    return decodeCut(bytes, limit, total);
  }

  /** A `.tobj`: 16 bytes of offsets, header JSON, the string form, then the pickle (never read). */
  private async readArchive(url: string, limit: number): Promise<ValueText> {
    let { bytes } = await this.getRange(url, 0, limit + 4096);
    if (bytes.byteLength < 16) throw new DetailsError(`the value archive is ${bytes.byteLength} bytes long, too short for a Covalent value`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const stringOffset = Number(view.getBigUint64(0));
    const dataOffset = Number(view.getBigUint64(8));
    if (stringOffset < 16 || dataOffset < stringOffset) throw new DetailsError('the value archive is damaged (its offsets do not fit)');
    const stringBytes = dataOffset - stringOffset;
    if (stringOffset + Math.min(stringBytes, limit) > bytes.byteLength) {
      // A long header (type docstring) pushed the string out of the first read.
      const rest = await this.getRange(url, bytes.byteLength, stringOffset + Math.min(stringBytes, limit) - bytes.byteLength);
      const joined = new Uint8Array(bytes.byteLength + rest.bytes.byteLength);
      joined.set(bytes);
      joined.set(rest.bytes, bytes.byteLength);
      bytes = joined;
    }
    const end = Math.min(stringOffset + stringBytes, stringOffset + limit, bytes.byteLength);
    // Reuse the shared archive reader for the header check; the string we cut ourselves.
    try {
      readTransportableObject(bytes.subarray(0, Math.max(stringOffset, 16)));
    } catch (error) {
      if (error instanceof TransportableObjectFormatError) throw new DetailsError(`the value archive is damaged (${error.message})`);
    }
    return decodeCut(bytes.subarray(stringOffset, end), limit, stringBytes);
  }

  private async getRange(url: string, start: number, length: number): Promise<{ bytes: Uint8Array; total?: number }> {
    const response = await this.get(url, { range: `bytes=${start}-${start + length - 1}` });
    if (response.status === 416) return { bytes: new Uint8Array(), total: start };
    if (!response.ok) throw new DetailsError(`the server answered ${response.status} for ${new URL(url).pathname}`);
    const all = new Uint8Array(await response.arrayBuffer());
    if (response.status === 206) {
      const total = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '')?.[1];
      return { bytes: all, total: total ? Number(total) : undefined };
    }
    // The server ignored the range and sent everything.
    return { bytes: all.subarray(start, start + length), total: all.byteLength };
  }

  /** The manifest names files by the server's own idea of its address; keep the configured one. */
  private rebase(remoteUri: string): string {
    const at = remoteUri.indexOf('/api/v0/files/');
    return at >= 0 ? this.options.serverAddress + remoteUri.slice(at) : remoteUri;
  }

  private async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    try {
      const response = await this.fetchImpl(url, { headers, signal: abort.signal });
      // Read the body before the timer is cleared, so a stalled body times out too.
      const body = await response.arrayBuffer();
      return new Response(response.status === 204 || response.status === 304 ? null : body, { status: response.status, headers: response.headers });
    } catch (error) {
      if (abort.signal.aborted) throw new DetailsError(`the Covalent server at ${this.options.serverAddress} did not answer within ${this.options.timeoutMs} ms`);
      if (error instanceof DetailsError) throw error;
      throw new DetailsError(`the Covalent server at ${this.options.serverAddress} cannot be reached (${reason(error)})`);
    } finally {
      clearTimeout(timer);
    }
  }
}

function decodeCut(bytes: Uint8Array, limit: number, total: number | undefined): ValueText {
  const shown = bytes.subarray(0, limit);
  let text = new TextDecoder('utf-8').decode(shown);
  const truncated = (total ?? bytes.byteLength) > shown.byteLength;
  // A cut can split a multi-byte character: drop the replacement it decodes to.
  if (truncated) text = text.replace(/\uFFFD$/, '');
  return { text, truncated, totalBytes: total ?? bytes.byteLength };
}

function cut(text: string, limit: number): ValueText {
  const bytes = new TextEncoder().encode(text);
  return decodeCut(bytes, limit, bytes.byteLength);
}

function reason(error: unknown): string {
  if (error instanceof SyntaxError) return 'the server sent something that is not JSON';
  return error instanceof Error ? error.message : String(error);
}

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parseAssets(value: unknown): Record<string, Asset> {
  const assets: Record<string, Asset> = {};
  if (!isJson(value)) return assets;
  for (const [key, asset] of Object.entries(value)) {
    if (!isJson(asset)) continue;
    assets[key] = { remoteUri: text(asset.remote_uri), size: typeof asset.size === 'number' ? asset.size : undefined };
  }
  return assets;
}

/** Checks the manifest's shape; a server that is not Covalent 0.240 gets a clear message. */
export function parseManifest(body: unknown, dispatchId: string): DispatchManifest {
  const invalid = (what: string) =>
    new DetailsError(`The manifest of dispatch ${dispatchId} is not what a Covalent 0.240 server sends (${what}).`);
  if (!isJson(body) || !isJson(body.metadata) || !isJson(body.lattice)) throw invalid('no metadata or lattice');
  const lattice = body.lattice;
  const graph = lattice.transport_graph;
  if (!isJson(graph) || !Array.isArray(graph.nodes)) throw invalid('no transport graph');
  const nodes = new Map<number, ManifestNode>();
  for (const node of graph.nodes) {
    if (!isJson(node) || typeof node.id !== 'number') throw invalid('a node without an id');
    const metadata = isJson(node.metadata) ? node.metadata : {};
    nodes.set(node.id, {
      nodeId: node.id,
      name: text(metadata.name) ?? `task ${node.id}`,
      status: text(metadata.status),
      executor: text(metadata.executor),
      subDispatchId: text(metadata.sub_dispatch_id),
      assets: parseAssets(node.assets),
    });
  }
  const latticeMetadata = isJson(lattice.metadata) ? lattice.metadata : {};
  return {
    dispatchId: text(body.metadata.dispatch_id) ?? dispatchId,
    status: text(body.metadata.status),
    name: text(latticeMetadata.name),
    executor: text(latticeMetadata.executor),
    workflowExecutor: text(latticeMetadata.workflow_executor),
    assets: parseAssets(body.assets),
    latticeAssets: parseAssets(lattice.assets),
    nodes,
  };
}
