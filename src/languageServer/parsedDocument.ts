import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser, Point, Tree } from 'web-tree-sitter';
import TreeSitter = require('web-tree-sitter'); // CommonJS build, see pythonParser.ts
import { DocumentAnalyzer, dispatchableLattices, type LocatedFacts, resolveDispatchable } from './detection/analyze';
import type { CovalentSymbol, DocumentAnalysis, TextPosition, TextRange } from './detection/types';

/** An LSP content change: a range replaced by text, or (no range) the whole text. */
export interface ContentChange {
  readonly range?: TextRange;
  readonly text: string;
}

/**
 * One open Python document: its text, its syntax tree, and what detection found.
 * Edits are applied to the tree (`Tree.edit`) before reparsing, so tree-sitter
 * reuses every unchanged subtree; the analyzer then rewalks only the top-level
 * statements whose text changed.
 */
export class ParsedDocument {
  private document: TextDocument;
  /** Dropped for documents not edited lately (see `releaseParseState`); parsed again when needed. */
  private tree: Tree | undefined;
  private readonly analyzer: DocumentAnalyzer;
  private analysisCache: DocumentAnalysis | undefined;
  private latticesCache: readonly CovalentSymbol[] | undefined;

  constructor(
    readonly uri: string,
    version: number,
    text: string,
    private readonly parser: Parser,
  ) {
    this.document = TextDocument.create(uri, 'python', version, text);
    this.tree = this.parse(null);
    this.analyzer = new DocumentAnalyzer(parser);
  }

  get version(): number {
    return this.document.version;
  }

  get text(): string {
    return this.document.getText();
  }

  get syntaxTree(): Tree {
    this.tree ??= this.parse(null);
    return this.tree;
  }

  /**
   * Frees what only speeds up the next edit: the syntax tree (the largest part,
   * kept in the parser's WebAssembly heap) and the per-statement facts. The
   * analysis stays; the next edit parses and walks the whole text again.
   */
  releaseParseState(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.analyzer.forget();
  }

  update(changes: readonly ContentChange[], version: number): void {
    let incremental = this.tree !== undefined;
    for (const change of changes) {
      if (!change.range) {
        this.document = TextDocument.create(this.uri, 'python', version, change.text);
        incremental = false;
        continue;
      }
      const startIndex = this.document.offsetAt(change.range.start);
      const oldEndIndex = this.document.offsetAt(change.range.end);
      const startPosition = toPoint(this.document.positionAt(startIndex));
      const oldEndPosition = toPoint(this.document.positionAt(oldEndIndex));
      this.document = TextDocument.update(this.document, [{ range: change.range, text: change.text }], version);
      const newEndIndex = startIndex + change.text.length;
      if (incremental) {
        this.tree?.edit(new TreeSitter.Edit({ startIndex, oldEndIndex, newEndIndex, startPosition, oldEndPosition, newEndPosition: toPoint(this.document.positionAt(newEndIndex)) }));
      }
    }
    const previous = this.tree;
    this.tree = this.parse(incremental ? (previous ?? null) : null);
    previous?.delete();
    this.analysisCache = undefined;
    this.latticesCache = undefined;
  }

  analysis(): DocumentAnalysis {
    this.analysisCache ??= this.analyzer.analyze(this.syntaxTree, this.document.getText());
    return this.analysisCache;
  }

  /**
   * The lattices CodeLens offers. Before the first full analysis (on open, or
   * after an edit) they are read from the statements' heads, without walking
   * function bodies: the lenses do not wait for the diagnostics' walk.
   */
  dispatchableLattices(): readonly CovalentSymbol[] {
    if (this.analysisCache) return dispatchableLattices(this.analysisCache);
    this.latticesCache ??= resolveDispatchable(this.headStatements());
    return this.latticesCache;
  }

  /** Each top-level statement's facts where known, else its head (see `DocumentAnalyzer.headStatements`). */
  headStatements(): LocatedFacts[] {
    return this.analyzer.headStatements(this.syntaxTree, this.document.getText());
  }

  /** Each top-level statement's facts, for an analysis over several documents (a notebook's cells). */
  statements(): LocatedFacts[] {
    return this.analyzer.statements(this.syntaxTree, this.document.getText());
  }

  dispose(): void {
    this.releaseParseState();
  }

  private parse(previous: Tree | null): Tree {
    const tree = this.parser.parse(this.document.getText(), previous);
    if (!tree) throw new Error(`Could not parse ${this.uri}`);
    return tree;
  }
}

/** LSP positions and web-tree-sitter points over a JS string both count UTF-16 code units. */
function toPoint(position: TextPosition): Point {
  return { row: position.line, column: position.character };
}
