import { DispatchStore } from '../src/store/dispatchStore';
import { LiveStatus } from '../src/store/liveStatus';
import { gc, mb, runPython, sleep, startServer } from './statusSupport';

/**
 * Scale: with many dispatches on the server (registered quickly with
 * `disable_run`, from 16 threads), the time from the tree becoming visible to
 * its first page in the store (goal < 300 ms), and the memory growth of the
 * process that holds the store after the first page and after paging through
 * 20 pages (goal < 50 MB). Anchor: the same first page read with a bare `fetch`.
 * COVALENT_BENCH_DISPATCHES sets the count (default 10,000).
 */
const TOTAL = Number(process.env.COVALENT_BENCH_DISPATCHES ?? 10000);

const script = `
import sys, threading
from concurrent.futures import ThreadPoolExecutor
import covalent as ct
from redispatch_howto import workflow
addr, count = sys.argv[1], int(sys.argv[2])
done = 0
lock = threading.Lock()
def register(index):
    global done
    ct.dispatch(workflow, dispatcher_addr=addr, disable_run=True)(index, 2)
    with lock:
        done += 1
        if done % 1000 == 0:
            print(done, flush=True)
with ThreadPoolExecutor(16) as pool:
    list(pool.map(register, range(count)))
`;

async function main(): Promise<void> {
  const server = await startServer('scale');
  try {
    const registering = Date.now();
    await runPython(server, script, [String(TOTAL)], (line) => process.stdout.write(`registered ${line}\r`));
    console.log(`registered ${TOTAL} dispatches with disable_run in ${((Date.now() - registering) / 1000).toFixed(0)} s`);

    const anchorStart = performance.now();
    const response = await fetch(`${server.address}/api/v2/dispatches?count=50&latest=true`);
    await response.json();
    const anchorMs = performance.now() - anchorStart;

    gc();
    const before = process.memoryUsage();
    const store = new DispatchStore();
    const live = new LiveStatus(store, { address: server.address, requestTimeoutMs: 10000, pollIntervalMs: 500 });
    const firstPage = new Promise<number>((resolve) => {
      const started = performance.now();
      const subscription = store.onDidChange((change) => {
        if (change.kind === 'list' && store.listing.dispatchIds.length > 0) {
          subscription.dispose();
          resolve(performance.now() - started);
        }
      });
      live.setDemand('tree', true);
      live.start();
    });
    const firstPageMs = await firstPage;
    gc();
    const afterFirst = process.memoryUsage();
    for (let page = 1; page < 20; page++) await live.loadMore();
    await sleep(1000);
    gc();
    const afterPaging = process.memoryUsage();
    console.log(`first page (${store.listing.dispatchIds.length > 0 ? 50 : 0} rows) of ${TOTAL}: ${firstPageMs.toFixed(0)} ms   anchor, bare fetch of the same page: ${anchorMs.toFixed(0)} ms`);
    console.log(`memory growth after the first page: heap ${mb(afterFirst.heapUsed - before.heapUsed)}, rss ${mb(afterFirst.rss - before.rss)}`);
    console.log(`memory growth after 20 pages (${store.listing.dispatchIds.length} rows): heap ${mb(afterPaging.heapUsed - before.heapUsed)}, rss ${mb(afterPaging.rss - before.rss)}`);
    live.dispose();
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
