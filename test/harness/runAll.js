// `npm test`: every pass, in one run, ending with "N passed, N failed":
// 1. unit tests in plain Node (the bridge's with the harness's locked interpreter,
//    cloudpickle 3.1.3);
// 2. the bridge's tests again with a client on cloudpickle 3.1.2 (locked too), and
//    with a latest-libraries client: `covalent==0.240.0` alone from PyPI, as a
//    user gets it today (less the suites of BRIDGE_SUITES_RUN_ONCE);
// 3. the integration suite inside a real VS Code — code-server 4.139.1, today's
//    line — against a real Covalent server, then the same editor untrusted
//    (Restricted Mode, test/integration/untrusted*.test.ts), then the UI smoke
//    test (test/ui: Playwright drives the editor as a person would; screenshots and
//    logs in .cache/ui-smoke/code-server-VERSION/);
// 4. a smoke pass in the minimum engine (code-server 4.100.3, VS Code 1.100): the
//    UI smoke test and one integration test per area, with the cloudpickle 3.1.2
//    client.
//
// COVALENT_TEST_HOST=code-server (default) | electron   which VS Code runs the suite
// COVALENT_TEST_CODE_SERVER=VERSION                      the integration suite in that code-server only
// COVALENT_TEST_CLIENT_PYTHON=PATH                       that interpreter as the user's (bridge, replay,
//                                                        debugging); the server stays on the lock
// COVALENT_TEST_GREP=pattern                             run only matching tests
// COVALENT_TEST_SKIP_INTEGRATION=1                       unit tests only
// COVALENT_TEST_SKIP_UI=1                                no UI smoke test
// Naming a version, an interpreter or a pattern runs that one configuration: the
// matrix passes (2 and 4) run only when none is named.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { repoRoot, cacheDir, log } = require('./paths');

const outDir = path.join(repoRoot, 'out');
const NO_TESTS = { passed: 0, failed: 0, pending: 0, failures: [] };

