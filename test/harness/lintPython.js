// The Python half of `npm run lint`: ruff checks and format-checks the bridge's
// package (settings in src/bridge/python/ruff.toml) with the ruff of the locked
// environment, which is made from the lock first on a fresh clone. Exits non-zero,
// with ruff's own output, when either finds something.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const { repoRoot } = require('./paths');
const { ensurePythonEnv } = require('./pythonEnv');

const BRIDGE = path.join('src', 'bridge', 'python');

function ruff(python, args) {
  // No cache: a few files, and nothing left behind in the source tree.
  const run = spawnSync(python, ['-m', 'ruff', ...args, '--no-cache', BRIDGE], { cwd: repoRoot, stdio: 'inherit' });
  if (run.error) {
    process.stderr.write(`ruff ${args.join(' ')} could not run with ${python}: ${run.error.message}\n`);
    return false;
  }
  return run.status === 0;
}

function main() {
  const python = ensurePythonEnv();
  const checked = ruff(python, ['check']);
  const formatted = ruff(python, ['format', '--check']);
  if (!checked || !formatted) {
    process.stderr.write(`ruff found problems in ${BRIDGE}${formatted ? '' : ' (`ruff format` fixes the formatting)'}.\n`);
    process.exit(1);
  }
}

main();
