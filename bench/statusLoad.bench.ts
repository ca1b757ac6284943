import { DispatchStore } from '../src/store/dispatchStore';
import { benchmarkWithServer, runPython, sleep, statusPoller } from './statusSupport';

/**
 * Load: requests per second the extension sends while watching 1, 10 and 100
 * running dispatches (a view visible, so the quick 500 ms interval applies).
 * Anchor: what polling each dispatch on its own would send at the same interval
 * (the SDK's `get_result(wait=True)` does one request per dispatch per second).
 * Goal: the same ≤ 2/s for every count.
 */
const COUNTS = [1, 10, 100];
const WINDOW_MS = 10000;

const script = `
import sys
import covalent as ct
from long_running import long_running
addr, count = sys.argv[1], int(sys.argv[2])
for index in range(count):
    print(ct.dispatch(long_running, dispatcher_addr=addr)(600, 0), flush=True)
`;

async function measure(address: string, ids: readonly string[], treeVisible: boolean): Promise<{ rate: number; running: number }> {
  const store = new DispatchStore();
  const poller = statusPoller(store, address);
  for (const id of ids) store.track(id, { serverAddress: address });
  poller.setDemand(treeVisible ? 'tree' : 'editor', true);
  poller.start();
  await sleep(2000);
  const before = poller.client.http.requestCount;
  await sleep(WINDOW_MS);
  const sent = poller.client.http.requestCount - before;
  const running = store.all().filter((dispatch) => dispatch.status === 'RUNNING').length;
  poller.dispose();
  return { rate: sent / (WINDOW_MS / 1000), running };
}

benchmarkWithServer('load', async (server) => {
  const ids: string[] = [];
  for (const count of COUNTS) {
    await runPython(server, script, [String(count - ids.length)], (line) => ids.push(line));
    const watched = ids.slice(0, count);
    const plain = await measure(server.address, watched, false);
    const withTree = await measure(server.address, watched, true);
    console.log(
      `watching ${String(count).padStart(3)} dispatches (${plain.running} RUNNING): ${plain.rate.toFixed(2)} req/s; with the tree visible: ${withTree.rate.toFixed(2)} req/s` +
        `   anchor, one request per dispatch per tick: ${(count * 2).toFixed(2)} req/s`,
    );
  }
});
