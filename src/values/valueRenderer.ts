import type { Asset, DispatchManifest } from '../covalent/manifest';
import type { ValueText } from '../covalent/values';
import { BridgeError, type RenderValueParams, type RenderValueResult } from '../bridge/protocol';
import { type Located, locatedBytes, locateValue, type LocatedValue } from './valueSources';
import { sanitizeHtml } from './sanitizeHtml';
import type { RenderedImage, RenderedValue, ValueName } from './rendered';

/**
 * Draws one value of a dispatch as the result panel shows it. The size comes
 * first, from the manifest: a value over the limit is answered by its size and
 * not downloaded unless asked. The drawing itself is the bridge's (`renderValue`,
 * in a process of the request's own: unpickling runs the server's code). HTML is
 * sanitized here, once, so the panel and the public command show the same.
 * Pictures come back apart from the value, by id: the panel puts them in files
 * its page may load. No `vscode` here.
 */

/** What the renderer reads of a dispatch's server (a `ResultDetailsReader`). */
export interface ValueServer {
  readonly serverAddress: string;
  manifest(dispatchId: string): Promise<DispatchManifest>;
  /** The address to download an asset from (the configured server's, not the one the manifest names). */
  assetUrl(remoteUri: string): string;
  /** The server's string form of a value archive: the fallback when a value cannot be drawn here. */
  archiveText(asset: Asset): Promise<ValueText>;
}

export interface ValueRequest {
  readonly dispatchId: string;
  /** Absent: the workflow's value. */
  readonly taskId?: number;
  readonly value: ValueName;
}

export interface RenderOptions {
  readonly pixelRatio?: number;
  readonly offset?: number;
  readonly rows?: number;
  /** Download it whatever its size ("Fetch" on an announced value). */
  readonly fetchLarge?: boolean;
  readonly limitBytes: number;
}

export interface DrawnValue {
  readonly value: RenderedValue;
  /** Each picture's bytes, by the `id` its image carries. */
  readonly pictures: ReadonlyMap<string, Uint8Array>;
}

export type DrawInBridge = (params: RenderValueParams) => Promise<RenderValueResult>;

/** Failures that leave the value unseen but the server's text of it readable. */
const TEXT_INSTEAD = new Set(['notUnpicklable', 'valueUnavailable']);

export async function drawValue(server: ValueServer, draw: DrawInBridge, request: ValueRequest, options: RenderOptions): Promise<DrawnValue> {
  const manifest = await server.manifest(request.dispatchId);
  const located: Located = locateValue(manifest, request.taskId, request.value);
  if ('missing' in located) return { value: { kind: 'missing', message: located.missing }, pictures: new Map() };
  const bytes = locatedBytes(located.values);
  if (!options.fetchLarge && bytes > options.limitBytes) return { value: { kind: 'large', bytes, limitBytes: options.limitBytes }, pictures: new Map() };
  if (located.values.length === 0) return { value: { kind: 'mapping', type: 'inputs', length: 0, entries: [] }, pictures: new Map() };

  const pictures = new Map<string, Uint8Array>();
  let answer: RenderValueResult;
  try {
    answer = await draw({
      dispatcherAddress: server.serverAddress,
      values: located.values.map((entry) => valueSource(server, entry)),
      pixelRatio: options.pixelRatio,
      offset: options.offset,
      rows: options.rows,
    });
  } catch (error) {
    if (!(error instanceof BridgeError) || !TEXT_INSTEAD.has(error.kind)) throw error;
    return { value: await serverText(server, located.values, error.message), pictures };
  }
  const drawn = answer.values.map((entry) => ({ key: entry.name, value: adopt(entry.value, pictures) }));
  if (request.value === 'inputs' && request.taskId !== undefined) {
    return { value: { kind: 'mapping', type: 'inputs', length: drawn.length, entries: drawn.map((entry) => ({ key: entry.key, kind: entry.value.kind, value: entry.value })) }, pictures };
  }
  return { value: drawn[0]?.value ?? { kind: 'missing', message: 'The bridge drew nothing.' }, pictures };
}

