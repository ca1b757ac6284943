// Starts and stops a real Covalent server (`covalent start`) with its own
// config, data and cache folders, on a free port. Used by the test harness, by
// `npm start`, and by integration tests that stop and restart the server.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const http = require('http');
const { spawn, spawnSync } = require('child_process');
const { log } = require('./paths');

/** A port nothing listens on right now (covalent start would silently pick another). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Environment that keeps every file the server and the SDK write under `home`. */
function isolatedEnv(home, port) {
  const dirs = {
    COVALENT_CONFIG_DIR: path.join(home, 'config'),
    COVALENT_DATA_DIR: path.join(home, 'data'),
    COVALENT_CACHE_DIR: path.join(home, 'cache'),
    COVALENT_LOGDIR: path.join(home, 'logs'),
    COVALENT_EXECUTOR_DIR: path.join(home, 'executor_plugins'),
    COVALENT_DISPATCH_CACHE_DIR: path.join(home, 'cache', 'dispatches'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  return {
    ...dirs,
    COVALENT_DATABASE: path.join(home, 'data', 'dispatcher_db.sqlite'),
    COVALENT_SVC_PORT: String(port),
    COVALENT_SERVER_IFACE_ANY: '',
    // Dask's scratch space lands in the working directory: keep it in `home`.
    DASK_TEMPORARY_DIRECTORY: path.join(home, 'cache'),
  };
}

function get(url, timeoutMs) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

async function waitUntil(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function covalentCli(python) {
  return path.join(path.dirname(python), 'covalent');
}

/**
 * A Covalent server owned by this process. `home` holds its files; `port` stays
 * the same across stop/start so clients can watch it come back.
 */
class CovalentServer {
  constructor({ python, home, port }) {
    this.python = python;
    this.home = home;
    this.port = port;
    this.address = `http://localhost:${port}`;
    this.env = { ...process.env, ...isolatedEnv(home, port) };
  }

  static async create({ python, home, port }) {
    fs.mkdirSync(home, { recursive: true });
    return new CovalentServer({ python, home, port: port ?? (await freePort()) });
  }

  async isAnswering(timeoutMs = 1000) {
    return (await get(`${this.address}/api/v2/dispatches?count=1`, timeoutMs)) === 200;
  }

  async start(timeoutMs = 120000) {
    const started = Date.now();
    // Detached: the server and its Dask workers share a process group we can kill.
    const child = spawn(covalentCli(this.python), ['start', '--port', String(this.port)], {
      cwd: this.home,
      env: this.env,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.processGroup = child.pid;
    // Written down so the harness can stop a server a test started if that test's process dies.
    fs.writeFileSync(this.pgidFile(), String(child.pid));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await waitUntil(() => this.isAnswering(), timeoutMs, `the Covalent server at ${this.address}`).catch(async (error) => {
      throw new Error(`${error.message}\n${stderr}\n${this.logTail()}`);
    });
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(0), 15000))]);
    if (code !== 0) log(`covalent start exited with ${code}: ${stderr.trim()}`);
    log(`Covalent server answering at ${this.address} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /**
   * Starts the server again when it no longer answers: a test that stops it and
   * starts it from the editor leaves a server that is the editor's child, gone
   * when that editor closes. The next pass gets the harness's own back.
   */
  async ensureAnswering() {
    if (await this.isAnswering(3000)) return false;
    // `covalent stop` first: a server killed a moment ago still has its pid file, and
    // `covalent start` believes a pid that has not quite gone yet and starts nothing.
    await this.stop();
    await this.start();
    return true;
  }

  async stop() {
    const result = spawnSync(covalentCli(this.python), ['stop'], { cwd: this.home, env: this.env, encoding: 'utf8', timeout: 60000 });
    if (result.status !== 0) log(`covalent stop exited with ${result.status}: ${(result.stderr || '').trim()}`);
    this.killProcessGroup();
    await waitUntil(async () => !(await this.isAnswering(500)), 20000, 'the Covalent server to stop');
  }

  /** Last resort, also used on harness exit: nothing of the server survives. */
  killProcessGroup() {
    if (!this.processGroup) return;
    try {
      process.kill(-this.processGroup, 'SIGKILL');
    } catch {
      // Already gone.
    }
    this.processGroup = undefined;
    fs.rmSync(this.pgidFile(), { force: true });
  }

  pgidFile() {
    return path.join(this.home, 'server.pgid');
  }

  logTail(lines = 30) {
    const file = path.join(this.home, 'logs', 'covalent_ui.log');
    if (!fs.existsSync(file)) return '(no server log)';
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** What a child process (the editor, its extension host, tests) needs to reach this server. */
  describe() {
    return {
      COVALENT_TEST_SERVER: this.address,
      COVALENT_TEST_PORT: String(this.port),
      COVALENT_TEST_SERVER_HOME: this.home,
      COVALENT_TEST_PYTHON: this.python,
    };
  }
}

/** Kills the process group of every server started with its home in a folder of `dir` and not stopped. */
function killLeftoverServers(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name, 'server.pgid');
    if (!entry.isDirectory() || !fs.existsSync(file)) continue;
    try {
      process.kill(-Number(fs.readFileSync(file, 'utf8')), 'SIGKILL');
    } catch {
      // Already gone.
    }
    fs.rmSync(file, { force: true });
  }
}

module.exports = { CovalentServer, freePort, isolatedEnv, killLeftoverServers, waitUntil };
