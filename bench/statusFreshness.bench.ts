import { CovalentClient } from '../src/covalent/client';
import { DispatchStore } from '../src/store/dispatchStore';
import { percentile } from './stats';
import { benchmarkWithServer, runPython, statusPoller } from './statusSupport';

/**
 * Freshness: for 20 dispatches, the time from the server's `completed_at` to the
 * store showing COMPLETED, next to `ct.get_result(wait=True)` returning for the
 * same dispatches in the same run (the anchor). Goal: p95 ≤ 1 s, never behind the SDK.
 */
const COUNT = 20;

const script = `
import sys, threading, time
import covalent as ct
from redispatch_howto import workflow
addr = sys.argv[1]
def wait(dispatch_id):
    ct.get_result(dispatch_id, wait=True, dispatcher_addr=addr)
    print("sdk", dispatch_id, repr(time.time()), flush=True)
threads = []
for index in range(${COUNT}):
    dispatch_id = ct.dispatch(workflow, dispatcher_addr=addr)(index, 2)
    print("id", dispatch_id, flush=True)
    thread = threading.Thread(target=wait, args=(dispatch_id,))
    thread.start()
    threads.append(thread)
for thread in threads:
    thread.join()
`;

benchmarkWithServer('freshness', async (server) => {
  const store = new DispatchStore();
  const poller = statusPoller(store, server.address);
  poller.setDemand('bench', true);
  poller.start();
  const seenCompleted = new Map<string, number>();
  store.onDidChange((change) => {
    if (change.kind !== 'dispatch' || seenCompleted.has(change.dispatchId)) return;
    if (store.get(change.dispatchId)?.status === 'COMPLETED') seenCompleted.set(change.dispatchId, Date.now());
  });
  const sdkReturned = new Map<string, number>();
  try {
    await runPython(server, script, [], (line) => {
      const [kind, id = '', time] = line.split(' ');
      if (kind === 'id') store.track(id, { serverAddress: server.address, submittedAt: Date.now() });
      if (kind === 'sdk') sdkReturned.set(id, Number(time) * 1000);
    });
    const deadline = Date.now() + 30000;
    while (seenCompleted.size < COUNT && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const summaries = await new CovalentClient({ baseUrl: server.address, timeoutMs: 10000 }).summaries([...sdkReturned.keys()]);
    const storeLag: number[] = [];
    const sdkLag: number[] = [];
    let behind = 0;
    for (const summary of summaries) {
      const seen = seenCompleted.get(summary.dispatchId);
      const sdk = sdkReturned.get(summary.dispatchId);
      if (summary.completedAt === undefined || seen === undefined || sdk === undefined) {
        console.log(`left out ${summary.dispatchId}: server ${summary.status} completed_at ${summary.completedAt}, store ${store.get(summary.dispatchId)?.status} seen ${seen}, sdk ${sdk}`);
        continue;
      }
      storeLag.push(seen - summary.completedAt);
      sdkLag.push(sdk - summary.completedAt);
      if (seen > sdk) behind++;
    }
    const row = (name: string, values: number[]) => `${name.padEnd(34)} p50 ${percentile(values, 50).toFixed(0).padStart(5)} ms   p95 ${percentile(values, 95).toFixed(0).padStart(5)} ms   max ${Math.max(...values).toFixed(0).padStart(5)} ms`;
    if (summaries.length !== COUNT) console.log(`the server listed ${summaries.length} of ${sdkReturned.size} dispatches`);
    console.log(`${storeLag.length} of ${COUNT} dispatches COMPLETED; time from the server's completed_at to:`);
    console.log(row('store shows COMPLETED (extension)', storeLag));
    console.log(row('ct.get_result(wait=True) (anchor)', sdkLag));
    console.log(`store behind the SDK for ${behind} of ${storeLag.length} dispatches; requests sent by the extension: ${poller.client.http.requestCount}`);
  } finally {
    poller.dispose();
  }
});