/** A located value as the bridge downloads it. */
export function valueSource(server: Pick<ValueServer, 'assetUrl'>, entry: LocatedValue): RenderValueParams['values'][number] {
  const url = server.assetUrl(entry.asset.remoteUri ?? '');
  if (!entry.workflowInputs) return { name: entry.name, url };
  const functionUri = entry.workflowInputs.functionAsset?.remoteUri;
  return {
    name: entry.name,
    url,
    workflowInputs: true,
    ...(functionUri ? { functionUrl: server.assetUrl(functionUri) } : {}),
    ...(entry.workflowInputs.pick === undefined ? {} : { pick: entry.workflowInputs.pick }),
  };
}

/** The server's string form, with why it is not drawn. */
export async function serverText(server: Pick<ValueServer, 'archiveText'>, values: readonly LocatedValue[], why: string): Promise<RenderedValue> {
  const texts = await Promise.all(values.map((entry) => server.archiveText(entry.asset)));
  const text = texts.map((entry, index) => (values.length > 1 ? `${values[index]?.name} = ${entry.text}` : entry.text)).join('\n');
  return { kind: 'text', text, truncated: texts.some((entry) => entry.truncated), note: `Shown as the server's text: ${why}` };
}

/**
 * The bridge's answer in the editor's terms: checked kinds, pictures taken out
 * (base64 → bytes, by id), HTML sanitized. Anything malformed is text that says so.
 */
function adopt(raw: Readonly<Record<string, unknown>>, pictures: Map<string, Uint8Array>): RenderedValue {
  switch (raw.kind) {
    case 'image': {
      const data = typeof raw.data === 'string' ? Buffer.from(raw.data, 'base64') : new Uint8Array();
      const id = `picture-${pictures.size + 1}`;
      pictures.set(id, data);
      const image: RenderedImage & { id: string } = {
        kind: 'image',
        id,
        mime: ['image/png', 'image/jpeg', 'image/svg+xml'].includes(String(raw.mime)) ? String(raw.mime) : 'image/png',
        width: finite(raw.width),
        height: finite(raw.height),
        ...(typeof raw.pixelRatio === 'number' ? { pixelRatio: raw.pixelRatio } : {}),
        ...(typeof raw.source === 'string' ? { source: raw.source } : {}),
        bytes: data.byteLength,
      };
      return image;
    }
    case 'table':
    case 'array':
      return raw as unknown as RenderedValue;
    case 'html':
      return {
        kind: 'html',
        html: sanitizeHtml(text(raw.html)),
        ...(raw.truncated === true ? { truncated: true } : {}),
        ...(typeof raw.text === 'string' ? { text: raw.text } : {}),
        ...(typeof raw.source === 'string' ? { source: raw.source } : {}),
      };
    case 'mapping': {
      const entries = Array.isArray(raw.entries) ? (raw.entries as { key?: unknown; value?: unknown }[]) : [];
      return {
        kind: 'mapping',
        type: text(raw.type) || 'dict',
        length: finite(raw.length),
        ...(typeof raw.text === 'string' ? { text: raw.text } : {}),
        entries: entries.map((entry) => {
          const value = adopt(isRecord(entry.value) ? entry.value : { kind: 'text', text: '' }, pictures);
          return { key: text(entry.key), kind: value.kind, value };
        }),
      };
    }
    case 'text':
      return {
        kind: 'text',
        text: text(raw.text),
        ...(raw.truncated === true ? { truncated: true } : {}),
        ...(typeof raw.type === 'string' ? { type: raw.type } : {}),
        ...(typeof raw.note === 'string' ? { note: raw.note } : {}),
      };
    default:
      return { kind: 'text', text: '', note: `The bridge answered a kind of value this editor does not know (${String(raw.kind)}).` };
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
