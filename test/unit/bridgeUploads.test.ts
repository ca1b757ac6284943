import * as assert from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { differingAssets, namesAnAddress, SDK_SWEEP_SCRIPT, storedAssets, SWEEP_WORKFLOW, uploadedNames } from '../support/sweeps';
import { bridgePackage, realServerSuite, sdkSweep, venvPython } from './bridgeSupport';
import { tcpRelay } from './tcpRelay';

/**
 * The bridge's own asset uploads (covalent_bridge/uploads) against a real
 * Covalent server: what the server stores is what the plain SDK makes it store,
 * asset for asset and byte for byte; the uploads share a few kept-alive
 * connections (the SDK opens one per asset); and a server made from the
 * client's own libraries takes the bridge's submissions. These depend on the
 * client's libraries (cloudpickle's bytes, FastAPI's checks): every bridge pass
 * runs them. The uploads' timeouts and tokens are in bridgeUploadsThrough.
 */

const TASKS = 30;

/**
 * One Python process, the workflow imported by the bridge's loader
 * (covalent_bridge.workspace, as a bridge request imports it), its graph built
 * once, as the SDK's register builds it, and serialized and registered twice:
 * by the bridge (assets kept in memory, uploaded by the bridge), then by the SDK
 * alone (its files, its own upload). (A function's pickle names its memory
 * address: two builds of the same workflow never have the same bytes.) Prints
 * both dispatch ids.
 */
const BOTH_UPLOADS_SCRIPT = `
import os, sys, tempfile
from copy import deepcopy
address, folder, tasks, bridge_parent = sys.argv[1:5]
sys.path.insert(0, bridge_parent)
from covalent_bridge import auth, runtime, uploads, workspace
from covalent._dispatcher_plugins.local import LocalDispatcher
from covalent._serialize.result import extract_assets
module = workspace.load_module(folder + "/flatwork.py", None, [folder])
runtime.warm_up()
lattice = deepcopy(module.flat)
lattice.build_graph(int(tasks))
with tempfile.TemporaryDirectory() as staging, uploads.staged_in_memory():
    manifest = LocalDispatcher.prepare_manifest(lattice, staging)
    files = [asset.uri for asset in extract_assets(manifest) if asset.uri and os.path.exists(asset.uri[len("file://"):])]
    assert not files, "the bridge wrote %d asset files" % len(files)
    registered = LocalDispatcher.register_manifest(manifest, address)
    with auth.server_tokens({"dispatcherAddress": address}):
        LocalDispatcher._upload(extract_assets(registered))
    print(registered.metadata.dispatch_id, flush=True)
with tempfile.TemporaryDirectory() as staging:
    registered = LocalDispatcher.register_manifest(LocalDispatcher.prepare_manifest(lattice, staging), address)
    uploads.sdk_upload(extract_assets(registered))
    print(registered.metadata.dispatch_id, flush=True)
`;

