import { DispatchStore } from '../src/store/dispatchStore';
import { LiveStatus } from '../src/store/liveStatus';
import { gc, mb, runPython, sleep, startServer } from './statusSupport';

/**
 * Soak: watch 100 running dispatches (tree visible, socket connected) and sample
 * heap, active timers and open sockets of this process once a minute. Goal: no
 * growth beyond 10% over 10 minutes. COVALENT_BENCH_SOAK_MINUTES shortens it.
 * Anchor: the sample after one minute of warm-up (connection pools and JIT settle).
 */
const MINUTES = Number(process.env.COVALENT_BENCH_SOAK_MINUTES ?? 10);
const COUNT = 100;

const script = `
import sys
import covalent as ct
from long_running import long_running
addr, count = sys.argv[1], int(sys.argv[2])
for index in range(count):
    print(ct.dispatch(long_running, dispatcher_addr=addr)(3600, 0), flush=True)
`;

function resources(): { timers: number; sockets: number } {
  const active = process.getActiveResourcesInfo();
  return { timers: active.filter((name) => name === 'Timeout').length, sockets: active.filter((name) => name === 'TCPSocketWrap').length };
}

async function main(): Promise<void> {
  const server = await startServer('soak');
  try {
    const ids: string[] = [];
    await runPython(server, script, [String(COUNT)], (line) => ids.push(line));
    const store = new DispatchStore();
    const live = new LiveStatus(store, { address: server.address, requestTimeoutMs: 10000, pollIntervalMs: 500 });
    for (const id of ids) store.track(id, { serverAddress: server.address });
    const watchers = ids.slice(0, 5).map((id) => store.watchGraph(id));
    live.setDemand('tree', true);
    live.start();
    await sleep(60000);
    gc();
    const first = { heap: process.memoryUsage().heapUsed, ...resources(), requests: live.client.http.requestCount, at: Date.now() };
    console.log(`anchor after 1 minute of warm-up: heap ${mb(first.heap)}, ${first.timers} timers, ${first.sockets} sockets`);
    for (let minute = 1; minute <= MINUTES; minute++) {
      await sleep(60000);
      gc();
      const now = { heap: process.memoryUsage().heapUsed, ...resources() };
      const running = store.all().filter((dispatch) => dispatch.status === 'RUNNING').length;
      const rate = (live.client.http.requestCount - first.requests) / ((Date.now() - first.at) / 1000);
      console.log(
        `minute ${String(minute).padStart(2)}: heap ${mb(now.heap)} (${(((now.heap - first.heap) / first.heap) * 100).toFixed(1)}%), ${now.timers} timers, ${now.sockets} sockets, ${running} running, ${rate.toFixed(2)} req/s`,
      );
    }
    watchers.forEach((watcher) => watcher.dispose());
    live.dispose();
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
