// Installs code-server (VS Code 1.100 as a server + web workbench) from the npm
// registry into an ignored cache folder, without the postinstall downloads that
// fail on machines with no internet. Idempotent: a marker file records success.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { cacheDir, log } = require('./paths');

const CODE_SERVER_VERSION = '4.100.3';
const root = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const pkgDir = path.join(root, 'node_modules', 'code-server');
const vscodeDir = path.join(pkgDir, 'lib', 'vscode');
const marker = path.join(root, '.installed');

function npm(args, cwd, extraEnv = {}) {
  execFileSync('npm', args, {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', npm_config_update_notifier: 'false', ...extraEnv },
  });
}

function symlink(target, linkPath) {
  fs.rmSync(linkPath, { recursive: true, force: true });
  fs.symlinkSync(target, linkPath);
}

function findRipgrep() {
  for (const candidate of ['/usr/bin/rg', '/usr/local/bin/rg']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('ripgrep (rg) is missing: install the Debian package "ripgrep".');
}

function ensureCodeServer() {
  if (fs.existsSync(marker)) return codeServerEntry();
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${root} (once)…`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], root);
  npm(['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund'], vscodeDir);
  // @vscode/ripgrep downloads its binary from GitHub unless bin/ exists: use Debian's.
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgBin, { recursive: true });
  symlink(findRipgrep(), path.join(rgBin, 'rg'));
  npm(['rebuild'], vscodeDir);
  npm(['rebuild', 'argon2'], root);
  // What code-server's postinstall.sh would have done.
  symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  symlink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  symlink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  npm(['install', '--omit=dev', '--no-audit', '--no-fund'], path.join(vscodeDir, 'extensions'));
  fs.writeFileSync(marker, new Date().toISOString());
  log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return codeServerEntry();
}

function codeServerEntry() {
  return path.join(pkgDir, 'out', 'node', 'entry.js');
}

module.exports = { ensureCodeServer, CODE_SERVER_VERSION };

if (require.main === module) {
  console.log(ensureCodeServer());
}