describe('Bridge: a dispatch’s assets, uploaded by the bridge (real server)', function () {
  this.timeout(300000);
  const python = venvPython();

  const suite = realServerSuite('uploads', { 'flatwork.py': [...SWEEP_WORKFLOW] });

  const source = () => ({ file: path.join(suite.folder, 'flatwork.py'), workspaceFolders: [suite.folder], lattice: 'flat' });

  it('uploads over a few kept-alive connections what a plain SDK process uploads (every asset of every node, the same digests and sizes)', async () => {
    const relay = await tcpRelay(suite.server.address);
    let bridgeId: string;
    try {
      ({ dispatchId: bridgeId } = await suite.pool.request(python, 'dispatch', { ...source(), args: String(TASKS), dispatcherAddress: relay.address, disableRun: true }));
      const uploaded = [...(await storedAssets(suite.server.address, bridgeId)).values()].filter((asset) => asset.size > 0).length;
      assert.ok(uploaded >= 7 * TASKS, `about seven assets a task were uploaded (${uploaded})`);
      // The register POST opens a connection of its own; the uploads share at most 16.
      assert.ok(relay.connections() <= 16 + 4, `${uploaded} uploads over ${relay.connections()} connections`);
    } finally {
      relay.close();
    }
    const [sdkId = ''] = await sdkSweep(suite, python, TASKS, false);
    const ours = await storedAssets(suite.server.address, bridgeId);
    const theirs = await storedAssets(suite.server.address, sdkId);
    assert.deepStrictEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    const differing = differingAssets(ours, theirs);
    assert.deepStrictEqual(differing.filter((name) => !namesAnAddress(name)), [], 'only pickled functions differ from another process’s dispatch');
    // Functions are pickled from the module as the bridge's loader imported it (the lattice's and the
    // postprocessing task's sizes differ too); the next test compares them byte for byte.
    assert.deepStrictEqual(uploadedNames(ours), uploadedNames(theirs));
  });

  it('stores byte for byte what the SDK alone stores (its files, its upload), for the same built graph', async () => {
    const { stdout } = await promisify(execFile)(python, ['-c', BOTH_UPLOADS_SCRIPT, suite.server.address, suite.folder, String(TASKS), path.dirname(bridgePackage)], {
      env: suite.server.env,
      cwd: suite.folder,
      timeout: 240000,
    });
    const [bridgeId = '', sdkId = ''] = stdout.trim().split('\n');
    const ours = await storedAssets(suite.server.address, bridgeId);
    const theirs = await storedAssets(suite.server.address, sdkId);
    assert.ok([...ours.values()].filter((asset) => asset.size > 0).length >= 7 * TASKS);
    assert.deepStrictEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    for (const [name, asset] of theirs) assert.deepStrictEqual(ours.get(name), asset, name);
  });
});

/** `name`'s version in `python` ([major, minor, patch]), or undefined when it has none. */
async function versionIn(python: string, name: string): Promise<number[] | undefined> {
  const probe = `import importlib.metadata as m\ntry:\n    print(m.version(${JSON.stringify(name)}))\nexcept m.PackageNotFoundError:\n    pass`;
  const { stdout } = await promisify(execFile)(python, ['-c', probe]);
  return stdout.trim() ? stdout.trim().split('.').map((part) => parseInt(part, 10) || 0) : undefined;
}

describe('Bridge: dispatching to a server made from the client’s libraries (real server, today’s FastAPI in the latest-libraries pass)', function () {
  this.timeout(300000);
  const python = venvPython();

  const suite = realServerSuite('today', { 'flatwork.py': [...SWEEP_WORKFLOW] }, { python });

  it('registers, runs and redispatches a workflow, where FastAPI 0.132 and later refuse the SDK’s manifest posts that say no Content-Type', async () => {
    const source = { file: path.join(suite.folder, 'flatwork.py'), workspaceFolders: [suite.folder], lattice: 'flat', dispatcherAddress: suite.server.address };
    const { dispatchId } = await suite.pool.request(python, 'dispatch', { ...source, args: '4' });
    const first = await suite.pool.request(python, 'waitForResult', { dispatcherAddress: suite.server.address, dispatchId, pollIntervalMs: 250 });
    assert.deepStrictEqual([first.status, first.result], ['COMPLETED', '10']);
    const again = await suite.pool.request(python, 'redispatch', { ...source, dispatchId, args: '5', reusePreviousResults: true });
    const second = await suite.pool.request(python, 'waitForResult', { dispatcherAddress: suite.server.address, dispatchId: again.dispatchId, pollIntervalMs: 250 });
    assert.deepStrictEqual([second.status, second.result], ['COMPLETED', '15']);

    const fastapi = (await versionIn(python, 'fastapi')) ?? [0];
    const strict = fastapi[0]! > 0 || (fastapi[1] ?? 0) >= 132;
    // What the bridge works around, where this server checks: the SDK alone is refused.
    const alone = await promisify(execFile)(python, ['-c', SDK_SWEEP_SCRIPT, suite.server.address, suite.folder, '2', 'register'], { env: suite.server.env, cwd: suite.folder, timeout: 240000 }).then(
      () => 'registered',
      (error: Error) => (/422/.test(error.message) ? 'refused (422)' : error.message),
    );
    assert.strictEqual(alone, strict ? 'refused (422)' : 'registered', `FastAPI ${fastapi.join('.')}`);
  });
});
