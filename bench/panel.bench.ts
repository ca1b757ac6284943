/**
 * `npm run bench -- panel`: the result panel against the Covalent UI's own graph
 * page, for the same dispatches, in the same headless Chromium, in one run.
 *
 * 1. Starts a Covalent server (own folders, free port) and dispatches the seed
 *    workflow, a generated 1,000-task lattice (run to the end) and a generated
 *    5,000-task lattice (registered with disable_run: its graph is the same, and
 *    running 5,000 tasks here would take most of an hour).
 * 2. Runs VS Code (code-server) in Chromium with bench/panelBenchHost.ts as its
 *    test module: `covalent.openResult` → the webview reports the graph drawn
 *    (first open, then re-opens), and frame times while panning 5,000 tasks.
 * 3. In the same browser opens `<server>/<dispatch id>` (the Covalent UI) and
 *    times navigation → every node the UI draws is on screen.
 * Screenshots go to .cache/panel-*.png.
 *
 * PANEL_BENCH_TASKS=1000,5000 (sizes), PANEL_BENCH_SCREENSHOT_ONLY=1 (seed and a redispatch
 * only), PANEL_BENCH_REGISTER_ONLY=1 (register every size, run none: quicker),
 * PANEL_BENCH_HOME=<folder> (the server keeps its files there and the generated
 * dispatches are made once: later runs start a server on the same files and measure
 * the same dispatches again).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';
import { type FrameStats, frameStats, gestureFrames } from '../src/webview/app/gestureFrames';
import type { HostResult } from './panelBenchHost';
import { browserBenchHarness, runInBrowserHost } from './browserHost';
import { getJson, waitForStatus } from './serverRest';
import { median } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const cacheDir = path.join(repoRoot, '.cache');

const BIG_LATTICE = `"""Generated for the panel benchmark: WIDTH chains DEPTH deep, each task joining two of the layer above."""
import os
import covalent as ct

WIDTH = int(os.environ.get("BIG_WIDTH", "25"))
DEPTH = int(os.environ.get("BIG_DEPTH", "40"))


@ct.electron
def leaf(index):
    return index


@ct.electron
def join(left, right):
    return left + right


@ct.lattice
def big_lattice(width=WIDTH, depth=DEPTH):
    layer = [leaf(index) for index in range(width)]
    for _ in range(depth - 1):
        layer = [join(layer[index], layer[(index + 1) % width]) for index in range(width)]
    return layer[0]
`;

interface ServerGraph {
  graph: { nodes: { name: string; type: string; node_id: number }[]; links: unknown[] };
}

function log(message: string): void {
  console.log(`[panel bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function describeFrames(what: string, times: FrameStats | undefined): string {
  return times ? `  ${what}: ${times.frames} frames, mean ${times.meanMs.toFixed(1)} ms, p95 ${times.p95Ms.toFixed(1)} ms, max ${times.maxMs.toFixed(1)} ms per frame\n` : '';
}


async function main(): Promise<void> {
  const { python, CovalentServer, startCodeServer, workbenchUrl, chromiumPath, CHROMIUM_ARGS, copyExamples, writeUserSettings } = browserBenchHarness();
  const { chromium } = await import('playwright-core');

  const sizes = (process.env.PANEL_BENCH_TASKS ?? '1000,5000').split(',').map(Number).filter((size) => size > 0);
  const screenshotOnly = process.env.PANEL_BENCH_SCREENSHOT_ONLY === '1';
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-panel-bench-'));
  // PANEL_BENCH_SERVER + PANEL_BENCH_DISPATCHES=1000:<id>,5000:<id> measure again against a
  // server that already holds the generated dispatches (submitting 5,000 tasks takes minutes).
  const reuse = process.env.PANEL_BENCH_SERVER;
  const keptHome = process.env.PANEL_BENCH_HOME ? path.resolve(process.env.PANEL_BENCH_HOME) : undefined;
  const keptDispatches = keptHome ? path.join(keptHome, 'bench-dispatches.json') : undefined;
  const server: { address: string; env: NodeJS.ProcessEnv; stop(): Promise<void>; killProcessGroup(): void } = reuse
    ? { address: reuse, env: process.env, stop: () => Promise.resolve(), killProcessGroup: () => undefined }
    : await CovalentServer.create({ python, home: keptHome ?? path.join(runDir, 'covalent') });
  const cleanup = () => server.killProcessGroup();
  process.once('exit', cleanup);
  if (!reuse) await (server as unknown as { start(): Promise<void> }).start();
  const workspace: string = copyExamples(path.join(runDir, 'workspace'));
  fs.writeFileSync(path.join(workspace, 'big_lattice.py'), BIG_LATTICE);

  const dispatch = (module: string, lattice: string, args: string, extraEnv: Record<string, string> = {}, disableRun = false): Promise<string> =>
    new Promise((resolve, reject) => {
      const script = [
        'import sys, cloudpickle, covalent as ct',
        `import ${module}`,
        `cloudpickle.register_pickle_by_value(${module})`,
        `print(ct.dispatch(${module}.${lattice}, dispatcher_addr=sys.argv[1], disable_run=${disableRun ? 'True' : 'False'})(${args}))`,
      ].join('\n');
      // Asynchronous: the big submissions upload thousands of assets and run side by side.
      execFile(python, ['-c', script, server.address], { cwd: workspace, env: { ...process.env, PYTHONPATH: workspace, ...extraEnv }, timeout: 40 * 60 * 1000, maxBuffer: 1 << 24 }, (error, stdout) => {
        if (error) reject(new Error(error.message, { cause: error }));
        else resolve(stdout.trim().split('\n').pop() ?? '');
      });
    });

  log(`Covalent server at ${server.address}; files in ${runDir}`);
  const seedId = await dispatch('redispatch_howto', 'workflow', '1, 2');
  const bigIds = new Map<number, string>();
  const kept = keptDispatches && fs.existsSync(keptDispatches) ? (JSON.parse(fs.readFileSync(keptDispatches, 'utf8')) as Record<string, string>) : {};
  const listed = (process.env.PANEL_BENCH_DISPATCHES ?? '').split(',').filter(Boolean).map((entry) => entry.split(':'));
  for (const [size, id] of [...Object.entries(kept), ...listed]) if (id) bigIds.set(Number(size), id);
  if (bigIds.size > 0) log(`measuring dispatches made before: ${[...bigIds].map(([size, id]) => `${size} → ${id}`).join(', ')}`);
  if (!screenshotOnly && bigIds.size === 0) {
    const started = Date.now();
    const submissions = sizes.map(async (size) => {
      const width = size >= 5000 ? 50 : 25;
      const depth = Math.round(size / width);
      // The largest size is only registered (see the header comment); PANEL_BENCH_REGISTER_ONLY=1 registers all.
      const register = size >= 5000 || process.env.PANEL_BENCH_REGISTER_ONLY === '1';
      const id = await dispatch('big_lattice', 'big_lattice', '', { BIG_WIDTH: String(width), BIG_DEPTH: String(depth) }, register);
      log(`${size} tasks ${register ? 'registered' : 'submitted'} as ${id} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
      bigIds.set(size, id);
      if (!register) {
        await waitForStatus(server.address, id, (status) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(status), 40 * 60 * 1000);
        log(`${size} tasks finished after ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
    });
    await Promise.all(submissions);
    if (keptDispatches) fs.writeFileSync(keptDispatches, JSON.stringify(Object.fromEntries(bigIds)));
  }
  await waitForStatus(server.address, seedId, (status) => status === 'COMPLETED', 120000);

  const graphOf = (id: string) => getJson<ServerGraph>(`${server.address}/api/v1/dispatches/${id}/graph`);
  const seedGraph = await graphOf(seedId);
  const plan: object[] = [];
  const uiExpected = new Map<number, number>();
  for (const size of sizes) {
    const id = bigIds.get(size);
    if (!id) continue;
    const graph = await graphOf(id);
    // The Covalent UI hides parameters and post-processing by default: it draws the rest.
    uiExpected.set(size, graph.graph.nodes.filter((node) => node.type !== 'parameter' && !node.name.startsWith(':postprocess:')).length);
    const screenshots = size >= 5000 ? [{ name: `panel-${size}-fit.png`, press: ['fit', 'minimap'] }, { name: `panel-${size}-closer.png`, press: ['zoomIn', 'zoomIn', 'zoomIn', 'zoomIn', 'zoomIn'] }, { name: `panel-${size}-close.png`, press: ['zoomIn', 'zoomIn', 'zoomIn', 'zoomIn'] }] : [];
    plan.push({ label: `${size} tasks`, dispatchId: id, nodes: graph.graph.nodes.length, repeats: 3, panFrames: size >= 5000 ? 180 : 120, screenshots });
    log(`${size}: the server's graph has ${graph.graph.nodes.length} nodes and ${graph.graph.links.length} links`);
  }
  const task1 = seedGraph.graph.nodes.find((node) => node.name === 'task_1')?.node_id ?? 0;
  plan.push({ label: 'seed workflow', dispatchId: seedId, nodes: seedGraph.graph.nodes.length, repeats: 1, keepOpenSelecting: task1, pressBeforeScreenshot: ['minimap'] });
  let screenshotName = 'panel-seed.png';
  if (screenshotOnly) {
    // A redispatch reusing task_0 and task_1, shown last: reused marks and the comparison.
    const redispatchId = await new Promise<string>((resolve, reject) => {
      const script = [
        'import sys, cloudpickle, covalent as ct',
        'import redispatch_howto as m',
        'cloudpickle.register_pickle_by_value(m)',
        `print(ct.redispatch(${JSON.stringify(seedId)}, dispatcher_addr=sys.argv[1], replace_electrons={"task_2": m.task_2_redefined}, reuse_previous_results=True)())`,
      ].join('\n');
      execFile(python, ['-c', script, server.address], { cwd: workspace, env: { ...process.env, PYTHONPATH: workspace } }, (error, stdout) =>
        error ? reject(new Error(error.message, { cause: error })) : resolve(stdout.trim().split('\n').pop() ?? ''),
      );
    });
    await waitForStatus(server.address, redispatchId, (status) => status === 'COMPLETED', 120000);
    const graph = await graphOf(redispatchId);
    const replaced = graph.graph.nodes.find((node) => node.name === 'task_2_redefined')?.node_id ?? 0;
    plan.push({ label: 'redispatch', dispatchId: redispatchId, nodes: graph.graph.nodes.length, repeats: 1, keepOpenSelecting: replaced, keepOpenTab: 'compare' });
    screenshotName = 'panel-redispatch.png';
  }

  const resultsFile = path.join(runDir, 'host-results.json');
  const userDataDir = path.join(runDir, 'user-data');
  writeUserSettings(userDataDir, { python, serverAddress: server.address, extra: {
      'security.workspace.trust.enabled': false,
      'workbench.colorTheme': 'Default Dark Modern',
      // The server needs tens of seconds for a 5,000-node graph on a busy machine; the
      // Covalent UI waits as long as it takes, so the extension may too.
      'covalent.requestTimeoutMs': 180000,
    },
  });
  const codeServer = await startCodeServer({
    userDataDir,
    extensionsDir: path.join(runDir, 'extensions'),
    workspace,
    env: { ...server.env, PANEL_BENCH_PLAN: JSON.stringify(plan), PANEL_BENCH_RESULTS: resultsFile },
    logFile: path.join(runDir, 'code-server.log'),
  });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    const hostModule = path.join(repoRoot, 'out', 'bench', 'panelBenchHost.js');
    const url = (query: [string, string][]) => workbenchUrl(codeServer, workspace, query);
    const { page, code } = await runInBrowserHost({ browser, url, codeServerPort: codeServer.port, repoRoot, hostModule, resultsFile, screenshotDir: cacheDir, timeoutMs: 30 * 60 * 1000, log });
    fs.mkdirSync(cacheDir, { recursive: true });
    await page.screenshot({ path: path.join(cacheDir, screenshotName) });
    log(`screenshot of the panel: ${path.join(cacheDir, screenshotName)}`);
    if (code !== 0) throw new Error(`the benchmark module in VS Code exited with ${code}; see ${runDir}`);
    const hostResults = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as HostResult[];

    const uiPage = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    const rows: string[] = [];
    for (const size of sizes) {
      const id = bigIds.get(size);
      const panel = hostResults.find((result) => result.label === `${size} tasks`);
      if (!id || !panel) continue;
      const expected = uiExpected.get(size) ?? 0;
      const uiTimes: number[] = [];
      const uiFrames: { pan?: FrameStats; zoom?: FrameStats } = {};
      const attempts = size >= 5000 ? 1 : 3;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const started = Date.now();
        await uiPage.goto(`${server.address}/${id}`);
        try {
          await uiPage.waitForFunction(
            (count: number) => {
              const nodes = document.querySelectorAll('.react-flow__node');
              if (nodes.length < count) return false;
              // React Flow keeps a node hidden until it has measured it.
              return Array.from(nodes).every((node) => getComputedStyle(node).visibility !== 'hidden');
            },
            expected,
            { polling: 100, timeout: 600000 },
          );
          uiTimes.push(Date.now() - started);
        } catch (error) {
          log(`Covalent UI, ${size} tasks: ${(error as Error).message.split('\n')[0]}`);
          break;
        }
        if (attempt === 0) await uiPage.screenshot({ path: path.join(cacheDir, `covalent-ui-${size}.png`) });
      }
      if (uiTimes.length > 0) {
        const frames = size >= 5000 ? 180 : 120;
        try {
          // React Flow's d3-zoom takes the gesture on its pane, as the panel's canvas does.
          const selectors = ['.react-flow__pane', '.react-flow__zoompane', '.react-flow__renderer'];
          uiFrames.pan = frameStats(await uiPage.evaluate(gestureFrames, { frames, gesture: 'pan' as const, selectors, events: 'mouse' as const }));
          uiFrames.zoom = frameStats(await uiPage.evaluate(gestureFrames, { frames, gesture: 'zoom' as const, selectors, events: 'mouse' as const }));
        } catch (error) {
          log(`Covalent UI, ${size} tasks: measuring frames failed: ${(error as Error).message.split('\n')[0]}`);
        }
      }
      if (panel.error) rows.push(`${size} tasks: the panel failed: ${panel.error}`);
      const panelCold = panel.openToDrawnMs[0];
      const panelWarm = Math.round(median(panel.openToDrawnMs.slice(1)));
      const uiCold = uiTimes[0];
      const uiWarm = uiTimes.length > 1 ? Math.round(median(uiTimes.slice(1))) : undefined;
      rows.push(
        `${size} tasks (${expected} nodes drawn by the Covalent UI, all nodes incl. parameters by the panel):\n` +
          `  panel open → graph drawn: first ${panelCold} ms, re-open ${panelWarm} ms (runs ${panel.openToDrawnMs.join(', ')} ms)\n` +
          `  Covalent UI /<id> → graph drawn (anchor): ${uiTimes.length ? `first ${uiCold} ms, reload ${uiWarm ?? '—'} ms (runs ${uiTimes.join(', ')} ms)` : 'did not finish'}\n` +
          (uiCold && panelCold !== undefined ? `  ratio panel/UI: first ${(panelCold / uiCold).toFixed(2)}×${uiWarm ? `, repeat ${(panelWarm / uiWarm).toFixed(2)}×` : ''} (goal ≤ 0.5×)\n` : '') +
          describeFrames("panning the panel's graph", panel.pan) +
          describeFrames("zooming the panel's graph", panel.zoom) +
          describeFrames("panning the Covalent UI's graph (anchor)", uiFrames.pan) +
          describeFrames("zooming the Covalent UI's graph (anchor)", uiFrames.zoom),
      );
    }
    console.log('\n' + rows.join('\n'));
  } finally {
    await browser.close().catch(() => undefined);
    codeServer.stop();
    await server.stop().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
