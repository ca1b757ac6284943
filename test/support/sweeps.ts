import * as assert from 'assert';
import { createHash } from 'crypto';

/**
 * A flat sweep (`total([inc(i) for i in range(n)])`) as big-workflow tests use
 * it, the plain SDK's dispatch of it, and what a Covalent server stored for a
 * dispatch, read back through its REST API. No `vscode` here: the bridge's unit
 * tests and the integration tests share it.
 */

export const SWEEP_MODULE = 'flatwork';

/** The sweep's module, line by line. */
export const SWEEP_WORKFLOW: readonly string[] = [
  'import covalent as ct',
  '',
  '',
  '@ct.electron',
  'def inc(x):',
  '    return x + 1',
  '',
  '',
  '@ct.electron',
  'def total(values):',
  '    return sum(values)',
  '',
  '',
  '@ct.lattice',
  'def flat(n):',
  '    return total([inc(i) for i in range(n)])',
];

/** The result of `flat(n)`. */
export const sweepResult = (tasks: number): string => String((tasks * (tasks + 1)) / 2);

/**
 * The plain SDK in a Python process of its own: the workflow module imported
 * from its folder, pickled by value as the bridge ships a project's modules.
 * Arguments: address, folder, tasks, `run` or `register`. Prints the dispatch
 * id, then (when it runs) the result.
 */
export const SDK_SWEEP_SCRIPT = `
import sys
import cloudpickle
import covalent as ct
address, folder, tasks, run = sys.argv[1:5]
sys.path.insert(0, folder)
import ${SWEEP_MODULE}
cloudpickle.register_pickle_by_value(${SWEEP_MODULE})
dispatch_id = ct.dispatch(${SWEEP_MODULE}.flat, dispatcher_addr=address, disable_run=run != "run")(int(tasks))
print(dispatch_id, flush=True)
if run == "run":
    print(ct.get_result(dispatch_id, dispatcher_addr=address, wait=True).result, flush=True)
`;

/** Assets whose bytes differ between two builds of the same workflow: a function's pickle names its memory address. */
export const namesAnAddress = (name: string): boolean => name === 'lattice/workflow_function' || name.endsWith('/function');

interface ManifestAsset {
  readonly digest_alg: string | null;
  readonly digest: string | null;
  readonly size: number;
  readonly remote_uri: string | null;
}

interface StoredManifest {
  readonly lattice: {
    readonly assets: Record<string, ManifestAsset>;
    readonly transport_graph: { readonly nodes: readonly { readonly id: number; readonly assets: Record<string, ManifestAsset> }[] };
  };
}

export interface StoredAsset {
  readonly digest_alg: string | null;
  readonly digest: string | null;
  readonly size: number;
  /** sha1 of the bytes the server holds (null for an empty asset). */
  readonly sha1: string | null;
}

async function getBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  assert.strictEqual(response.status, 200, `GET ${url}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Every lattice and node asset the server stored for a dispatch, by name
 * (`lattice/inputs`, `node_3/value`): its digest and size as the manifest says,
 * and the sha1 of the bytes downloaded from the server's file store, checked
 * against them. `address` is the server itself, which names its file store by
 * its own address.
 */
export async function storedAssets(address: string, dispatchId: string, concurrency = 8): Promise<Map<string, StoredAsset>> {
  const response = await fetch(`${address}/api/v2/dispatches/${dispatchId}`);
  assert.strictEqual(response.status, 200, `the server holds ${dispatchId}`);
  const stored = (await response.json()) as StoredManifest;
  const entries: [string, ManifestAsset][] = Object.entries(stored.lattice.assets).map(([key, asset]) => [`lattice/${key}`, asset]);
  for (const node of stored.lattice.transport_graph.nodes) {
    for (const [key, asset] of Object.entries(node.assets)) entries.push([`node_${node.id}/${key}`, asset]);
  }
  const assets = new Map<string, StoredAsset>();
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const [name, asset] = entries[next++]!;
      let sha1: string | null = null;
      if (asset.size > 0) {
        const bytes = await getBytes(`${address}${new URL(asset.remote_uri ?? '').pathname}`);
        assert.strictEqual(bytes.length, asset.size, `${name}: the stored file has the size the manifest says`);
        sha1 = createHash('sha1').update(bytes).digest('hex');
        assert.strictEqual(sha1, asset.digest, `${name}: the stored file has the digest the manifest says`);
      }
      assets.set(name, { digest_alg: asset.digest_alg, digest: asset.digest, size: asset.size, sha1 });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return assets;
}

/** The names of the assets that differ between two dispatches' stored assets, and those only one has. */
export function differingAssets(ours: ReadonlyMap<string, StoredAsset>, theirs: ReadonlyMap<string, StoredAsset>): string[] {
  const names = new Set([...ours.keys(), ...theirs.keys()]);
  const same = (a: StoredAsset | undefined, b: StoredAsset | undefined) =>
    !!a && !!b && a.digest_alg === b.digest_alg && a.digest === b.digest && a.size === b.size && a.sha1 === b.sha1;
  return [...names].filter((name) => !same(ours.get(name), theirs.get(name))).sort();
}

/** The names of the assets that hold bytes (size above zero). */
export const uploadedNames = (assets: ReadonlyMap<string, StoredAsset>): string[] =>
  [...assets].filter(([, asset]) => asset.size > 0).map(([name]) => name).sort();
