// Creates (once) a virtual environment with the pinned Covalent in the ignored
// cache folder and returns its interpreter. Recreated when the pins change.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync, spawnSync } = require('child_process');
const { cacheDir, log } = require('./paths');

const requirementsFile = path.join(__dirname, 'python-requirements.txt');
const venvDir = path.join(cacheDir, 'venv');
const markerFile = path.join(venvDir, '.requirements-sha');

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

function venvPython() {
  return path.join(venvDir, 'bin', 'python');
}

function ensurePythonEnv() {
  const wanted = crypto.createHash('sha256').update(fs.readFileSync(requirementsFile)).digest('hex');
  if (fs.existsSync(markerFile) && fs.readFileSync(markerFile, 'utf8') === wanted && fs.existsSync(venvPython())) {
    return venvPython();
  }
  const started = Date.now();
  const base = findBasePython();
  log(`creating a Python environment with Covalent in ${venvDir} (once)…`);
  fs.rmSync(venvDir, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  execFileSync(base, ['-m', 'venv', venvDir], { stdio: 'inherit' });
  execFileSync(venvPython(), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirementsFile], {
    stdio: 'inherit',
  });
  fs.writeFileSync(markerFile, wanted);
  log(`Python environment ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return venvPython();
}

module.exports = { ensurePythonEnv, venvDir };

if (require.main === module) {
  console.log(ensurePythonEnv());
}