/** Runs compiled mocha tests in this process; resolves with their summary. */
async function runMocha(dir, timeout, only = () => true) {
  const Mocha = require('mocha');
  const { lineReporter } = require(path.join(outDir, 'test', 'support', 'reporter.js'));
  const files = listTests(dir).filter((file) => only(path.basename(file)));
  // A pass may run files an earlier pass ran: load them afresh.
  for (const file of files) delete require.cache[require.resolve(file)];
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
 * server. It starts (and stops) its own editor; it learns about the server (and
 * the client interpreter, the code-server version) from the same variables the
 * integration suite gets.
 */
function runUiTests(server, runDir, edition) {
  return withEnv({ ...server.describe(), COVALENT_TEST_RUN_DIR: runDir, ...editionEnv(edition) }, () => runMocha(path.join(outDir, 'test', 'ui'), 60000));
}

/** Runs `action` with `vars` in process.env (undefined removes one), then puts them back. */
async function withEnv(vars, action) {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  const apply = (values) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  try {
    return await action();
  } finally {
    apply(saved);
  }
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

/** Failures carry the pass's name, so a failure in the smoke pass is not mistaken for one in the main pass. */
function labelled(summary, label) {
  return { ...summary, failures: summary.failures.map((failure) => ({ ...failure, title: `[${label}] ${failure.title}` })) };
}

/**
 * One test per area (mocha's grep matches the whole title): what the minimum
 * engine's smoke pass runs, beside the UI smoke test and the untrusted pass.
 */
const SMOKE_TESTS = [
  'gives the dispatch lenses of examples/redispatch_howto.py',
  'dispatches workflow\\(1, 2\\) from examples/',
  'unparsable inputs',
  'shows the failing example FAILED in the tree',
  'gives the lattice cell its dispatch lenses',
  'links each node to its source',
  'previews a notebook’s lattice',
  'builds the seed workflow\\(1, 2\\) locally',
  'a lattice that raises while its graph is built',
  'Dispatch on a lattice with required parameters and no remembered inputs',
  'runs the failed task here with the recorded inputs',
  'runs the function the server stored, shipped by value',
  'shows the seed workflow’s nodes, edges and statuses',
  'paints each task in its status colour',
  'with the token set',
];
const SMOKE_GREP = SMOKE_TESTS.join('|');

/** What an edition of the editor passes on to the tests it runs. */
function editionEnv(edition) {
  return { COVALENT_TEST_CODE_SERVER: edition.codeServer, COVALENT_TEST_CLIENT_PYTHON: edition.clientPython };
}

/**
 * The passes that need the Covalent server, for each edition (a code-server version
 * with a client interpreter): the integration suite, trusted then untrusted, then
 * the UI smoke test. Resolves with one summary per pass.
 */
async function runServerTests(editions) {
  const { ensurePythonEnv, describeInterpreter } = require('./pythonEnv');
  const { CovalentServer, killLeftoverServers } = require('./covalentServer');
  const { startAuthProxy } = require('./authProxy');
  const { copyExamples, writeUserSettings } = require('./workspace');
  const { killRecorded } = require('./daskCluster');
  const host = process.env.COVALENT_TEST_HOST || 'code-server';

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-vscode-test-'));
  const python = ensurePythonEnv();
  if (host === 'code-server') for (const edition of editions) require('./setupCodeServer').ensureCodeServer(edition.codeServer);
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
  async function runPass(edition, { profile, suffix, grep }) {
    const untrusted = profile === 'untrusted';
    const logFile = path.join(runDir, `integration${suffix}.log`);
    const resultsFile = path.join(runDir, `integration${suffix}.json`);
    const workspace = copyExamples(path.join(runDir, `workspace${suffix}`));
    const userDataDir = path.join(runDir, `user-data${suffix}`);
    writeUserSettings(userDataDir, {
      python: edition.clientPython,
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
      COVALENT_TEST_CLIENT_PYTHON: edition.clientPython,
    };
    delete env.COVALENT_TEST_GREP;
    if (grep) env.COVALENT_TEST_GREP = grep;
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
    const stopFollowing = followLog(logFile);
    let exitCode;
    try {
      exitCode =
        host === 'electron'
          ? await require('./electronHost').runTestsInDesktopVSCode(options)
          : await withEnv(editionEnv(edition), () => require('./codeServerHost').runTestsInCodeServer(options));
    } finally {
      stopFollowing();
    }
    // Nothing the extension started may outlive the editor (bridges, request processes, runners, debuggees).
    const left = await require('./leftovers').leftoversOf(`COVALENT_TEST_LOG=${logFile}`);
    if (!fs.existsSync(resultsFile)) {
      return { passed: 0, failed: 1, pending: 0, failures: [{ title: `integration suite (${profile})`, error: `no results (exit code ${exitCode}); see ${runDir}` }] };
    }
    const summary = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    if (left.length) {
      summary.failed += 1;
      summary.failures.push({
        title: `integration suite (${profile}): no process outlives the editor`,
        error: `still running after the editor closed (now killed):\n${left.map(({ pid, command }) => `  ${pid} ${command}`).join('\n')}`,
      });
    } else {
      summary.passed += 1;
      log(`no process of the extension outlived the editor (${profile} pass)`);
    }
    if (exitCode !== 0 && summary.failed === 0) {
      summary.failed = 1;
      summary.failures.push({ title: `integration suite (${profile})`, error: `VS Code reported exit code ${exitCode}` });
    }
    return summary;
  }

  const results = [];
  try {
    await server.start();
    // The authenticating proxy in front of it: tests of tokens go through it.
    proxy = await startAuthProxy(server.address);
    for (const edition of editions) {
      const where = host === 'electron' ? 'desktop VS Code (@vscode/test-electron)' : `code-server ${edition.codeServer} in headless Chromium`;
      console.log(`\n${edition.title}: ${where}; client ${describeInterpreter(edition.clientPython)}; files in ${runDir}`);
      const passes = [{ profile: 'trusted', suffix: edition.suffix, grep: edition.grep, label: `${edition.label}` }];
      // Then the same editor with workspace trust on, so the folder opens in
      // Restricted Mode; it runs test/integration/untrusted*.test.ts only.
      const grep = process.env.COVALENT_TEST_GREP;
      if (host === 'code-server' && (!grep || /untrusted|restricted/i.test(grep))) {
        passes.push({ profile: 'untrusted', suffix: `${edition.suffix}-untrusted`, grep, label: `${edition.label}, untrusted` });
      }
      for (const pass of passes) {
        if (pass.profile === 'untrusted') console.log(`\n${edition.title}, untrusted workspace (Restricted Mode)`);
        if (await server.ensureAnswering()) log(`the Covalent server had gone with the last editor; started again for the ${pass.label} pass`);
        const begun = Date.now();
        results.push({ label: pass.label, summary: await runPass(edition, pass), seconds: (Date.now() - begun) / 1000 });
        if (killRecorded(clusterRecord)) log('stopped the Dask cluster the integration suite left running');
      }
      // The UI drives code-server's web workbench, which the desktop path does not have.
      if (host === 'code-server' && !process.env.COVALENT_TEST_SKIP_UI) {
        console.log(`\nUI smoke test (code-server ${edition.codeServer} in headless Chromium, driven as a person would)`);
        if (await server.ensureAnswering()) log('the Covalent server had gone with the last editor; started again for the UI test');
        const begun = Date.now();
        results.push({ label: `${edition.label}, UI`, summary: await runUiTests(server, runDir, edition), seconds: (Date.now() - begun) / 1000 });
      }
    }
  } catch (error) {
    const failure = { passed: 0, failed: 1, pending: 0, failures: [{ title: 'integration harness', error: error.stack || String(error) }] };
    results.push({ label: 'harness', summary: failure });
  } finally {
    await proxy?.stop();
    await server.stop().catch((error) => log(`stopping the Covalent server: ${error.message}`));
    killLeftoverServers(runDir);
    if (!process.env.COVALENT_TEST_KEEP) {
      for (const folder of fs.readdirSync(runDir)) if (folder.startsWith('workspace')) fs.rmSync(path.join(runDir, folder), { recursive: true, force: true });
    }
  }
  return results;
}

/**
 * Bridge suites the first pass runs and the matrix passes do not: they test the
 * bridge's own protocol and HTTP handling (progress and cancel, late answers,
 * tokens through a proxy), which the client's libraries do not change; every pass
 * has the same Covalent. About 100 s each, against a server of their own.
 */
const BRIDGE_SUITES_RUN_ONCE = new Set(['bridgeProgress.test.js', 'bridgeUploadsThrough.test.js']);

/** The bridge's unit tests with another client interpreter (they read COVALENT_TEST_CLIENT_PYTHON). */
async function runBridgeTests(title, clientPython) {
  const { describeInterpreter } = require('./pythonEnv');
  console.log(`\n${title}: ${describeInterpreter(clientPython)}`);
  return withEnv({ COVALENT_TEST_CLIENT_PYTHON: clientPython }, () =>
    runMocha(path.join(outDir, 'test', 'unit'), 20000, (name) => /^(bridge|notebookCells).*\.test\.js$/.test(name) && !BRIDGE_SUITES_RUN_ONCE.has(name)),
  );
}

/** Runs `script` in a Node process of its own here (installs that may overlap other work); a failure is said again by the later call that needs it. */
function inBackground(script) {
  const { spawn } = require('child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: __dirname, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

async function main() {
  const started = Date.now();
  fs.mkdirSync(cacheDir, { recursive: true });
  const pythonEnv = require('./pythonEnv');
  const { wantedVersion, MINIMUM_CODE_SERVER } = require('./setupCodeServer');
  // The matrix passes run when no variable names one configuration.
  const matrix = !process.env.COVALENT_TEST_CODE_SERVER && !process.env.COVALENT_TEST_CLIENT_PYTHON && !process.env.COVALENT_TEST_GREP;
  const timed = async (label, run) => {
    const begun = Date.now();
    const summary = await run();
    return { label, summary, seconds: (Date.now() - begun) / 1000 };
  };
  const results = [];
  const host = process.env.COVALENT_TEST_HOST || 'code-server';
  const integration = !process.env.COVALENT_TEST_SKIP_INTEGRATION;
  pythonEnv.ensurePythonEnv();
  results.push(await timed('unit', async () => {
    console.log(`Unit tests (plain Node; client ${pythonEnv.describeInterpreter(pythonEnv.clientPython())})`);
    return runMocha(path.join(outDir, 'test', 'unit'), 20000);
  }));
  // code-server (and its Node) installs beside the bridge passes, in processes of its own;
  // not beside the unit tests, whose timings a loaded machine upsets.
  const codeServers = integration && host === 'code-server' ? [wantedVersion(), ...(matrix ? [MINIMUM_CODE_SERVER] : [])] : [];
  const installing = Promise.all(codeServers.map((version) => inBackground(`require('./setupCodeServer').ensureCodeServer(${JSON.stringify(version)})`)));
  if (matrix) {
    results.push(await timed('bridge, cloudpickle 3.1.2', () => runBridgeTests('Bridge tests, client on cloudpickle 3.1.2', pythonEnv.ensureLockedEnv('client-cloudpickle-3.1.2'))));
    results.push(await timed('bridge, latest libraries', () => runBridgeTests('Bridge tests, latest-libraries client (covalent==0.240.0 from PyPI today)', pythonEnv.ensureLatestClient())));
  }
  if (integration) {
    await installing.catch((error) => log(`installing code-server: ${error.message}`));
    console.log('\nIntegration tests (real VS Code, real Covalent server)');
    const editions = [{ title: 'Integration tests', label: 'integration', suffix: '', codeServer: wantedVersion(), clientPython: pythonEnv.clientPython(), grep: process.env.COVALENT_TEST_GREP }];
    if (matrix && host === 'code-server') {
      editions.push({
        title: `Smoke pass in the minimum engine`,
        label: `minimum engine`,
        suffix: '-minimum',
        codeServer: MINIMUM_CODE_SERVER,
        clientPython: pythonEnv.ensureLockedEnv('client-cloudpickle-3.1.2'),
        grep: SMOKE_GREP,
      });
    }
    const begun = Date.now();
    for (const result of await runServerTests(editions)) results.push(result);
    results.push({ label: 'server passes in all', summary: NO_TESTS, seconds: (Date.now() - begun) / 1000 });
  }
  const { passed, failed, pending: skipped, failures } = addUp(results.map(({ label, summary }) => labelled(summary, label)));
  if (failures.length) {
    console.log('\nFailures:');
    failures.forEach((failure, index) => console.log(`${index + 1}) ${failure.title}\n${failure.error}\n`));
  }
  console.log('\nPasses:');
  for (const { label, summary, seconds } of results) {
    const time = seconds === undefined ? '' : ` (${seconds.toFixed(0)} s)`;
    console.log(summary === NO_TESTS ? `  ${label}${time}` : `  ${label}: ${summary.passed} passed, ${summary.failed} failed${time}`);
  }
  console.log(`time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
