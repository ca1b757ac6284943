// `npm test`: unit tests in plain Node, then the integration suite inside a real
// VS Code against a real Covalent server, then the UI smoke test against the same
// server. Ends with "N passed, N failed".
//
// COVALENT_TEST_HOST=code-server (default) | electron   which VS Code runs the suite
// COVALENT_TEST_GREP=pattern                             run only matching tests
// COVALENT_TEST_SKIP_INTEGRATION=1                       unit tests only
// COVALENT_TEST_SKIP_UI=1                                no UI smoke test
// A second integration pass opens the workspace untrusted (Restricted Mode) and
// runs test/integration/untrusted*.test.ts (COVALENT_TEST_PROFILE=untrusted).
// A third pass (code-server only) runs test/ui/ in this process: Playwright drives
// the editor as a person would; its screenshots and logs go to .cache/ui-smoke/.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { repoRoot, cacheDir, log } = require('./paths');

const outDir = path.join(repoRoot, 'out');
const NO_TESTS = { passed: 0, failed: 0, pending: 0, failures: [] };

/** Runs compiled mocha tests in this process; resolves with their summary. */
async function runMocha(dir, timeout) {
  const Mocha = require('mocha');
  const { lineReporter } = require(path.join(outDir, 'test', 'support', 'reporter.js'));
  const files = listTests(dir);
  let summary = NO_TESTS;
  const mocha = new Mocha({ timeout, color: false });
  if (process.env.COVALENT_TEST_GREP) mocha.grep(process.env.COVALENT_TEST_GREP);
  mocha.reporter(lineReporter((line) => console.log(line), (result) => (summary = result)));
  files.forEach((file) => mocha.addFile(file));
  await new Promise((resolve) => mocha.run(resolve));
  return summary;
}

function listTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listTests(full);
      return entry.name.endsWith('.test.js') ? [full] : [];
    })
    .sort();
}

/** Prints new lines of the extension host's test log as they arrive. */
function followLog(file) {
  let printed = 0;
  const flush = () => {
    if (!fs.existsSync(file)) return;
    const text = fs.readFileSync(file, 'utf8');
    if (text.length > printed) {
      process.stdout.write(text.slice(printed));
      printed = text.length;
    }
  };
  const timer = setInterval(flush, 500);
  return () => {
    clearInterval(timer);
    flush();
  };
}

/**
 * The UI smoke test: a person's path through code-server, against the harness's
 * server. It starts (and stops) its own editor; it learns about the server from
 * the same variables the integration suite gets.
 */
function runUiTests(server, runDir) {
  Object.assign(process.env, server.describe(), { COVALENT_TEST_RUN_DIR: runDir });
  return runMocha(path.join(outDir, 'test', 'ui'), 60000);
}

function addUp(summaries) {
  return summaries.reduce(
    (total, summary) => ({
      passed: total.passed + summary.passed,
      failed: total.failed + summary.failed,
      pending: total.pending + summary.pending,
      failures: [...total.failures, ...summary.failures],
    }),
    NO_TESTS,
  );
}

