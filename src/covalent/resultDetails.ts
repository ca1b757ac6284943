import type { CovalentHttp } from './http';
import type { DispatchStatus } from './dispatchTypes';
import { describeExecutor, type ExecutorDescription, executorText } from '../executors/describe';
import { HttpStatusError, UnknownDispatchError } from './errors';
import { messageOf } from '../util/errors';
import { type Asset, type DispatchManifest, type ManifestNode, manifestSchema, toManifest } from './manifest';
import { archiveLayout, readTransportableObject, TransportableObjectFormatError } from './transportableObject';
import { type Infer, object, unknownValue } from './validate';
import { mapWithConcurrency } from '../util/concurrency';
import { type LruBounds, LruCache } from '../util/lruCache';
import type { TaskField, ValueText, WorkflowField } from './values';

/**
 * Reads what the result panel shows about one task or one workflow: inputs,
 * result, stdout, stderr, error, source and executor. In Covalent 0.240 the UI
 * API's result endpoints answer 500, so values come from the dispatch's v2
 * manifest, whose assets point at files (`/api/v0/files/...`): `.tobj` archives
 * hold the server's string form of a value, logs are plain text. Large values are
 * read with an HTTP Range request and cut; `fullValue` reads all of one.
 * Every request goes through the client's HTTP stack, so the server's token,
 * timeouts and typed errors are the same as for any other call.
 * No `vscode` here: it tests in plain Node.
 */

export interface TaskDetails {
  readonly dispatchId: string;
  readonly nodeId: number;
  readonly name: string;
  readonly status?: string;
  /** Where it ran, in words: `dask · scheduler tcp://10.0.0.5:8786`. */
  readonly executor?: string;
  readonly subDispatchId?: string;
  readonly fields: Readonly<Record<TaskField, ValueText>>;
}

export interface WorkflowDetails {
  readonly dispatchId: string;
  readonly name?: string;
  readonly status?: string;
  /** The lattice's executor (for electrons that name none) and its workflow executor, in words. */
  readonly executor?: string;
  readonly workflowExecutor?: string;
  readonly fields: Readonly<Record<WorkflowField, ValueText>>;
}

export interface ResultDetailsOptions {
  /** Bytes of a value shown before "show all" (default 16 KiB). */
  readonly previewBytes?: number;
  /** Most bytes "show all" reads (default 8 MiB); beyond that the value stays cut. */
  readonly fullValueBytes?: number;
  /**
   * Bounds of the manifest cache: manifests kept, and their bytes as the server sent
   * them (default 16 and 32 MiB; a 5,000-task manifest is about 10 MiB).
   */
  readonly manifestCache?: LruBounds;
  /** A running dispatch's manifest changes as tasks finish: it is read again after this long (default 1 s). */
  readonly manifestFreshMs?: number;
}

/** A problem with what the panel asked for that is not the server's answer (a task the dispatch lacks, a damaged value). */
export class DetailsError extends Error {}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'POSTPROCESSING_FAILED']);

/** Which manifest asset holds each field. `inputs` of a task is not an asset (see taskInputs). */
const TASK_ASSETS: Readonly<Record<Exclude<TaskField, 'inputs'>, { key: string; archive: boolean }>> = {
  result: { key: 'output', archive: true },
  stdout: { key: 'stdout', archive: false },
  stderr: { key: 'stderr', archive: false },
  error: { key: 'error', archive: false },
  source: { key: 'function_string', archive: false },
};

/** Requests one read of many tasks keeps open at once (a dispatch may have thousands of tasks). */
const REQUESTS_PER_DISPATCH = 8;

/** The v1 electron details endpoint answers `{ data }`. */
const electronDetailSchema = object({ data: unknownValue });

/**
 * What the reader uses of its client (a `CovalentClient`): the server's address,
 * the HTTP stack, and the bulk status poll that tells a gone dispatch apart.
 */
export interface DetailsClient {
  readonly address: string;
  readonly http: CovalentHttp;
  statuses(dispatchIds: readonly string[]): Promise<Map<string, DispatchStatus>>;
}

export class ResultDetailsReader {
  private readonly manifests: LruCache<string, { readonly manifest: DispatchManifest; readonly readAt: number }>;
  /** Manifest reads under way: callers that ask at once share one request. */
  private readonly manifestReads = new Map<string, Promise<DispatchManifest>>();
  private readonly previewBytes: number;
  private readonly fullValueBytes: number;
  private readonly manifestFreshMs: number;

