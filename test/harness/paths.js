// Where the harness keeps what it installs and creates: one ignored folder.
'use strict';
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const cacheDir = process.env.COVALENT_VSCODE_CACHE || path.join(repoRoot, '.cache');

function log(message) {
  process.stderr.write(`[harness] ${message}\n`);
}

module.exports = { repoRoot, cacheDir, log };
