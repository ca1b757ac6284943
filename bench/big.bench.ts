/**
 * Registering a big flat lattice: `total([inc(i) for i in range(n)])`, saved
 * with disable_run. The time of the extension's bridge request (`dispatch`,
 * disableRun) for 100, 1,000 and 10,000 tasks, next to `ct.dispatch` from a
 * terminal (a plain Python process with the SDK: the process's whole life, and
 * its `ct.dispatch` call alone) for 100 and 1,000, on the same real server (its
 * own, stopped however the run ends), in the same run, interleaved.
 *
 * The floor is what the server itself needs: its time for the register POST
 * (the SDK's own manifest, posted by a bare client) plus the fastest asset PUT a
 * bare keep-alive client (http.client, one connection, one PUT after another)
 * measured, times the number of assets. Last, the server's start call (PUT
 * status RUNNING) for the registered 100- and 1,000-task dispatches, each
 * cancelled straight after: a dispatch's third request, not counted in the
 * register times above.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgePool } from '../src/bridge/bridgePool';
import { SWEEP_WORKFLOW } from '../test/support/sweeps';
import { benchmarkWithServer, python, repoRoot, runPython } from './statusSupport';

const BRIDGE_SIZES = [100, 1000, 10000];
const SDK_SIZES = [100, 1000];
const GOAL = 0.2;
/** PUTs the floor samples per size (their minimum is what counts). */
const FLOOR_SAMPLES = 2000;


/** `ct.dispatch` from a terminal: prints the call's own seconds. */
const SDK_SCRIPT = `
import sys, time
address, folder, tasks = sys.argv[1:4]
sys.path.insert(0, folder)
import covalent as ct
import flatwork
started = time.perf_counter()
ct.dispatch(flatwork.flat, dispatcher_addr=address, disable_run=True)(int(tasks))
print("call", time.perf_counter() - started)
`;

/** The server's floor for n tasks: the register POST's time, the assets, the fastest bare PUT. */
const FLOOR_SCRIPT = `
import http.client, json, sys, tempfile, time
from copy import deepcopy
from urllib.parse import urlsplit
address, folder, samples, started_sizes = sys.argv[1:5]
sizes = [int(size) for size in sys.argv[5:]]
registered_ids = {}
sys.path.insert(0, folder)
import requests
import flatwork
from covalent._dispatcher_plugins.local import LocalDispatcher
from covalent._serialize.result import extract_assets, merge_response_manifest, strip_local_uris
from covalent._shared_files.schemas.result import ResultSchema
for tasks in sizes:
    lattice = deepcopy(flatwork.flat)
    lattice.build_graph(tasks)
    with tempfile.TemporaryDirectory() as staging:
        manifest = LocalDispatcher.prepare_manifest(lattice, staging)
        body = strip_local_uris(manifest).model_dump_json()
        started = time.perf_counter()
        response = requests.post(address + "/api/v2/dispatches", data=body, headers={"Content-Type": "application/json"})
        post = time.perf_counter() - started
        response.raise_for_status()
        registered = merge_response_manifest(manifest, ResultSchema.model_validate(response.json()))
        pending = [asset for asset in extract_assets(registered) if asset.remote_uri and asset.uri]
        parts = urlsplit(address)
        connection = http.client.HTTPConnection(parts.hostname, parts.port)
        fastest = float("inf")
        for asset in pending[: int(samples)]:
            with open(asset.uri[len("file://"):], "rb") as reader:
                data = reader.read()
            started = time.perf_counter()
            connection.request("PUT", urlsplit(asset.remote_uri).path, body=data, headers={"Content-Length": str(len(data))})
            answer = connection.getresponse()
            answer.read()
            fastest = min(fastest, time.perf_counter() - started)
            if answer.status >= 400:
                raise RuntimeError("PUT answered %d" % answer.status)
        connection.close()
    registered_ids[tasks] = registered.metadata.dispatch_id
    print(json.dumps({"tasks": tasks, "assets": len(pending), "post": post, "put": fastest}))
for tasks in [int(size) for size in started_sizes.split(",")]:
    status = address + "/api/v2/dispatches/%s/status" % registered_ids[tasks]
    started = time.perf_counter()
    requests.put(status, json={"status": "RUNNING"}).raise_for_status()
    start = time.perf_counter() - started
    requests.put(status, json={"status": "CANCELLED", "task_ids": []}).raise_for_status()
    print(json.dumps({"tasks": tasks, "start": start}))
`;

interface Floor {
  readonly tasks: number;
  readonly assets: number;
  readonly post: number;
  readonly put: number;
}

const seconds = (s: number) => `${s.toFixed(2)} s`;
const perTask = (s: number, tasks: number) => `${((s * 1000) / tasks).toFixed(2)} ms/task`;

