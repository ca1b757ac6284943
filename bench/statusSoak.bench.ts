import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import { heapByKind, valueBytes, VALUE_KINDS } from './heapSnapshot';
import { DispatchStore } from '../src/store/dispatchStore';
import { benchmarkWithServer, gc, mb, runPython, sleep, statusPoller } from './statusSupport';
import { median } from './stats';

/**
 * Soak: watch 100 running dispatches (tree visible, socket connected, 5 graphs
 * watched) and sample this process every 20 s. Goal: no growth of memory, timers
 * or sockets beyond 10% over 10 minutes (COVALENT_BENCH_SOAK_MINUTES shortens it).
 *
 * One heap reading is noisy (what the young generation holds at that instant,
 * code V8 compiles late), so every sample is taken after forced full collections,
 * the anchor is the median of the first minute's samples after a minute of
 * warm-up, the end is the median of the last minute's, and the trend is the
 * least-squares slope over all samples. Compiled code is shown apart: it grows
 * while V8 optimises and is not data we keep. COVALENT_BENCH_SOAK_SNAPSHOTS=<dir>
 * keeps the heap snapshots taken at the anchor and the end (else a temporary folder),
 * to compare in DevTools; their sizes by kind are printed: the values the program
 * keeps apart from V8's own growth.
 */
const MINUTES = Number(process.env.COVALENT_BENCH_SOAK_MINUTES ?? 10);
const COUNT = 100;
const WARMUP_MS = 60000;
const SAMPLE_MS = 20000;
const PER_MINUTE = 60000 / SAMPLE_MS;

const script = `
import sys
import covalent as ct
from long_running import long_running
addr, count = sys.argv[1], int(sys.argv[2])
for index in range(count):
    print(ct.dispatch(long_running, dispatcher_addr=addr)(3600, 0), flush=True)
`;

interface Sample {
  readonly at: number;
  readonly heap: number;
  readonly code: number;
  readonly timers: number;
  readonly sockets: number;
}

/** Samples as numbers in one preallocated array, read back as objects only for the report. */
class SampleLog {
  private static readonly FIELDS = 5;
  private readonly values: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity * SampleLog.FIELDS);
  }

  push(entry: Sample): void {
    this.values.set([entry.at, entry.heap, entry.code, entry.timers, entry.sockets], this.size++ * SampleLog.FIELDS);
  }

  at(index: number): Sample {
    const [at = 0, heap = 0, code = 0, timers = 0, sockets = 0] = this.values.subarray(index * SampleLog.FIELDS, (index + 1) * SampleLog.FIELDS);
    return { at, heap, code, timers, sockets };
  }

  all(): Sample[] {
    return Array.from({ length: this.size }, (_, index) => this.at(index));
  }
}

