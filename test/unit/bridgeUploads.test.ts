import * as assert from 'assert';
import { execFile } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import { promisify } from 'util';
import type { BridgeError } from '../../src/bridge/protocol';
import { harness } from '../support/harness';
import { differingAssets, namesAnAddress, SDK_SWEEP_SCRIPT, storedAssets, sweepResult, SWEEP_WORKFLOW, uploadedNames } from '../support/sweeps';
import { bridgePackage, MemoryLogger, realServerSuite, venvPython } from './bridgeSupport';

/**
 * The bridge's own asset uploads (covalent_bridge/uploads) against a real
 * Covalent server: what the server stores is what the plain SDK makes it store,
 * asset for asset and byte for byte; the uploads share a few kept-alive
 * connections (the SDK opens one per asset); tokens reach an authenticating
 * proxy; a started workflow ends with the same result both ways.
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

/**
 * A TCP relay in front of the server that holds back, by `delayMs`, the server's
 * answer on any connection whose request registers a dispatch (a slow register).
 */
async function slowRegisterRelay(target: string, delayMs: number): Promise<{ address: string; delayed(): number; close(): void }> {
  const upstream = new URL(target);
  let delayed = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((socket) => {
    const server = net.connect(Number(upstream.port), upstream.hostname);
    for (const end of [socket, server]) {
      sockets.add(end);
      end.on('error', () => undefined);
      end.on('close', () => sockets.delete(end));
    }
    let registering: boolean | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (registering === undefined) {
        registering = chunk.toString('latin1').startsWith('POST /api/v2/dispatches ');
        if (registering) delayed++;
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => (registering ? setTimeout(() => socket.write(chunk), delayMs) : socket.write(chunk)));
    socket.on('close', () => server.destroy());
    server.on('close', () => setTimeout(() => socket.destroy(), registering ? delayMs + 100 : 0));
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(relay.address() as net.AddressInfo).port}`,
    delayed: () => delayed,
    close: () => {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}

/** A TCP relay in front of the server that counts the connections made through it. */
async function countingRelay(target: string): Promise<{ address: string; connections(): number; close(): void }> {
  const upstream = new URL(target);
  let count = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((socket) => {
    count++;
    const server = net.connect(Number(upstream.port), upstream.hostname);
    for (const end of [socket, server]) {
      sockets.add(end);
      end.on('error', () => undefined);
      end.on('close', () => sockets.delete(end));
    }
    socket.pipe(server).pipe(socket);
    socket.on('close', () => server.destroy());
    server.on('close', () => socket.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(relay.address() as net.AddressInfo).port}`,
    connections: () => count,
    close: () => {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}

describe('Bridge: a dispatch’s assets, uploaded by the bridge (real server)', function () {
  this.timeout(300000);
  const logger = new MemoryLogger();
  const python = venvPython();

  const suite = realServerSuite('uploads', { 'flatwork.py': [...SWEEP_WORKFLOW] }, { logger });

  async function sdk(tasks: number, run: boolean): Promise<string[]> {
    const { stdout } = await promisify(execFile)(python, ['-c', SDK_SWEEP_SCRIPT, suite.server.address, suite.folder, String(tasks), run ? 'run' : 'register'], {
      env: suite.server.env,
      cwd: suite.folder,
      timeout: 240000,
    });
    return stdout.trim().split('\n');
  }

  const source = () => ({ file: path.join(suite.folder, 'flatwork.py'), workspaceFolders: [suite.folder], lattice: 'flat' });

  it('uploads over a few kept-alive connections what a plain SDK process uploads (every asset of every node, the same digests and sizes)', async () => {
    const relay = await countingRelay(suite.server.address);
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
    const [sdkId = ''] = await sdk(TASKS, false);
    const ours = await storedAssets(suite.server.address, bridgeId);
    const theirs = await storedAssets(suite.server.address, sdkId);
    assert.deepStrictEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    const differing = differingAssets(ours, theirs);
    assert.deepStrictEqual(differing.filter((name) => !namesAnAddress(name)), [], 'only pickled functions differ from another process’s dispatch');
    // Functions are pickled from the module as the bridge's loader imported it (the lattice's and the
    // postprocessing task's sizes differ too); the next test compares them byte for byte.
    assert.deepStrictEqual(uploadedNames(ours), uploadedNames(theirs));
  });

  it('gives a big manifest’s register post time by its size: a 1,000-task registration the server answers after 3 s completes under a 1 s request timeout', async () => {
    const relay = await slowRegisterRelay(suite.server.address, 3000);
    try {
      const limits = { buildSeconds: 120, requestSeconds: 1 };
      const { dispatchId } = await suite.pool.request(python, 'dispatch', { ...source(), args: '1000', dispatcherAddress: relay.address, disableRun: true, limits });
      assert.strictEqual(relay.delayed(), 1, 'the register post went through the slow relay');
      const stored = await fetch(`${suite.server.address}/api/v2/dispatches/${dispatchId}`);
      assert.strictEqual(stored.status, 200, 'the server holds the registered dispatch');
      // A small request keeps the call's own timeout: a 2-task registration held back as long fails within it.
      await assert.rejects(suite.pool.request(python, 'dispatch', { ...source(), args: '2', dispatcherAddress: relay.address, disableRun: true, limits }), (error: BridgeError) => {
        assert.deepStrictEqual([error.kind, error.data.timedOut], ['serverUnreachable', true], error.message);
        return true;
      });
    } finally {
      relay.close();
    }
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

  it('sends the call’s token with every upload to an authenticating proxy, and a started workflow ends with the SDK’s result', async () => {
    const proxy = await harness('authProxy').startAuthProxy(suite.server.address);
    try {
      const tasks = 50;
      const params = { dispatcherAddress: proxy.address, tokens: { [proxy.address]: proxy.token } };
      const { dispatchId } = await suite.pool.request(python, 'dispatch', { ...source(), ...params, args: String(tasks) });
      const answer = await suite.pool.request(python, 'waitForResult', { ...params, dispatchId, pollIntervalMs: 250 });
      const [, sdkResult] = await sdk(tasks, true);
      const expected = sweepResult(tasks);
      assert.deepStrictEqual([answer.status, answer.result, sdkResult], ['COMPLETED', expected, expected]);
      assert.strictEqual(proxy.stats.refused, 0, proxy.stats.refusedPaths.join('\n'));
      assert.ok(proxy.stats.assets >= 7 * tasks, `the uploads went through the proxy (${proxy.stats.assets} asset requests)`);
      assert.ok(!logger.text().includes(proxy.token), 'the token is in no log line');
    } finally {
      await proxy.stop();
    }
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
