/**
 * `npm run bench -- tools`: each agent tool's answer time, median and p95, next
 * to the command (or the read) it wraps, in the same VS Code (code-server in
 * headless Chromium) against the same real Covalent server, interleaved, in one
 * run. bench/toolsBenchHost.ts does the calling inside VS Code.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ToolTiming } from './toolsBenchHost';
import { browserBenchHarness, runInBrowserHost } from './browserHost';
import { median, percentile } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');

function log(message: string): void {
  console.log(`[tools bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function main(): Promise<void> {
  const { python, CovalentServer, startCodeServer, workbenchUrl, chromiumPath, CHROMIUM_ARGS, copyExamples, writeUserSettings } = browserBenchHarness();
  const { chromium } = await import('playwright-core');

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-tools-bench-'));
  const server = await CovalentServer.create({ python, home: path.join(runDir, 'covalent') });
  process.once('exit', () => server.killProcessGroup());
  await server.start();
  const workspace: string = copyExamples(path.join(runDir, 'workspace'));
  const resultsFile = path.join(runDir, 'host-results.json');
  const userDataDir = path.join(runDir, 'user-data');
  writeUserSettings(userDataDir, { python, serverAddress: server.address, extra: { 'security.workspace.trust.enabled': false } });
  const codeServer = await startCodeServer({
    userDataDir,
    extensionsDir: path.join(runDir, 'extensions'),
    workspace,
    env: { ...server.env, TOOLS_BENCH_RESULTS: resultsFile },
    logFile: path.join(runDir, 'code-server.log'),
  });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    log(`Covalent server at ${server.address}; VS Code ${codeServer.url}`);
    const hostModule = path.join(repoRoot, 'out', 'bench', 'toolsBenchHost.js');
    const { code } = await runInBrowserHost({
      browser,
      url: (query) => workbenchUrl(codeServer, workspace, query),
      codeServerPort: codeServer.port,
      repoRoot,
      hostModule,
      resultsFile,
      screenshotDir: path.join(repoRoot, '.cache'),
      timeoutMs: 20 * 60 * 1000,
      log,
    });
    if (code !== 0) throw new Error(`the benchmark module in VS Code exited with ${code}; see ${runDir}`);
    const timings = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as ToolTiming[];
    const ms = (values: readonly number[], at: 'median' | 'p95') => (values.length ? `${(at === 'median' ? median(values) : percentile(values, 95)).toFixed(0)} ms` : '—');
    console.log('\n| tool | answer: median, p95 | wraps | that: median, p95 | tool − wrapped (median) | n |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const timing of timings) {
      const difference = timing.toolMs.length && timing.anchorMs.length ? `${(median(timing.toolMs) - median(timing.anchorMs)).toFixed(0)} ms` : '—';
      console.log(
        `| ${timing.tool} | ${ms(timing.toolMs, 'median')}, ${ms(timing.toolMs, 'p95')} | ${timing.anchor} | ${ms(timing.anchorMs, 'median')}, ${ms(timing.anchorMs, 'p95')} | ${difference} | ${timing.toolMs.length} |` +
          (timing.error ? ` failed: ${timing.error}` : ''),
      );
    }
  } finally {
    await browser.close().catch(() => undefined);
    codeServer.stop();
    await server.stop().catch(() => undefined);
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
