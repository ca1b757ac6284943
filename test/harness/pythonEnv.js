// The harness's Python environments, in the ignored cache folder:
// - `venv`: the Covalent server the tests start, and the interpreter they dispatch
//   with, installed from python-requirements.lock alone (every package pinned, with
//   hashes), so a fresh clone installs the same packages on any day;
// - `client-cloudpickle-3.1.2`: the same with cloudpickle 3.1.2, locked too;
// - `venv-latest`: a client made from `covalent==0.240.0` alone, as a user gets it
//   today (never locked, by design: it is the pass that sees a library's new release).
// Each is recreated when its lock changes (the latest one once a day).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync, spawnSync } = require('child_process');
const { cacheDir, log } = require('./paths');

const LOCKS = {
  venv: { input: path.join(__dirname, 'python-requirements.in'), lock: path.join(__dirname, 'python-requirements.lock') },
  'client-cloudpickle-3.1.2': {
    input: path.join(__dirname, 'client-cloudpickle-3.1.2.in'),
    lock: path.join(__dirname, 'client-cloudpickle-3.1.2.lock'),
  },
};
/** What a user's `pip install` gives: the one requirement a latest-libraries client has. */
const LATEST_CLIENT_REQUIREMENT = 'covalent==0.240.0';

/** Covalent 0.240 supports Python 3.10–3.12. */
function findBasePython() {
  const candidates = [process.env.COVALENT_TEST_PYTHON, 'python3.12', 'python3.11', 'python3.10', 'python3'].filter(Boolean);
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const [major, minor] = probe.stdout.trim().split('.').map(Number);
    if (major === 3 && minor >= 10 && minor <= 12) return candidate;
  }
  throw new Error('No Python 3.10–3.12 with the venv module found. Install python3 and python3-venv, or set COVALENT_TEST_PYTHON.');
}

function pythonOf(venvDir) {
  return path.join(venvDir, 'bin', 'python');
}

/** Makes `venvDir` with `pipArgs` installed unless its marker says `wanted`; returns its interpreter. */
function ensureVenv(venvDir, wanted, pipArgs, what) {
  const markerFile = path.join(venvDir, '.requirements-sha');
  if (fs.existsSync(markerFile) && fs.readFileSync(markerFile, 'utf8') === wanted && fs.existsSync(pythonOf(venvDir))) {
    return pythonOf(venvDir);
  }
  const started = Date.now();
  log(`creating a Python environment (${what}) in ${venvDir} (once)…`);
  fs.rmSync(venvDir, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  execFileSync(findBasePython(), ['-m', 'venv', venvDir], { stdio: 'inherit' });
  execFileSync(pythonOf(venvDir), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...pipArgs], { stdio: 'inherit' });
  fs.writeFileSync(markerFile, wanted);
  log(`Python environment ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return pythonOf(venvDir);
}

/** An environment from one of the lock files: every package pinned, every hash checked, nothing resolved. */
function ensureLockedEnv(name) {
  const { lock } = LOCKS[name];
  const wanted = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  return ensureVenv(path.join(cacheDir, name), wanted, ['--require-hashes', '--no-deps', '-r', lock], `from ${path.basename(lock)}`);
}

/** The harness's own environment: the server's, and the client's unless the matrix names another. */
function ensurePythonEnv() {
  return ensureLockedEnv('venv');
}

/** A client as a user makes it today: `pip install covalent==0.240.0`, whatever PyPI serves (remade daily). */
function ensureLatestClient() {
  const today = new Date().toISOString().slice(0, 10);
  return ensureVenv(path.join(cacheDir, 'venv-latest'), `${LATEST_CLIENT_REQUIREMENT} ${today}`, [LATEST_CLIENT_REQUIREMENT], `${LATEST_CLIENT_REQUIREMENT} from PyPI today`);
}

/** The user's interpreter for the tests: `COVALENT_TEST_CLIENT_PYTHON`, else the harness's. */
function clientPython() {
  return process.env.COVALENT_TEST_CLIENT_PYTHON || ensurePythonEnv();
}

/** `name==version` of the packages that matter to the bridge, as that interpreter has them. */
function describeInterpreter(python) {
  const probe = spawnSync(
    python,
    ['-c', 'import sys, importlib.metadata as m; print("Python %d.%d.%d" % sys.version_info[:3], *("%s %s" % (n, m.version(n)) for n in ("covalent", "cloudpickle")), sep=", ")'],
    { encoding: 'utf8' },
  );
  return probe.status === 0 ? probe.stdout.trim() : `unknown (${probe.stderr.trim().split('\n').pop()})`;
}

module.exports = { ensurePythonEnv, ensureLockedEnv, ensureLatestClient, clientPython, describeInterpreter, findBasePython, LOCKS, venvDir: path.join(cacheDir, 'venv') };

if (require.main === module) {
  console.log(ensurePythonEnv());
}