/** The passes that need the Covalent server: resolves with `{ integration, ui }` summaries. */
async function runServerTests() {
  const { ensurePythonEnv } = require('./pythonEnv');
  const { CovalentServer, killLeftoverServers } = require('./covalentServer');
  const { startAuthProxy } = require('./authProxy');
  const { copyExamples, writeUserSettings } = require('./workspace');
  const { killRecorded } = require('./daskCluster');
  const host = process.env.COVALENT_TEST_HOST || 'code-server';

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-vscode-test-'));
  const python = ensurePythonEnv();
  if (host === 'code-server') require('./setupCodeServer').ensureCodeServer();
  const server = await CovalentServer.create({ python, home: path.join(runDir, 'covalent') });
  // Servers a test starts (a second one, briefly) live under runDir too, and a Dask cluster the
  // integration suite started (once, for the tests that need one) is recorded there: none outlives the run.
  const clusterRecord = path.join(runDir, 'dask-cluster.json');
  const cleanup = () => {
    server.killProcessGroup();
    killLeftoverServers(runDir);
    killRecorded(clusterRecord);
  };
  let proxy;
  process.once('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      cleanup();
      process.exit(130);
    });
  }

  /** One run of the suite in a fresh editor: `profile` untrusted keeps workspace trust on. */
  async function runPass({ profile, suffix }) {
    const untrusted = profile === 'untrusted';
    const logFile = path.join(runDir, `integration${suffix}.log`);
    const resultsFile = path.join(runDir, `integration${suffix}.json`);
    const workspace = copyExamples(path.join(runDir, `workspace${suffix}`));
    const userDataDir = path.join(runDir, `user-data${suffix}`);
    writeUserSettings(userDataDir, {
      python,
      serverAddress: server.address,
      extra: { 'security.workspace.trust.enabled': untrusted },
    });
    const env = {
      ...server.env,
      ...server.describe(),
      ...proxy.describe(),
      COVALENT_TEST_REPO_ROOT: repoRoot,
      COVALENT_TEST_LOG: logFile,
      COVALENT_TEST_RESULTS: resultsFile,
      COVALENT_TEST_RUN_DIR: runDir,
      COVALENT_TEST_PROFILE: profile,
    };
    const options = {
      extensionPath: repoRoot,
      testsPath: path.join(outDir, 'test', 'integration', 'index.js'),
      workspace,
      userDataDir,
      env,
      runDir,
      timeoutMs: Number(process.env.COVALENT_TEST_TIMEOUT_MS || 25 * 60 * 1000),
      workspaceTrust: untrusted,
      logName: `code-server${suffix}.log`,
    };
    if (untrusted) console.log('\nIntegration tests, untrusted workspace (Restricted Mode)');
    const stopFollowing = followLog(logFile);
    let exitCode;
    try {
      exitCode =
        host === 'electron'
          ? await require('./electronHost').runTestsInDesktopVSCode(options)
          : await require('./codeServerHost').runTestsInCodeServer(options);
    } finally {
      stopFollowing();
    }
    if (!fs.existsSync(resultsFile)) {
      return { passed: 0, failed: 1, pending: 0, failures: [{ title: `integration suite (${profile})`, error: `no results (exit code ${exitCode}); see ${runDir}` }] };
    }
    const summary = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    if (exitCode !== 0 && summary.failed === 0) {
      summary.failed = 1;
      summary.failures.push({ title: `integration suite (${profile})`, error: `VS Code reported exit code ${exitCode}` });
    }
    return summary;
  }

  const results = { integration: NO_TESTS, ui: NO_TESTS };
  try {
    await server.start();
    // The authenticating proxy in front of it: tests of tokens go through it.
    proxy = await startAuthProxy(server.address);
    log(`integration suite in ${host === 'electron' ? 'desktop VS Code (@vscode/test-electron)' : 'code-server + headless Chromium'}; files in ${runDir}`);
    const passes = [{ profile: 'trusted', suffix: '' }];
    // Second pass: the same editor with workspace trust on, so the folder opens in
    // Restricted Mode; it runs test/integration/untrusted*.test.ts only.
    const grep = process.env.COVALENT_TEST_GREP;
    if (host === 'code-server' && (!grep || /untrusted|restricted/i.test(grep))) passes.push({ profile: 'untrusted', suffix: '-untrusted' });
    const summaries = [];
    for (const pass of passes) {
      if (await server.ensureAnswering()) log(`the Covalent server had gone with the last editor; started again for the ${pass.profile} pass`);
      summaries.push(await runPass(pass));
      if (killRecorded(clusterRecord)) log('stopped the Dask cluster the integration suite left running');
    }
    results.integration = addUp(summaries);
    // The UI drives code-server's web workbench, which the desktop path does not have.
    if (host === 'code-server' && !process.env.COVALENT_TEST_SKIP_UI) {
      console.log('\nUI smoke test (code-server in headless Chromium, driven as a person would)');
      if (await server.ensureAnswering()) log('the Covalent server had gone with the last editor; started again for the UI test');
      results.ui = await runUiTests(server, runDir);
    }
  } catch (error) {
    const failure = { passed: 0, failed: 1, pending: 0, failures: [{ title: 'integration harness', error: error.stack || String(error) }] };
    results.integration = addUp([results.integration, failure]);
  } finally {
    await proxy?.stop();
    await server.stop().catch((error) => log(`stopping the Covalent server: ${error.message}`));
    killLeftoverServers(runDir);
    if (!process.env.COVALENT_TEST_KEEP) {
      for (const folder of ['workspace', 'workspace-untrusted', 'workspace-ui']) fs.rmSync(path.join(runDir, folder), { recursive: true, force: true });
    }
  }
  return results;
}

async function main() {
  const started = Date.now();
  fs.mkdirSync(cacheDir, { recursive: true });
  console.log('Unit tests (plain Node)');
  const unit = await runMocha(path.join(outDir, 'test', 'unit'), 20000);
  let serverTests = { integration: NO_TESTS, ui: NO_TESTS };
  if (!process.env.COVALENT_TEST_SKIP_INTEGRATION) {
    console.log('\nIntegration tests (real VS Code, real Covalent server)');
    serverTests = await runServerTests();
  }
  const { integration, ui } = serverTests;
  const { passed, failed, pending: skipped, failures } = addUp([unit, integration, ui]);
  if (failures.length) {
    console.log('\nFailures:');
    failures.forEach((failure, index) => console.log(`${index + 1}) ${failure.title}\n${failure.error}\n`));
  }
  console.log(`\nunit: ${unit.passed} passed, ${unit.failed} failed; integration: ${integration.passed} passed, ${integration.failed} failed; ui: ${ui.passed} passed, ${ui.failed} failed`);
  console.log(`time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
