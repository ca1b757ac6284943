// Bundles the extension, the language server and the webview script as separate
// entry points. `--production` minifies, `--watch` rebuilds on change.
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = path.join(__dirname, 'dist');

/** Files copied next to the bundles: the parser's WebAssembly and the codicon font. */
const assets = [
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
  ['node_modules/@vscode/codicons/dist/codicon.css', 'webview/codicon.css'],
  ['node_modules/@vscode/codicons/dist/codicon.ttf', 'webview/codicon.ttf'],
  // The Python bridge package runs from the extension's dist folder in the user's interpreter.
  ['src/bridge/python/covalent_bridge', 'bridge/covalent_bridge'],
];

function copyAssets() {
  for (const [from, to] of assets) {
    const source = path.join(__dirname, from);
    if (!fs.existsSync(source)) continue;
    const target = path.join(outdir, to);
    if (fs.statSync(source).isDirectory()) {
      // A folder is copied afresh, so modules removed from the source do not linger.
      fs.rmSync(target, { recursive: true, force: true });
      fs.cpSync(source, target, { recursive: true, filter: (file) => !/__pycache__|\.pyc$|\.ruff_cache/.test(file) });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(source, target);
  }
}

const shared = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
};

/** Entry points that exist: later parts of the product add theirs here. */
function existing(entries) {
  return entries.filter((entry) => fs.existsSync(path.join(__dirname, entry.in)));
}

const builds = [
  {
    ...shared,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    entryPoints: existing([
      { in: 'src/extension.ts', out: 'extension' },
      { in: 'src/languageServer/server.ts', out: 'server' },
      // The agent tools over stdio for MCP clients: built only from modules without `vscode`.
      { in: 'src/mcp/main.ts', out: 'mcp' },
      // ELK for the result panel's graph, in a worker thread (src/webview/layoutService.ts).
      { in: 'src/webview/layoutWorker.ts', out: 'layoutWorker' },
    ]),
    outdir,
  },
  {
    ...shared,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: existing([{ in: 'src/webview/app/main.ts', out: 'webview/main' }]),
    outdir,
  },
].filter((options) => options.entryPoints.length > 0);

async function main() {
  copyAssets();
  if (watch) {
    const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
    console.log('[esbuild] watching for changes…');
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