benchmarkWithServer('big', async (server) => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bench-big-'));
  const file = path.join(workspace, 'flatwork.py');
  fs.writeFileSync(file, SWEEP_WORKFLOW.join('\n') + '\n');
  const pool = new BridgePool(path.join(repoRoot, 'src', 'bridge', 'python', 'covalent_bridge'), { info: () => undefined, warn: console.warn, error: console.error }, server.env);
  const source = { file, workspaceFolders: [workspace], lattice: 'flat', dispatcherAddress: server.address, disableRun: true };

  async function bridge(tasks: number): Promise<number> {
    const started = performance.now();
    await pool.request(python, 'dispatch', { ...source, args: String(tasks), limits: { buildSeconds: 3600, requestSeconds: 600 } });
    return (performance.now() - started) / 1000;
  }

  async function sdk(tasks: number): Promise<{ process: number; call: number }> {
    let call = NaN;
    const started = performance.now();
    await runPython(server, SDK_SCRIPT, [workspace, String(tasks)], (line) => {
      if (line.startsWith('call ')) call = Number(line.slice(5));
    });
    return { process: (performance.now() - started) / 1000, call };
  }

  try {
    await bridge(10); // the bridge started and warm, as the editor has it
    const bridged = new Map<number, number>();
    const sdked = new Map<number, { process: number; call: number }>();
    for (const tasks of BRIDGE_SIZES) {
      bridged.set(tasks, await bridge(tasks));
      console.log(`bridge ${tasks} tasks: ${seconds(bridged.get(tasks) ?? NaN)}`);
      if (SDK_SIZES.includes(tasks)) {
        sdked.set(tasks, await sdk(tasks));
        console.log(`ct.dispatch from a terminal, ${tasks} tasks: ${seconds(sdked.get(tasks)?.process ?? NaN)}`);
      }
    }
    const floors = new Map<number, Floor>();
    const starts = new Map<number, number>();
    await runPython(server, FLOOR_SCRIPT, [workspace, String(FLOOR_SAMPLES), SDK_SIZES.join(','), ...BRIDGE_SIZES.map(String)], (line) => {
      if (!line.startsWith('{')) return;
      const measured = JSON.parse(line) as Floor | { tasks: number; start: number };
      if ('start' in measured) starts.set(measured.tasks, measured.start);
      else floors.set(measured.tasks, measured);
    });

    console.log(`\nserver: real Covalent ${server.address}; flat lattice total([inc(i) for i in range(n)]), disable_run; one run each`);
    console.log('tasks   assets | bridge (extension)       | anchor: ct.dispatch from a terminal (process; call)   | ratio | floor: register POST + assets × fastest bare PUT');
    for (const tasks of BRIDGE_SIZES) {
      const ours = bridged.get(tasks) ?? NaN;
      const floor = floors.get(tasks);
      const floorSeconds = floor ? floor.post + floor.assets * floor.put : NaN;
      const theirs = sdked.get(tasks);
      const anchor = theirs ? `${seconds(theirs.process)} (${perTask(theirs.process, tasks)}); call ${seconds(theirs.call)}` : 'not run (minutes)';
      const ratio = theirs ? `${(ours / theirs.process).toFixed(3)}×` : '-';
      const floorText = floor ? `${seconds(floorSeconds)} (${perTask(floorSeconds, tasks)}) = ${seconds(floor.post)} + ${floor.assets} × ${(floor.put * 1000).toFixed(2)} ms` : '-';
      console.log(`${String(tasks).padStart(5)} ${String(floor?.assets ?? '?').padStart(8)} | ${seconds(ours)} (${perTask(ours, tasks)}) | ${anchor.padEnd(54)}| ${ratio.padStart(6)} | ${floorText}`);
    }
    const at1000 = (bridged.get(1000) ?? NaN) / (sdked.get(1000)?.process ?? NaN);
    console.log(`ratio at 1,000 tasks (bridge / ct.dispatch from a terminal): ${at1000.toFixed(3)}× (goal: at most ${GOAL}×)`);
    const flatness = ((bridged.get(10000) ?? NaN) / 10000) / ((bridged.get(100) ?? NaN) / 100);
    console.log(`cost per task, 10,000 tasks / 100 tasks: ${flatness.toFixed(2)}× (goal: flat, about 1×)`);
    for (const tasks of BRIDGE_SIZES) {
      const floor = floors.get(tasks);
      if (floor) console.log(`  ${tasks} tasks: bridge ${((bridged.get(tasks) ?? NaN) / (floor.post + floor.assets * floor.put)).toFixed(2)}× the floor`);
    }
    for (const [tasks, start] of starts) console.log(`  ${tasks} tasks: the server's start call (PUT status RUNNING) ${(start * 1000).toFixed(1)} ms`);
  } finally {
    await pool.stopAll();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
