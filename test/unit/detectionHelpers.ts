import * as fs from 'fs';
import * as path from 'path';
import type { Parser } from 'web-tree-sitter';
import { DocumentAnalyzer } from '../../src/languageServer/detection/analyze';
import { StatementScanner } from '../../src/languageServer/detection/facts';
import type { CovalentSymbol, DocumentAnalysis, TextRange } from '../../src/languageServer/detection/types';
import { createPythonParser, type WasmLocation } from '../../src/languageServer/pythonParser';

/** The repository root, from out/test/unit. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const fixturesFolder = path.join(repoRoot, 'test', 'fixtures', 'detection');

/** The same wasm files esbuild copies into dist/, straight from the installed packages. */
export const wasmFromPackages: WasmLocation = {
  treeSitter: path.join(repoRoot, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm'),
  python: path.join(repoRoot, 'node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm'),
};

let parser: Promise<Parser> | undefined;

export function pythonParser(): Promise<Parser> {
  parser ??= createPythonParser(wasmFromPackages);
  return parser;
}

export async function analyze(source: string): Promise<DocumentAnalysis> {
  const python = await pythonParser();
  const tree = python.parse(source);
  if (!tree) throw new Error('no tree');
  try {
    return new DocumentAnalyzer(python).analyze(tree, source);
  } finally {
    tree.delete();
  }
}

export function fixture(name: string): string {
  return fs.readFileSync(path.join(fixturesFolder, name), 'utf8');
}

/** `name:kind` of each symbol, in document order. */
export function summary(analysis: DocumentAnalysis): string[] {
  return analysis.symbols.map((symbol) => `${symbol.name}:${symbol.kind}`);
}

export function symbolNamed(analysis: DocumentAnalysis, name: string): CovalentSymbol {
  const symbol = analysis.symbols.find((candidate) => candidate.name === name);
  if (!symbol) throw new Error(`no symbol ${name} in ${summary(analysis).join(', ')}`);
  return symbol;
}

/** The text a range covers, with LSP semantics (lines split at \r\n or \n, UTF-16 columns). */
export function textAt(source: string, range: TextRange): string {
  const lines = source.split(/\r?\n/);
  const line = (index: number) => lines[index] ?? '';
  if (range.start.line === range.end.line) return line(range.start.line).slice(range.start.character, range.end.character);
  const middle = lines.slice(range.start.line + 1, range.end.line);
  return [line(range.start.line).slice(range.start.character), ...middle, line(range.end.line).slice(0, range.end.character)].join('\n');
}

/** Counts the full walks of top-level statements (the rest come from a cache, or are read by their heads). */
export function countScans(): { readonly count: number; restore(): void } {
  // Put back on the prototype it came from, so its `this` stays right.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = StatementScanner.prototype.scanStatement;
  const counter = { count: 0, restore: () => (StatementScanner.prototype.scanStatement = original) };
  StatementScanner.prototype.scanStatement = function (this: StatementScanner, ...args: Parameters<typeof original>) {
    counter.count++;
    return original.apply(this, args);
  };
  return counter;
}
