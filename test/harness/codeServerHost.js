// Runs VS Code as code-server (from the npm registry) and drives its web
// workbench in headless Chromium: the offline path to a real VS Code.
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');
const { ensureCodeServer } = require('./setupCodeServer');
const { freePort, waitUntil } = require('./covalentServer');
const { log } = require('./paths');

function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error('Chromium is missing: install the Debian package "chromium" (or set CHROMIUM_PATH).');
  return found;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function healthy(port) {
  return new Promise((resolve) => {
    const request = http.get(`http://127.0.0.1:${port}/healthz`, { timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** Starts code-server; resolves once /healthz answers. */
async function startCodeServer({ userDataDir, extensionsDir, workspace, env, logFile, port, workspaceTrust = false }) {
  const { entry, node, args } = ensureCodeServer();
  port = port ?? (await freePort());
  fs.mkdirSync(extensionsDir, { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    node,
    [
      entry,
      ...args,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      // Trust stays on only for the untrusted pass (the workspace opens in Restricted Mode).
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      workspace,
    ],
    { env, stdio: ['ignore', out, out], detached: true },
  );
  const killGroup = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  // However this process ends (a failed run, Ctrl+C), code-server and its extension host go with it.
  process.once('exit', killGroup);
  const stop = () => {
    process.removeListener('exit', killGroup);
    killGroup();
  };
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await Promise.race([
      waitUntil(() => healthy(port), 60000, `code-server on port ${port}`),
      exited.then((code) => {
        throw new Error(`code-server exited with ${code}; see ${logFile}`);
      }),
    ]);
  } catch (error) {
    stop();
    throw error;
  }
  return { port, url: `http://127.0.0.1:${port}`, stop };
}

function workbenchUrl(server, workspace, payload) {
  const query = new URLSearchParams({ folder: workspace });
  if (payload) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query.toString()}`;
}

/**
 * Runs the integration suite inside code-server's extension host (Node), the way
 * VS Code's own web integration tests do: development options in the `payload`.
 * Resolves with the exit code the workbench reports.
 */
async function runTestsInCodeServer({ extensionPath, testsPath, workspace, userDataDir, env, runDir, timeoutMs, workspaceTrust = false, logName = 'code-server.log' }) {
  const { chromium } = require('playwright-core');
  let page;
  const helper = await startWorkbenchHelper(() => page);
  let server;
  try {
    server = await startCodeServer({
      userDataDir,
      extensionsDir: path.join(runDir, 'extensions'),
      workspace,
      env: { ...env, COVALENT_TEST_WORKBENCH: helper.url },
      logFile: path.join(runDir, logName),
      workspaceTrust,
    });
  } catch (error) {
    helper.close();
    throw error;
  }
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let resolveExit;
    const exitCode = new Promise((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      if (process.env.COVALENT_TEST_VERBOSE) log(`[workbench ${type}] ${JSON.stringify(args)}`);
    });
    const remote = (file) => `vscode-remote://127.0.0.1:${server.port}${file}`;
    await page.goto(
      workbenchUrl(server, workspace, [
        ['extensionDevelopmentPath', remote(extensionPath)],
        ['extensionTestsPath', remote(testsPath)],
      ]),
    );
    const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
    const outcome = await Promise.race([exitCode, timer]);
    if (outcome === 'timeout') {
      await page.screenshot({ path: path.join(runDir, 'timeout.png') }).catch(() => undefined);
      throw new Error(`the integration suite did not finish within ${timeoutMs / 1000} s (screenshot in ${runDir})`);
    }
    return Number(outcome);
  } finally {
    await browser.close().catch(() => undefined);
    server.stop();
    helper.close();
  }
}

/**
 * What a test in the extension host cannot do itself: press a button of a modal
 * dialog the workbench shows (a tool's confirmation when it is called outside
 * chat), as a person would. `GET /dialog?press=Yes&timeoutMs=N` waits for the
 * dialog, answers its text, and presses the named button. Loopback only.
 */
function startWorkbenchHelper(currentPage) {
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const answer = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const page = currentPage();
    if (url.pathname !== '/dialog' || !page) return answer(404, { error: 'no such helper, or no workbench yet' });
    try {
      const box = page.locator('.monaco-dialog-box').first();
      await box.waitFor({ state: 'visible', timeout: Number(url.searchParams.get('timeoutMs') ?? 30000) });
      const text = await box.innerText();
      const press = url.searchParams.get('press') ?? 'Yes';
      const buttons = box.locator('.dialog-buttons .monaco-button');
      const labels = await buttons.allInnerTexts();
      const index = labels.findIndex((label) => label.replace(/&/g, '').trim() === press);
      if (index < 0) return answer(409, { error: `the dialog has no button "${press}"`, text, buttons: labels });
      await buttons.nth(index).click();
      await box.waitFor({ state: 'hidden', timeout: 10000 });
      answer(200, { text, buttons: labels });
    } catch (error) {
      answer(500, { error: String(error && error.message ? error.message : error) });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }));
  });
}

module.exports = { startCodeServer, runTestsInCodeServer, workbenchUrl, chromiumPath, CHROMIUM_ARGS };
