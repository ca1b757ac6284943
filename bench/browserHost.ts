import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { harness } from '../test/support/harness';

/**
 * A benchmark's module run inside VS Code in the browser: code-server's workbench
 * with the extension from the working tree and `hostModule` as its "extension
 * tests" module. The module asks for screenshots of the window by writing a name
 * to `<resultsFile>.screenshot` (see requestScreenshot); they are taken into
 * `screenshotDir`. Resolves with the page and the module's exit code.
 */
export interface BrowserHostOptions {
  readonly browser: Browser;
  readonly url: (query: [string, string][]) => string;
  readonly codeServerPort: number;
  readonly repoRoot: string;
  readonly hostModule: string;
  readonly resultsFile: string;
  readonly screenshotDir: string;
  readonly timeoutMs: number;
  readonly log: (message: string) => void;
}

export async function runInBrowserHost(options: BrowserHostOptions): Promise<{ readonly page: Page; readonly code: number }> {
  const page = await options.browser.newPage({ viewport: { width: 1500, height: 900 } });
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
  await page.exposeFunction('codeAutomationLog', () => undefined);
  const remote = (file: string) => `vscode-remote://127.0.0.1:${options.codeServerPort}${file}`;
  await page.goto(
    options.url([
      ['extensionDevelopmentPath', remote(options.repoRoot)],
      ['extensionTestsPath', remote(options.hostModule)],
    ]),
  );
  fs.mkdirSync(options.screenshotDir, { recursive: true });
  let shooting = false;
  const shots = setInterval(() => {
    const request = `${options.resultsFile}.screenshot`;
    if (shooting || !fs.existsSync(request)) return;
    shooting = true;
    const file = path.join(options.screenshotDir, path.basename(fs.readFileSync(request, 'utf8').trim()));
    void page
      .screenshot({ path: file })
      .then(() => options.log(`screenshot: ${file}`))
      .catch((error: unknown) => options.log(`screenshot ${file} failed: ${(error as Error).message}`))
      .finally(() => {
        fs.rmSync(request, { force: true });
        shooting = false;
      });
  }, 200);
  const code = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => resolve(-1), options.timeoutMs))]);
  clearInterval(shots);
  return { page, code };
}

/** From inside VS Code: asks the benchmark for a screenshot of the window and waits until it is taken. */
export async function requestScreenshot(resultsFile: string | undefined, name: string): Promise<void> {
  if (!resultsFile) return;
  const request = `${resultsFile}.screenshot`;
  fs.writeFileSync(request, name);
  const deadline = Date.now() + 30000;
  while (fs.existsSync(request) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
}

/**
 * What a benchmark in VS Code in the browser takes from the test harness: the
 * locked interpreter (made if missing), code-server (installed if missing), the
 * Covalent server, the workbench's URL and Chromium, the examples and settings.
 */
export function browserBenchHarness() {
  const python: string = harness('pythonEnv').ensurePythonEnv();
  harness('setupCodeServer').ensureCodeServer();
  const { CovalentServer } = harness('covalentServer');
  const { startCodeServer, workbenchUrl, chromiumPath, CHROMIUM_ARGS } = harness('codeServerHost');
  const { copyExamples, writeUserSettings } = harness('workspace');
  return { python, CovalentServer, startCodeServer, workbenchUrl, chromiumPath, CHROMIUM_ARGS, copyExamples, writeUserSettings };
}
