import * as fs from 'fs';
import * as path from 'path';
// `require` form: bundlers then take the package's CommonJS build, which finds
// its files without `import.meta` (absent from the CommonJS bundle).
import TreeSitter = require('web-tree-sitter');

const { Language, Parser } = TreeSitter;
type Parser = TreeSitter.Parser;

/** The two WebAssembly files esbuild copies next to the server bundle (dist/). */
export const TREE_SITTER_WASM = 'web-tree-sitter.wasm';
export const PYTHON_GRAMMAR_WASM = 'tree-sitter-python.wasm';

export interface WasmLocation {
  /** web-tree-sitter's runtime. */
  readonly treeSitter: string;
  /** The Python grammar from the tree-sitter-python package. */
  readonly python: string;
}

/** Both files in one folder: the bundle's own folder when the server runs from dist/ or a .vsix. */
export function wasmBesides(folder: string): WasmLocation {
  return { treeSitter: path.join(folder, TREE_SITTER_WASM), python: path.join(folder, PYTHON_GRAMMAR_WASM) };
}

let runtimeReady: Promise<void> | undefined;

/**
 * A parser for Python. The files are read from disk and handed over as bytes,
 * so nothing depends on how the bundler rewrote web-tree-sitter's own lookups.
 */
export async function createPythonParser(location: WasmLocation): Promise<Parser> {
  for (const file of [location.treeSitter, location.python]) {
    if (!fs.existsSync(file)) throw new Error(`The Python parser is missing: ${file} not found. Rebuild the extension (npm run build).`);
  }
  runtimeReady ??= Parser.init({ wasmBinary: fs.readFileSync(location.treeSitter) });
  await runtimeReady;
  const python = await Language.load(fs.readFileSync(location.python));
  const parser = new Parser();
  parser.setLanguage(python);
  return parser;
}
