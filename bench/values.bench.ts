/**
 * `npm run bench -- values`: clicking a task → its result painted, in the result
 * panel and in the Covalent UI, for the same tasks of one dispatch, in the same
 * headless Chromium, in one run: a matplotlib figure, a 100,000 × 10 DataFrame
 * (first rows painted) and a 1,000 × 1,000 array. Goal: ≤ 1 s each, and ≤ 0.5×
 * the Covalent UI's time.
 *
 * The panel: bench/valuesBenchHost.ts starts the bridge first (as a dispatch or a
 * preview would have), then selects each task as a click does and waits for the
 * page to say the value is on screen; the first click draws it, later clicks find
 * it drawn. The Covalent UI: `<server>/<id>`,
 * a click on the task's node, and its drawer's result request answered and the
 * next frame drawn. Screenshots go to .cache/values-*.png.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';
import type { Browser } from 'playwright-core';
import type { ValuesHostResult } from './valuesBenchHost';
import { browserBenchHarness, runInBrowserHost } from './browserHost';
import { getJson, waitForStatus } from './serverRest';
import { median } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const cacheDir = path.join(repoRoot, '.cache');
const REPEATS = 5;

const LATTICE = `"""Generated for the values benchmark: the three kinds of result it times."""
import covalent as ct


@ct.electron
def figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    x = np.linspace(0, 10, 500)
    ax.plot(x, np.sin(x))
    ax.set_title("sin")
    return fig


@ct.electron
def dataframe():
    import numpy as np
    import pandas as pd

    return pd.DataFrame(np.random.default_rng(0).random((100_000, 10)), columns=[f"c{i}" for i in range(10)])


@ct.electron
def array():
    import numpy as np

    return np.random.default_rng(1).random((1000, 1000))


@ct.lattice
def values_bench():
    return [figure(), dataframe(), array()]
`;

function log(message: string): void {
  console.log(`[values bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function main(): Promise<void> {
  const { python, CovalentServer, startCodeServer, workbenchUrl, chromiumPath, CHROMIUM_ARGS, copyExamples, writeUserSettings } = browserBenchHarness();
  const { chromium } = await import('playwright-core');

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-values-bench-'));
  const server = await CovalentServer.create({ python, home: path.join(runDir, 'covalent') });
  process.once('exit', () => server.killProcessGroup());
  await server.start();
  const workspace: string = copyExamples(path.join(runDir, 'workspace'));
  fs.writeFileSync(path.join(workspace, 'values_bench.py'), LATTICE);
  const script = ['import sys, cloudpickle, covalent as ct', 'import values_bench as m', 'cloudpickle.register_pickle_by_value(m)', 'print(ct.dispatch(m.values_bench, dispatcher_addr=sys.argv[1])())'].join('\n');
  const dispatchId = await new Promise<string>((resolve, reject) =>
    execFile(python, ['-c', script, server.address], { cwd: workspace, env: { ...process.env, PYTHONPATH: workspace } }, (error, stdout) =>
      error ? reject(new Error(error.message, { cause: error })) : resolve(stdout.trim().split('\n').pop() ?? ''),
    ),
  );
  log(`Covalent server at ${server.address}; dispatch ${dispatchId}`);
  const status = await waitForStatus(server.address, dispatchId, (current) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(current), 300000);
  if (status !== 'COMPLETED') throw new Error(`the dispatch ${status}`);
  const graph = await getJson<{ graph: { nodes: { name: string; node_id: number }[] } }>(`${server.address}/api/v1/dispatches/${dispatchId}/graph`);
  const nodeOf = (name: string) => graph.graph.nodes.find((node) => node.name === name)?.node_id ?? -1;
  const manifest = await getJson<{ lattice: { transport_graph: { nodes: { id: number; assets: { output?: { size?: number } } }[] } } }>(`${server.address}/api/v2/dispatches/${dispatchId}`);
  const sizeOf = (nodeId: number) => manifest.lattice.transport_graph.nodes.find((node) => node.id === nodeId)?.assets.output?.size ?? 0;
  const plan = [
    { label: 'a matplotlib figure (640 × 480)', name: 'figure', kind: 'image' },
    { label: 'a 100,000 × 10 DataFrame, first rows', name: 'dataframe', kind: 'table' },
    { label: 'a 1,000 × 1,000 array', name: 'array', kind: 'array' },
  ].map((item) => ({ ...item, nodeId: nodeOf(item.name), repeats: REPEATS }));

  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  let codeServer: { stop(): void } | undefined;
  try {
    let panelResults: ValuesHostResult[] = [];
    if (process.env.VALUES_BENCH_UI_ONLY !== '1') {
      const resultsFile = path.join(runDir, 'host-results.json');
      const userDataDir = path.join(runDir, 'user-data');
      writeUserSettings(userDataDir, { python, serverAddress: server.address, extra: { 'security.workspace.trust.enabled': false, 'workbench.colorTheme': 'Default Dark Modern' } });
      const started = await startCodeServer({
        userDataDir,
        extensionsDir: path.join(runDir, 'extensions'),
        workspace,
        env: { ...server.env, VALUES_BENCH_DISPATCH: dispatchId, VALUES_BENCH_PLAN: JSON.stringify(plan), VALUES_BENCH_RESULTS: resultsFile },
        logFile: path.join(runDir, 'code-server.log'),
      });
      codeServer = started;
      panelResults = await measurePanel(browser, (query) => workbenchUrl(started, workspace, query), started.port, resultsFile);
    }
    const uiTimes = await measureCovalentUi(browser, `${server.address}/${dispatchId}`, plan);
    const rows = plan.map((item) => {
      const panelTimes = panelResults.find((result) => result.label === item.label)?.clickToPaintedMs ?? [];
      const error = panelResults.find((result) => result.label === item.label)?.error;
      const ui = uiTimes.get(item.label);
      // The panel's first click draws the value; later ones find it drawn (a recorded value never changes).
      const panelFirst = panelTimes[0];
      const panelAgain = panelTimes.length > 1 ? Math.round(median(panelTimes.slice(1))) : undefined;
      const uiFirst = ui?.times[0];
      const uiAgain = ui && ui.times.length > 1 ? Math.round(median(ui.times.slice(1))) : undefined;
      return (
        `${item.label} (${(sizeOf(item.nodeId) / 1024 / 1024).toFixed(1)} MB on the server):\n` +
        (error ? `  the panel failed: ${error}\n` : '') +
        `  panel click → value painted: first ${panelFirst ?? '—'} ms, again ${panelAgain ?? '—'} ms (runs ${panelTimes.join(', ')} ms)\n` +
        `  Covalent UI click → result answered and drawn (anchor): ${ui?.error ? `failed: ${ui.error}` : `first ${uiFirst} ms, again ${uiAgain} ms (runs ${ui?.times.join(', ')} ms; its result request answered HTTP ${ui?.status}; its drawer shows ${JSON.stringify(ui?.shows)})`}\n` +
        (panelFirst !== undefined && uiFirst ? `  ratio panel/UI: first ${(panelFirst / uiFirst).toFixed(2)}×${panelAgain !== undefined && uiAgain ? `, again ${(panelAgain / uiAgain).toFixed(2)}×` : ''} (goal ≤ 0.5×); panel first paint ≤ 1 s: ${panelFirst <= 1000 ? 'yes' : 'no'}\n` : '')
      );
    });
    console.log('\n' + rows.join('\n'));
  } finally {
    await browser.close().catch(() => undefined);
    codeServer?.stop();
    await server.stop().catch(() => undefined);
  }
}


/** VS Code in the browser with valuesBenchHost as its test module; its results when it exits. */
async function measurePanel(browser: Browser, url: (query: [string, string][]) => string, codeServerPort: number, resultsFile: string): Promise<ValuesHostResult[]> {
  const hostModule = path.join(repoRoot, 'out', 'bench', 'valuesBenchHost.js');
  const { page, code } = await runInBrowserHost({ browser, url, codeServerPort, repoRoot, hostModule, resultsFile, screenshotDir: cacheDir, timeoutMs: 15 * 60 * 1000, log });
  if (code !== 0) throw new Error(`the benchmark module in VS Code exited with ${code}; see ${path.dirname(resultsFile)}`);
  await page.close().catch(() => undefined);
  return JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as ValuesHostResult[];
}

