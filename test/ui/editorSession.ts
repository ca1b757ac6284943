import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { type CodeServer, harness, repoRoot } from '../support/harness';

/**
 * The README's editor as `npm start` opens it — code-server with the extension
 * loaded from the working tree and a copy of examples/ — in headless Chromium,
 * pointed at the Covalent server the harness started for this run.
 */


/** What the harness tells the UI pass about its Covalent server (see CovalentServer.describe). */
export interface HarnessServer {
  readonly address: string;
  readonly port: number;
  readonly home: string;
  readonly python: string;
  readonly runDir: string;
}

export function harnessServerFromEnv(env: NodeJS.ProcessEnv = process.env): HarnessServer {
  const { COVALENT_TEST_SERVER, COVALENT_TEST_PORT, COVALENT_TEST_SERVER_HOME, COVALENT_TEST_PYTHON, COVALENT_TEST_RUN_DIR } = env;
  if (!COVALENT_TEST_SERVER || !COVALENT_TEST_PORT || !COVALENT_TEST_SERVER_HOME || !COVALENT_TEST_PYTHON || !COVALENT_TEST_RUN_DIR) {
    throw new Error('The UI tests need the Covalent server the harness starts: run them with `npm test`.');
  }
  // The user's interpreter: the matrix's client when it names one, else the server's.
  const python = env.COVALENT_TEST_CLIENT_PYTHON || COVALENT_TEST_PYTHON;
  return { address: COVALENT_TEST_SERVER, port: Number(COVALENT_TEST_PORT), home: COVALENT_TEST_SERVER_HOME, python, runDir: COVALENT_TEST_RUN_DIR };
}

/** Where screenshots and logs of the UI pass are kept, one folder per code-server version (emptied at the start of each run). */
export function artifactsDir(): string {
  const version = process.env.COVALENT_TEST_CODE_SERVER || harness('setupCodeServer').wantedVersion();
  return path.join(harness('paths').cacheDir, 'ui-smoke', `code-server-${version}`);
}

export class EditorSession {
  private closed = false;

  private constructor(
    readonly page: Page,
    readonly artifacts: string,
    private readonly browser: Browser,
    private readonly codeServer: CodeServer,
    private readonly userDataDir: string,
  ) {}

  static async open(server: HarnessServer, artifacts: string): Promise<EditorSession> {
    const { startCodeServer, workbenchUrl, chromiumPath, CHROMIUM_ARGS } = harness('codeServerHost');
    const { copyExamples, writeUserSettings } = harness('workspace');
    const { isolatedEnv } = harness('covalentServer');

    const workspace = copyExamples(path.join(server.runDir, 'workspace-ui'));
    const userDataDir = path.join(server.runDir, 'user-data-ui');
    writeUserSettings(userDataDir, { python: server.python, serverAddress: server.address, extra: { 'security.workspace.trust.enabled': false } });
    const codeServer = await startCodeServer({
      userDataDir,
      extensionsDir: path.join(server.runDir, 'extensions-ui'),
      workspace,
      // The extension's Python bridge inherits this: the SDK's files stay in the server's folders.
      env: { ...process.env, ...isolatedEnv(server.home, server.port) },
      logFile: path.join(artifacts, 'code-server.log'),
    });
    let browser: Browser | undefined;
    let page: Page;
    try {
      browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    } catch (error) {
      await browser?.close().catch(() => undefined);
      codeServer.stop();
      throw error;
    }
    const session = new EditorSession(page, artifacts, browser, codeServer, userDataDir);
    try {
      await page.goto(workbenchUrl(codeServer, workspace, [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${codeServer.port}${repoRoot}`]]));
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /**
   * Stops Chromium and code-server and keeps the extension's log. A run that ends
   * before this loses neither: code-server is killed on exit, and Playwright kills its Chromium.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.browser.close().catch(() => undefined);
    this.codeServer.stop();
    this.keepExtensionLog();
  }

  /** The Covalent output channel's log, next to the screenshots. */
  private keepExtensionLog(): void {
    const logs = path.join(this.userDataDir, 'logs');
    if (!fs.existsSync(logs)) return;
    const found = fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((file) => path.basename(file) === 'Covalent.log');
    found.forEach((file, index) => fs.copyFileSync(path.join(logs, file), path.join(this.artifacts, `covalent-output${index ? `-${index}` : ''}.log`)));
  }
}
