// `npm run lock:python`: makes the harness's lock files anew from their `.in` files
// with uv (`uv pip compile --generate-hashes`), every transitive package pinned with
// its hashes, for every Python the harness accepts (3.10–3.12); pins already in a lock
// stay unless `-- --upgrade` is given. uv comes from PyPI,
// at a pinned version, into the ignored cache. Nothing else reads PyPI's newest:
// the environments install from these locks alone.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { cacheDir, log } = require('./paths');
const { findBasePython, LOCKS } = require('./pythonEnv');

const UV_VERSION = '0.13.9';

function ensureUv() {
  const venv = path.join(cacheDir, `uv-${UV_VERSION}`);
  const uv = path.join(venv, 'bin', 'uv');
  if (!fs.existsSync(uv)) {
    log(`installing uv ${UV_VERSION} into ${venv} (once)…`);
    execFileSync(findBasePython(), ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `uv==${UV_VERSION}`], { stdio: 'inherit' });
  }
  return uv;
}

function main() {
  const uv = ensureUv();
  // Packages already locked keep their pins unless `npm run lock:python -- --upgrade`.
  const upgrade = process.argv.includes('--upgrade') ? ['--upgrade'] : [];
  for (const { input, lock } of Object.values(LOCKS)) {
    log(`locking ${path.basename(input)} → ${path.basename(lock)}`);
    execFileSync(uv, ['pip', 'compile', '--universal', '--python-version', '3.10', '--generate-hashes', '--no-header', '--quiet', ...upgrade, input, '-o', lock], {
      cwd: path.dirname(input),
      stdio: 'inherit',
    });
  }
}

main();