/**
 * The Covalent UI showing the same tasks: its dispatch page, a click on the
 * task's node, and its drawer's result request answered and the next frame drawn.
 */
async function measureCovalentUi(browser: Browser, url: string, plan: readonly { label: string; name: string; kind: string; nodeId: number }[]) {
  const measured = new Map<string, { times: number[]; status?: number; shows?: string; error?: string }>();
  const ui = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  ui.on('crash', () => log('the Covalent UI page crashed'));
  await ui.goto(url);
  await ui.locator('.react-flow__node').first().waitFor({ state: 'visible', timeout: 120000 });
  for (const item of plan) {
    const entry: { times: number[]; status?: number; shows?: string; error?: string } = { times: [] };
    measured.set(item.label, entry);
    try {
      for (let attempt = 0; attempt < REPEATS; attempt++) {
        await ui.goto(url);
        const node = ui.locator('.react-flow__node').filter({ hasText: item.name }).first();
        await node.waitFor({ state: 'visible', timeout: 60000 });
        const answered = ui.waitForResponse((response) => response.url().includes(`/electron/${item.nodeId}/details/result`), { timeout: 120000 });
        const started = Date.now();
        await node.click({ timeout: 20000 });
        const response = await answered;
        entry.status = response.status();
        await response.finished();
        await ui.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        entry.times.push(Date.now() - started);
      }
      entry.shows = ((await ui.locator('.MuiDrawer-paper').last().innerText({ timeout: 5000 }).catch(() => '')) || '').replace(/\s+/g, ' ').slice(0, 160);
      await ui.screenshot({ path: path.join(cacheDir, `covalent-ui-values-${item.kind}.png`) });
    } catch (error) {
      entry.error = (error as Error).message.split('\n')[0];
    }
  }
  return measured;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
