import type { Asset, DispatchManifest } from '../covalent/manifest';
import type { ValueName } from './rendered';

/**
 * Where a dispatch keeps the value the panel asks for, read from its manifest:
 * a task's output, each of its inputs (its parents' outputs, as Covalent passes
 * them), or the workflow's result and inputs. No `vscode`, no requests.
 */
export interface LocatedValue {
  readonly name: string;
  readonly asset: Asset;
  /** The workflow's inputs archive, named by its function's signature (its asset here). */
  readonly workflowInputs?: { readonly functionAsset?: Asset; readonly pick?: string };
}

export type Located = { readonly values: readonly LocatedValue[] } | { readonly missing: string };

/** Covalent's edges for `wait_for`: ordering only, no value. */
const WAIT_EDGE = '!waiting_edge';

export function locateValue(manifest: DispatchManifest, taskId: number | undefined, value: ValueName): Located {
  if (taskId === undefined) return workflowValue(manifest, value);
  const node = manifest.nodes.get(taskId);
  if (!node) return { missing: `Dispatch ${manifest.dispatchId} has no task ${taskId}.` };
  if (value === 'result') {
    const asset = node.assets.output;
    return asset?.remoteUri && asset.size ? { values: [{ name: 'result', asset }] } : { missing: `${node.name} has no result${node.status === 'COMPLETED' ? '' : ` yet (${(node.status ?? 'not started').toLowerCase()})`}.` };
  }
  const inputs = taskInputs(manifest, taskId);
  if (value === 'inputs') return { values: inputs };
  const name = value.slice('input:'.length);
  const input = inputs.find((entry) => entry.name === name);
  return input ? { values: [input] } : { missing: `${node.name} has no input ${name}${inputs.length ? ` (its inputs: ${inputs.map((entry) => entry.name).join(', ')})` : ''}.` };
}

/** A task's inputs in Covalent's order: positional by index, then keywords; each is its parent's output (a literal's value). */
function taskInputs(manifest: DispatchManifest, taskId: number): LocatedValue[] {
  const incoming = manifest.links.filter((link) => link.target === taskId && link.name !== WAIT_EDGE);
  const ordered = [
    ...incoming.filter((link) => link.paramType !== 'kwarg').sort((a, b) => (a.argIndex ?? 0) - (b.argIndex ?? 0)),
    ...incoming.filter((link) => link.paramType === 'kwarg'),
  ];
  const located: LocatedValue[] = [];
  for (const link of ordered) {
    const parent = manifest.nodes.get(link.source);
    const asset = parent?.assets.output?.size ? parent.assets.output : parent?.assets.value;
    if (asset?.remoteUri && asset.size) located.push({ name: link.name ?? `arg ${link.argIndex ?? 0}`, asset });
  }
  return located;
}

function workflowValue(manifest: DispatchManifest, value: ValueName): Located {
  if (value === 'result') {
    const asset = manifest.assets.result;
    return asset?.remoteUri && asset.size ? { values: [{ name: 'result', asset }] } : { missing: `The workflow has no result${manifest.status === 'COMPLETED' ? '' : ` yet (${(manifest.status ?? 'unknown').toLowerCase()})`}.` };
  }
  const asset = manifest.latticeAssets.inputs;
  if (!asset?.remoteUri || !asset.size) return { missing: 'The server recorded no inputs for this workflow.' };
  const functionAsset = manifest.latticeAssets.workflow_function;
  const pick = value === 'inputs' ? undefined : value.slice('input:'.length);
  return { values: [{ name: pick ?? 'inputs', asset, workflowInputs: { functionAsset, ...(pick === undefined ? {} : { pick }) } }] };
}

/** The bytes a request for these values downloads, as the manifest says. */
export function locatedBytes(values: readonly LocatedValue[]): number {
  return values.reduce((sum, entry) => sum + (entry.asset.size ?? 0), 0);
}