  /** Built by its `CovalentClient`, whose HTTP stack (address, token, timeouts, typed errors) it uses. */
  constructor(
    private readonly client: DetailsClient,
    options: ResultDetailsOptions = {},
  ) {
    this.previewBytes = options.previewBytes ?? 16 * 1024;
    this.fullValueBytes = options.fullValueBytes ?? 8 * 1024 * 1024;
    this.manifestFreshMs = options.manifestFreshMs ?? 1000;
    this.manifests = new LruCache(options.manifestCache ?? { maxEntries: 16, maxWeight: 32 * 1024 * 1024 });
  }

  get serverAddress(): string {
    return this.client.address;
  }

  /** Manifests held, and their size as sent: tests check the bounds hold. */
  get cached(): { readonly manifests: number; readonly bytes: number } {
    return { manifests: this.manifests.size, bytes: this.manifests.weight };
  }

  /** A finished dispatch's manifest is read once; a running one's again after its freshness window. */
  async manifest(dispatchId: string): Promise<DispatchManifest> {
    return this.manifestWhere(dispatchId, (manifest, readAt) => TERMINAL.has(manifest.status ?? '') || Date.now() - readAt < this.manifestFreshMs);
  }

  /**
   * Task name → the source the server stored for it (its `function_string`), for
   * every task but parameters and post-processing: redispatch compares it with the file.
   */
  async taskSources(dispatchId: string): Promise<Map<string, string>> {
    const manifest = await this.manifest(dispatchId);
    const tasks = [...manifest.nodes.values()].filter((node) => !node.name.startsWith(':') && node.assets.function_string?.remoteUri);
    const texts = await mapWithConcurrency(tasks, REQUESTS_PER_DISPATCH, async (node) => {
      const source = await this.readAsset(node.assets.function_string, false, this.fullValueBytes);
      if (source.unavailable) throw new DetailsError(`The source Covalent stored for task ${node.name} of dispatch ${dispatchId} could not be read: ${source.unavailable}`);
      return source.text;
    });
    return new Map(tasks.map((node, index) => [node.name, texts[index] ?? '']));
  }

  /**
   * A failed task's error text: the error asset when the server filled it, else the
   * task's stderr (Covalent 0.240 leaves `error.log` empty and puts the traceback there).
   */
  async taskError(dispatchId: string, nodeId: number): Promise<string | undefined> {
    // A manifest read before the task failed has no error to point at: read it again then.
    const manifest = await this.manifestWhere(dispatchId, (cached) => cached.nodes.get(nodeId)?.status === 'FAILED');
    const node = manifest.nodes.get(nodeId);
    if (!node) return undefined;
    for (const asset of [node.assets.error, node.assets.stderr]) {
      if (!asset?.remoteUri || !asset.size) continue;
      const text = (await this.readText(this.rebase(asset.remoteUri), this.fullValueBytes)).text.trim();
      if (text) return text;
    }
    return undefined;
  }

  /**
   * Where each task runs, with the settings that say where. A dispatch's executors
   * never change once submitted, so any manifest read of it will do.
   */
  async taskExecutors(dispatchId: string): Promise<Map<number, ExecutorDescription>> {
    const manifest = await this.manifestWhere(dispatchId, () => true);
    const executors = new Map<number, ExecutorDescription>();
    for (const node of manifest.nodes.values()) {
      const description = describeExecutor(node.executor, node.executorData);
      if (description) executors.set(node.nodeId, description);
    }
    return executors;
  }

  /** Whether the server knows the dispatch: one small status request, not the manifest. */
  async exists(dispatchId: string): Promise<boolean> {
    return (await this.client.statuses([dispatchId])).has(dispatchId);
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
      executor: describedExecutor(node.executor, node.executorData),
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
      executor: describedExecutor(manifest.executor, manifest.executorData),
      workflowExecutor: describedExecutor(manifest.workflowExecutor, manifest.workflowExecutorData),
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
    await mapWithConcurrency(nodeIds, REQUESTS_PER_DISPATCH, async (nodeId) => {
      const node = manifest.nodes.get(nodeId);
      if (!node) return;
      const value = await this.taskAsset(node, 'result', bytes);
      if (!value.unavailable) results.set(nodeId, value.truncated ? `${value.text}…` : value.text);
    });
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

  /** An asset's address on the configured server (the manifest names the server's own idea of it). */
  assetUrl(remoteUri: string): string {
    return this.rebase(remoteUri);
  }

  /** The server's string form of a value archive, cut as the panel's preview is. */
  archiveText(asset: Asset): Promise<ValueText> {
    return this.readAsset(asset, true, this.previewBytes);
  }

  /** A whole asset's bytes (Save As… of a value), `size` as the manifest gives it. */
  async download(remoteUri: string, size: number): Promise<Uint8Array> {
    return (await this.client.http.range(this.rebase(remoteUri), 0, Math.max(size, 1))).bytes;
  }

  forget(dispatchId: string): void {
    this.manifests.delete(dispatchId);
  }

  /** The cached manifest when `usable` says so, else a new read (one at a time per dispatch). */
  private async manifestWhere(dispatchId: string, usable: (manifest: DispatchManifest, readAt: number) => boolean): Promise<DispatchManifest> {
    const cached = this.manifests.get(dispatchId);
    if (cached && usable(cached.manifest, cached.readAt)) return cached.manifest;
    let reading = this.manifestReads.get(dispatchId);
    if (!reading) {
      reading = this.readManifest(dispatchId).finally(() => this.manifestReads.delete(dispatchId));
      this.manifestReads.set(dispatchId, reading);
    }
    return reading;
  }

  private async readManifest(dispatchId: string): Promise<DispatchManifest> {
    const path = `/api/v2/dispatches/${encodeURIComponent(dispatchId)}`;
    let answer: { value: Infer<typeof manifestSchema>; bytes: number };
    try {
      answer = await this.client.http.sizedJson(path, manifestSchema);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) throw new UnknownDispatchError(error.url, dispatchId, error.detail);
      throw error;
    }
    const manifest = toManifest(answer.value, dispatchId);
    this.manifests.set(dispatchId, { manifest, readAt: Date.now() }, answer.bytes);
    return manifest;
  }

