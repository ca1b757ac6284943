// `npm start`: a VS Code window with the extension loaded and examples/ open,
// talking to a local Covalent server (started from the project's Python
// environment when nothing answers at the default address).
//
// Desktop VS Code when `code` is on PATH; otherwise code-server on localhost
// (open the printed address in a browser). Ctrl+C stops what this started.
//
// `npm start -- --cluster` (or COVALENT_CLUSTER=1) also starts a local Dask
// cluster (a scheduler and two workers on loopback) and adds a `cluster`
// executor profile for it: choose it in a lattice's lens row and watch
// examples/cluster_fanout.py spread over the workers.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { repoRoot, cacheDir, log } = require('./paths');
const { ensurePythonEnv } = require('./pythonEnv');
const { CovalentServer, freePort } = require('./covalentServer');
const { DaskCluster, killRecorded } = require('./daskCluster');
const { writeUserSettings } = require('./workspace');

const DEFAULT_PORT = 48008;
const examples = path.join(repoRoot, 'examples');

function hasDesktopCode() {
  if (process.env.COVALENT_EDITOR === 'code-server') return false;
  return spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function ensureServer(python) {
  const server = new CovalentServer({ python, home: path.join(cacheDir, 'local-server'), port: DEFAULT_PORT });
  if (await server.isAnswering()) {
    log(`a Covalent server already answers at ${server.address}; using it`);
    return { server, startedHere: false };
  }
  log(`starting a local Covalent server at ${server.address} (files in ${server.home})…`);
  await server.start();
  return { server, startedHere: true };
}

/** The `--cluster` option: a local Dask cluster, and the settings that name it. */
async function startCluster(python, server) {
  const recordFile = path.join(cacheDir, 'local-cluster.json');
  // A cluster an earlier session left behind (a killed terminal) goes first.
  if (killRecorded(recordFile)) log('stopped the Dask cluster an earlier session left running');
  const home = path.join(cacheDir, 'local-cluster');
  fs.mkdirSync(home, { recursive: true });
  log('starting a local Dask cluster (a scheduler and two workers on loopback)…');
  const cluster = await DaskCluster.start({ python, home, env: server.env, recordFile });
  process.once('exit', () => cluster.kill());
  log(`Dask cluster: scheduler ${cluster.schedulerAddress}; the "cluster" executor profile runs tasks there`);
  const profiles = { cluster: { executor: 'dask', scheduler_address: cluster.schedulerAddress, cache_dir: path.join(home, 'results') } };
  return { cluster, settings: { 'covalent.executors': profiles } };
}

async function main() {
  const python = ensurePythonEnv();
  const { server, startedHere } = await ensureServer(python);
  const withCluster = process.argv.includes('--cluster') || process.env.COVALENT_CLUSTER === '1';
  const local = withCluster ? await startCluster(python, server) : undefined;
  const userDataDir = path.join(cacheDir, 'editor-user-data');
  writeUserSettings(userDataDir, { python, serverAddress: server.address, extra: local?.settings });

  let editor;
  if (hasDesktopCode()) {
    log('opening desktop VS Code with the extension and examples/');
    editor = spawn('code', ['--wait', '--new-window', `--user-data-dir=${userDataDir}`, `--extensionDevelopmentPath=${repoRoot}`, examples], { stdio: 'inherit' });
  } else {
    const { startCodeServer, workbenchUrl } = require('./codeServerHost');
    const port = Number(process.env.COVALENT_EDITOR_PORT) || (await freePort());
    const codeServer = await startCodeServer({
      userDataDir,
      extensionsDir: path.join(cacheDir, 'editor-extensions'),
      workspace: examples,
      env: { ...process.env, ...server.env },
      logFile: path.join(cacheDir, 'code-server.log'),
      port,
    });
    const url = workbenchUrl(codeServer, examples, [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`]]);
    const clusterLine = local ? `\nDask cluster: ${local.cluster.schedulerAddress} (executor profile "cluster")` : '';
    console.log(`\nVS Code (code-server) with Covalent for VS Code and examples/ is at:\n\n  ${url}\n\nCovalent server: ${server.address}${clusterLine}    Stop with Ctrl+C.\n`);
    editor = { kill: () => codeServer.stop(), on: () => undefined };
  }

  const shutdown = async () => {
    editor.kill?.();
    local?.cluster.kill();
    if (startedHere) {
      log('stopping the Covalent server started for this session…');
      await server.stop().catch(() => server.killProcessGroup());
    }
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  if (editor.on) editor.on('exit', shutdown);
  fs.mkdirSync(cacheDir, { recursive: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
