import { DispatchStore } from '../src/store/dispatchStore';
import { benchmarkWithServer, gc, mb, runPython, sleep, statusPoller } from './statusSupport';

/**
 * Scale: with many dispatches on the server, the time from the tree becoming
 * visible to its first page in the store (goal < 300 ms), and the memory growth
 * of the process that holds the store after the first page and after paging
 * through 20 pages (goal < 50 MB). Anchor: the same first page read with a bare
 * `fetch`. COVALENT_BENCH_DISPATCHES sets the count (default 10,000).
 *
 * Registering 10,000 with `ct.dispatch(..., disable_run=True)` takes most of an
 * hour here (the server registers ~3/s), so the dispatches are registered the way
 * that call does it (the SDK's `LocalDispatcher.register_manifest`) from one
 * built workflow, each under a new id, without uploading the assets again: the
 * server's rows are the same as a `disable_run` dispatch's, which is all a list reads.
 */
const TOTAL = Number(process.env.COVALENT_BENCH_DISPATCHES ?? 10000);

const script = `
import sys, tempfile, uuid
from concurrent.futures import ThreadPoolExecutor
from covalent._dispatcher_plugins.local import LocalDispatcher
from redispatch_howto import workflow
addr, count = sys.argv[1], int(sys.argv[2])
workflow.build_graph(1, 2)
manifest = LocalDispatcher.prepare_manifest(workflow, tempfile.mkdtemp())
def register(index):
    copy = manifest.model_copy(deep=True)
    copy.metadata.dispatch_id = copy.metadata.root_dispatch_id = str(uuid.uuid4())
    LocalDispatcher.register_manifest(copy, dispatcher_addr=addr)
    if (index + 1) % 500 == 0:
        print(index + 1, flush=True)
with ThreadPoolExecutor(8) as pool:
    list(pool.map(register, range(count)))
`;

benchmarkWithServer('scale', async (server) => {
  const registering = Date.now();
  await runPython(server, script, [String(TOTAL)], (line) => process.stdout.write(`registered ${line}\r`));
  console.log(`registered ${TOTAL} dispatches (not run) in ${((Date.now() - registering) / 1000).toFixed(0)} s`);

  const anchorStart = performance.now();
  const response = await fetch(`${server.address}/api/v2/dispatches?count=50&latest=true`);
  await response.json();
  const anchorMs = performance.now() - anchorStart;

  gc();
  const before = process.memoryUsage();
  const store = new DispatchStore();
  const poller = statusPoller(store, server.address);
  const firstPage = new Promise<number>((resolve) => {
    const started = performance.now();
    const subscription = store.onDidChange((change) => {
      if (change.kind === 'list' && store.listing.dispatchIds.length > 0) {
        subscription.dispose();
        resolve(performance.now() - started);
      }
    });
    poller.setDemand('tree', true);
    poller.start();
  });
  const firstPageMs = await firstPage;
  gc();
  const afterFirst = process.memoryUsage();
  for (let page = 1; page < 20; page++) await poller.loadMore();
  await sleep(1000);
  gc();
  const afterPaging = process.memoryUsage();
  console.log(`first page (${store.listing.dispatchIds.length > 0 ? 50 : 0} rows) of ${TOTAL}: ${firstPageMs.toFixed(0)} ms   anchor, bare fetch of the same page: ${anchorMs.toFixed(0)} ms`);
  console.log(`memory growth after the first page: heap ${mb(afterFirst.heapUsed - before.heapUsed)}, rss ${mb(afterFirst.rss - before.rss)}`);
  console.log(`memory growth after 20 pages (${store.listing.dispatchIds.length} rows): heap ${mb(afterPaging.heapUsed - before.heapUsed)}, rss ${mb(afterPaging.rss - before.rss)}`);
  poller.dispose();
});
