import * as vscode from 'vscode';
import type { Core } from '../core';
import type { BridgeCalls } from '../dispatch/bridgeCalls';
import type { ExportFormat } from './valueActions';
import { drawValue, type DrawnValue, type RenderOptions, serverText, type ValueRequest, valueSource } from './valueRenderer';
import type { ResultDetailsReader } from '../covalent/resultDetails';
import { archiveLayout } from '../covalent/transportableObject';
import { LruCache } from '../util/lruCache';
import { type Located, locateValue } from './valueSources';

/**
 * Values of any dispatch drawn for the panel and the `covalent.renderValue`
 * command: the dispatch's server (from the store) and its details reader, the
 * size limit from the settings, the bridge of the workspace's interpreter.
 * Drawing unpickles what a server recorded, so an untrusted workspace gets the
 * server's text of a value instead.
 */
export class ValueService {
  /**
   * Values drawn before, by what was asked: a recorded value never changes, so
   * going back to a task shows it at once. Bounded by the bytes of their pictures and rows.
   */
  private readonly drawn = new LruCache<string, DrawnValue>({ maxEntries: 64, maxWeight: 64 * 1024 * 1024 });
  /** Drawings under way: a prefetch and the page's own request share one. */
  private readonly drawing = new Map<string, Promise<DrawnValue>>();

  constructor(
    private readonly core: Core,
    private readonly calls: BridgeCalls,
    /** The server a dispatch lives on. */
    private readonly serverOf: (dispatchId: string) => string,
  ) {}

  /** Starts the bridge a drawing will need, so the first value shown does not wait for Python to start. */
  warm(): void {
    if (vscode.workspace.isTrusted) void this.calls.bridgeFor(undefined).catch(() => undefined);
  }

  get limitBytes(): number {
    return Math.round(this.core.settings.current.maxValueMB * 1024 * 1024);
  }

  async draw(request: ValueRequest, options: Omit<RenderOptions, 'limitBytes'> = {}, token?: vscode.CancellationToken): Promise<DrawnValue> {
    if (!vscode.workspace.isTrusted) return this.untrusted(request);
    const serverAddress = this.serverOf(request.dispatchId);
    const reader = this.core.servers.client(serverAddress).details;
    const limitBytes = this.limitBytes;
    const key = JSON.stringify([serverAddress, request.dispatchId, request.taskId, request.value, options.pixelRatio ?? 1, options.offset ?? 0, options.rows, options.fetchLarge === true, limitBytes]);
    const cached = this.drawn.get(key);
    if (cached) return cached;
    let drawing = this.drawing.get(key);
    if (!drawing) {
      drawing = drawValue(reader, (params) => this.calls.request(undefined, 'renderValue', params, token), request, { ...options, limitBytes })
        .then((drawn) => {
          // "Not there yet" changes as the task finishes, and "cannot be drawn here" once a library is
          // installed: only what was drawn is kept.
          const lasting = drawn.value.kind !== 'missing' && !(drawn.value.kind === 'text' && drawn.value.note);
          if (lasting) this.drawn.set(key, drawn, weightOf(drawn));
          return drawn;
        })
        .finally(() => this.drawing.delete(key));
      this.drawing.set(key, drawing);
    }
    return drawing;
  }

  /** The value written by the bridge to `path` as CSV, Parquet or `.npy` (the whole of it, whatever was shown). */
  async export(request: ValueRequest, format: ExportFormat, path: string, token?: vscode.CancellationToken): Promise<void> {
    const { reader, located } = await this.locate(request);
    if ('missing' in located) throw new Error(located.missing);
    await this.calls.request(undefined, 'renderValue', { dispatcherAddress: reader.serverAddress, values: located.values.slice(0, 1).map((entry) => valueSource(reader, entry)), exportTo: { path, format } }, token);
  }

  /** A value's pickle, as the server recorded it (its archive keeps it in base64 after the text). */
  async pickle(request: ValueRequest): Promise<Uint8Array | undefined> {
    const { reader, located } = await this.locate(request);
    if ('missing' in located || located.values.length !== 1) return undefined;
    const [value] = located.values;
    if (!value?.asset.remoteUri) return undefined;
    const archive = await reader.download(value.asset.remoteUri, value.asset.size ?? 0);
    const { dataOffset } = archiveLayout(archive);
    return Buffer.from(new TextDecoder().decode(archive.subarray(dataOffset)), 'base64');
  }

  private async untrusted(request: ValueRequest): Promise<DrawnValue> {
    const { reader, located } = await this.locate(request);
    if ('missing' in located) return { value: { kind: 'missing', message: located.missing }, pictures: new Map() };
    return { value: await serverText(reader, located.values, 'values are drawn (unpickled) only in a trusted workspace.'), pictures: new Map() };
  }

  /** The dispatch's details reader (on its own server), and where its manifest keeps the value. */
  private async locate(request: ValueRequest): Promise<{ reader: ResultDetailsReader; located: Located }> {
    const reader = this.core.servers.client(this.serverOf(request.dispatchId)).details;
    return { reader, located: locateValue(await reader.manifest(request.dispatchId), request.taskId, request.value) };
  }
}

/** About what a drawn value holds: its pictures' bytes and its JSON (rows, text). */
function weightOf(drawn: DrawnValue): number {
  let pictures = 0;
  for (const bytes of drawn.pictures.values()) pictures += bytes.byteLength;
  return pictures + JSON.stringify(drawn.value).length * 2;
}