/** Heap after full collections, with turns of the event loop between them so finalizers run. */
async function sample(): Promise<Sample> {
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const active = process.getActiveResourcesInfo();
  const code = v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name.startsWith('code'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
  return {
    at: Date.now(),
    heap: process.memoryUsage().heapUsed,
    code,
    timers: active.filter((name) => name === 'Timeout').length,
    sockets: active.filter((name) => name === 'TCPSocketWrap').length,
  };
}


/** Least-squares slope of value over time, per minute. */
function slopePerMinute(samples: readonly Sample[], value: (sample: Sample) => number): number {
  const origin = samples[0]?.at ?? 0;
  const points = samples.map((entry) => ({ x: (entry.at - origin) / 60000, y: value(entry) }));
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / points.length;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const { x, y } of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den ? num / den : 0;
}

const percent = (from: number, to: number) => `${to >= from ? '+' : ''}${(((to - from) / from) * 100).toFixed(1)}%`;

/**
 * A heap snapshot at the anchor and at the end: what the heap holds by kind tells
 * the values the program keeps from V8's own growth (compiled code's metadata,
 * feedback and deoptimisation data live outside the code space and would count as data).
 */
function snapshot(name: string): string {
  const wanted = process.env.COVALENT_BENCH_SOAK_SNAPSHOTS;
  const folder = wanted ? (fs.mkdirSync(wanted, { recursive: true }), wanted) : fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-soak-'));
  const file = v8.writeHeapSnapshot(path.join(folder, `soak-${name}.heapsnapshot`));
  console.log(`  heap snapshot: ${file}`);
  return file;
}

benchmarkWithServer('soak', async (server) => {
  const ids: string[] = [];
  await runPython(server, script, [String(COUNT)], (line) => ids.push(line));
  const store = new DispatchStore();
  const poller = statusPoller(store, server.address);
  for (const id of ids) store.track(id, { serverAddress: server.address });
  const watchers = ids.slice(0, 5).map((id) => store.watchGraph(id));
  poller.setDemand('tree', true);
  poller.start();
  await sleep(WARMUP_MS);
  const startRequests = poller.client.http.requestCount;
  const total = MINUTES * PER_MINUTE;
  // The samples live in one array made before the anchor: the benchmark's own
  // records must not read as growth of what it measures.
  const log = new SampleLog(total + 1);
  let anchorSnapshot = '';
  for (let index = 0; index <= total; index++) {
    const startedAt = log.size ? log.at(0).at : Date.now();
    if (index > 0) await sleep(SAMPLE_MS - ((Date.now() - startedAt) % SAMPLE_MS));
    const now = await sample();
    log.push(now);
    if (index === PER_MINUTE - 1) anchorSnapshot = snapshot('anchor');
    if (index % PER_MINUTE !== 0) continue;
    const running = store.all().filter((dispatch) => dispatch.status === 'RUNNING').length;
    const rate = index ? (poller.client.http.requestCount - startRequests) / ((now.at - startedAt) / 1000) : 0;
    console.log(
      `minute ${String(index / PER_MINUTE).padStart(2)}: heap ${mb(now.heap)} (code ${mb(now.code)}), ${now.timers} timers, ${now.sockets} sockets, ${running} running, ${rate.toFixed(2)} req/s`,
    );
  }
  const endSnapshot = snapshot('end');
  const samples = log.all();
  const first = samples.slice(0, PER_MINUTE);
  const last = samples.slice(-PER_MINUTE);
  const anchorHeap = median(first.map((entry) => entry.heap));
  const endHeap = median(last.map((entry) => entry.heap));
  const anchorData = median(first.map((entry) => entry.heap - entry.code));
  const endData = median(last.map((entry) => entry.heap - entry.code));
  const slope = slopePerMinute(samples, (entry) => entry.heap);
  const dataSlope = slopePerMinute(samples, (entry) => entry.heap - entry.code);
  console.log(`anchor (median of the ${first.length} samples in the first minute after 1 minute of warm-up): heap ${mb(anchorHeap)}, of it data ${mb(anchorData)}; ${first[0]?.timers} timers, ${first[0]?.sockets} sockets`);
  console.log(`end (median of the last ${last.length} samples, ${MINUTES} min later): heap ${mb(endHeap)} (${percent(anchorHeap, endHeap)}), data ${mb(endData)} (${percent(anchorData, endData)})`);
  console.log(
    `trend over ${samples.length} samples: heap ${(slope / 1024).toFixed(1)} KB/min (${percent(anchorHeap, anchorHeap + slope * MINUTES)} over ${MINUTES} min), data ${(dataSlope / 1024).toFixed(1)} KB/min (${percent(anchorData, anchorData + dataSlope * MINUTES)})`,
  );
  console.log(
    `timers ${Math.min(...samples.map((entry) => entry.timers))}–${Math.max(...samples.map((entry) => entry.timers))}, sockets ${Math.min(...samples.map((entry) => entry.sockets))}–${Math.max(...samples.map((entry) => entry.sockets))}; goal: growth ≤ 10%`,
  );
  const [anchorKinds, endKinds] = [heapByKind(anchorSnapshot), heapByKind(endSnapshot)];
  const [anchorValues, endValues] = [valueBytes(anchorKinds), valueBytes(endKinds)];
  const grown = Object.keys(endKinds)
    .map((kind) => ({ kind, bytes: (endKinds[kind] ?? 0) - (anchorKinds[kind] ?? 0) }))
    .filter((entry) => entry.bytes !== 0)
    .sort((a, b) => b.bytes - a.bytes)
    .map((entry) => `${entry.kind} ${entry.bytes >= 0 ? '+' : ''}${(entry.bytes / 1024).toFixed(1)} KB${VALUE_KINDS.includes(entry.kind) ? '' : ' (V8)'}`);
  console.log(`heap snapshots, anchor → end: values kept (${VALUE_KINDS.join(', ')}) ${mb(anchorValues)} → ${mb(endValues)} (${percent(anchorValues, endValues)}, ${((endValues - anchorValues) / 1024 / MINUTES).toFixed(2)} KB/min)`);
  console.log(`  by kind: ${grown.join(', ')}`);
  watchers.forEach((watcher) => watcher.dispose());
  poller.dispose();
});