  private async taskInputs(dispatchId: string, nodeId: number): Promise<ValueText> {
    // The v1 electron details endpoint for inputs works in 0.240 and gives the
    // string form of the arguments as the task received them.
    const path = `/api/v1/dispatches/${encodeURIComponent(dispatchId)}/electron/${nodeId}/details/inputs`;
    try {
      const { data } = await this.client.http.json(path, electronDetailSchema);
      return cut(typeof data === 'string' ? data : '', this.previewBytes);
    } catch (error) {
      return { text: '', truncated: false, unavailable: messageOf(error) };
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
      return { text: '', truncated: false, unavailable: messageOf(error) };
    }
  }

  private async readText(url: string, limit: number): Promise<ValueText> {
    const { bytes, total, more } = await this.client.http.range(url, 0, limit);
    const shown = bytes.subarray(0, limit);
    // `more` without a total: a server that ignored Range, its size unknown; it was not read on.
    return shownPart(new TextDecoder('utf-8').decode(shown), shown.byteLength, total ?? (more ? undefined : bytes.byteLength));
  }

  /** A `.tobj`: only its first bytes are read, up to `limit` bytes of the string form; the pickle never. */
  private async readArchive(url: string, limit: number): Promise<ValueText> {
    try {
      let { bytes } = await this.client.http.range(url, 0, limit + 4096);
      const { stringOffset, stringBytes } = archiveLayout(bytes);
      const end = stringOffset + Math.min(stringBytes, limit);
      if (end > bytes.byteLength) {
        // A long header (type docstring) pushed the string out of the first read.
        const rest = await this.client.http.range(url, bytes.byteLength, end - bytes.byteLength);
        const joined = new Uint8Array(bytes.byteLength + rest.bytes.byteLength);
        joined.set(bytes);
        joined.set(rest.bytes, bytes.byteLength);
        bytes = joined;
      }
      const { objectString } = readTransportableObject(bytes.subarray(0, end));
      return shownPart(objectString, Math.min(end, bytes.byteLength) - stringOffset, stringBytes);
    } catch (error) {
      if (error instanceof TransportableObjectFormatError) throw new DetailsError(`the value archive is damaged (${error.message})`);
      throw error;
    }
  }

  /** The manifest names files by the server's own idea of its address; keep the configured one. */
  private rebase(remoteUri: string): string {
    const at = remoteUri.indexOf('/api/v0/files/');
    return at >= 0 ? this.client.address + remoteUri.slice(at) : remoteUri;
  }
}

function describedExecutor(name: string | undefined, data: unknown): string | undefined {
  const description = describeExecutor(name, data);
  return description && executorText(description);
}

/** The first `shownBytes` of a value of `totalBytes` (undefined: larger, by how much unknown), decoded to `text`. */
function shownPart(text: string, shownBytes: number, totalBytes: number | undefined): ValueText {
  const truncated = totalBytes === undefined || totalBytes > shownBytes;
  // A cut can split a multi-byte character: drop the replacement it decodes to.
  return { text: truncated ? text.replace(/\uFFFD$/, '') : text, truncated, ...(totalBytes === undefined ? {} : { totalBytes }) };
}

function cut(text: string, limit: number): ValueText {
  const bytes = new TextEncoder().encode(text);
  const shown = bytes.subarray(0, limit);
  return shownPart(new TextDecoder('utf-8').decode(shown), shown.byteLength, bytes.byteLength);
}
