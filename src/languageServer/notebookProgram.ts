import type { Parser, Tree } from 'web-tree-sitter';
import { dispatchableLattices, type LocatedFacts, resolve, resolveDispatchable } from './detection/analyze';
import type { CovalentDiagnostic, CovalentSymbol, DocumentAnalysis, TextRange } from './detection/types';
import { blankIPythonSyntax } from './ipython';
import { ParsedDocument } from './parsedDocument';

/** A notebook's Python code cell as the editor syncs it. */
export interface CellText {
  /** The cell's own document URI (`vscode-notebook-cell:` in VS Code). */
  readonly uri: string;
  readonly text: string;
}

/** A symbol of a notebook and the cell it is in (its ranges are positions in that cell). */
export interface CellSymbol {
  readonly cellUri: string;
  readonly symbol: CovalentSymbol;
}

interface Cell {
  readonly uri: string;
  /** The cell's text with IPython syntax blanked (see ipython.ts). */
  text: string;
  readonly parsed: ParsedDocument;
}

interface NotebookAnalysis {
  readonly byCell: ReadonlyMap<string, DocumentAnalysis>;
  readonly symbols: readonly CellSymbol[];
}

const EMPTY: DocumentAnalysis = { importsCovalent: false, symbols: [], diagnostics: [] };

/**
 * A notebook's code cells read as one program, in order, as a kernel that ran
 * them all would see it: `import covalent as ct` in the first cell counts for
 * `@ct.lattice` in the fourth. Each cell is parsed on its own (a syntax error or
 * an unclosed bracket stays in its cell, as when Jupyter runs it) and keeps its
 * own tree, so an edit reparses one cell; the statements of every cell are then
 * resolved together, and each symbol and diagnostic is reported in its cell, at
 * its position there.
 */
export class NotebookProgram {
  private cells: Cell[] = [];
  /** The same cells by URI: every request about a cell looks its cell up. */
  private cellsByUri = new Map<string, Cell>();
  private cached: NotebookAnalysis | undefined;
  /** Each cell's dispatchable lattices, read from statement heads before the first full analysis. */
  private latticesCache: ReadonlyMap<string, readonly CovalentSymbol[]> | undefined;

  constructor(
    readonly uri: string,
    cells: readonly CellText[],
    private readonly parser: Parser,
  ) {
    this.setCells(cells);
  }

  get cellUris(): string[] {
    return this.cells.map((cell) => cell.uri);
  }

  has(cellUri: string): boolean {
    return this.cellsByUri.has(cellUri);
  }

  /** The cells after a structural change (added, removed, moved); unchanged cells keep their trees. */
  setCells(cells: readonly CellText[]): void {
    const previous = new Map(this.cells.map((cell) => [cell.uri, cell]));
    this.cells = cells.map(({ uri, text }) => {
      const blanked = blankIPythonSyntax(text);
      const kept = previous.get(uri);
      if (kept) {
        previous.delete(uri);
        if (kept.text !== blanked) this.reparse(kept, blanked);
        return kept;
      }
      return { uri, text: blanked, parsed: new ParsedDocument(uri, 0, blanked, this.parser) };
    });
    for (const removed of previous.values()) removed.parsed.dispose();
    this.cellsByUri = new Map(this.cells.map((cell) => [cell.uri, cell]));
    this.cached = undefined;
    this.latticesCache = undefined;
  }

  /** A cell's text changed. */
  updateCell(uri: string, text: string): void {
    const cell = this.cellsByUri.get(uri);
    if (!cell) return;
    const blanked = blankIPythonSyntax(text);
    if (blanked === cell.text) return;
    this.reparse(cell, blanked);
    this.cached = undefined;
    this.latticesCache = undefined;
  }

  /** What detection found in one cell (positions in that cell). */
  cellAnalysis(cellUri: string): DocumentAnalysis | undefined {
    return this.has(cellUri) ? (this.analysis().byCell.get(cellUri) ?? EMPTY) : undefined;
  }

  /** The lattices CodeLens offers in one cell: from statement heads until the notebook is analysed whole (see `ParsedDocument.dispatchableLattices`). */
  cellLattices(cellUri: string): readonly CovalentSymbol[] | undefined {
    if (!this.has(cellUri)) return undefined;
    if (this.cached) return dispatchableLattices(this.cached.byCell.get(cellUri) ?? EMPTY);
    this.latticesCache ??= this.latticesByCell();
    return this.latticesCache.get(cellUri) ?? [];
  }

  /** Every symbol of the notebook, in cell order. */
  symbols(): readonly CellSymbol[] {
    return this.analysis().symbols;
  }

  cellTree(cellUri: string): Tree | undefined {
    return this.cellsByUri.get(cellUri)?.parsed.syntaxTree;
  }

  /** A module-level symbol of any cell, with its cell's tree (hover on a name defined in another cell). */
  moduleSymbol(name: string): { symbol: CovalentSymbol; tree: Tree } | undefined {
    const found = [...this.symbols()].reverse().find((candidate) => candidate.symbol.moduleLevel && candidate.symbol.name === name);
    const tree = found ? this.cellTree(found.cellUri) : undefined;
    return found && tree ? { symbol: found.symbol, tree } : undefined;
  }

  releaseParseState(): void {
    for (const cell of this.cells) cell.parsed.releaseParseState();
  }

  dispose(): void {
    for (const cell of this.cells) cell.parsed.dispose();
    this.cells = [];
    this.cellsByUri.clear();
  }

  private reparse(cell: Cell, blanked: string): void {
    cell.text = blanked;
    cell.parsed.update([{ text: blanked }], cell.parsed.version + 1);
  }

  private analysis(): NotebookAnalysis {
    this.cached ??= this.analyze();
    return this.cached;
  }

  /**
   * Cells are laid end to end on one line axis for the joint resolution; every
   * range found is then moved back into the cell it starts in.
   */
  private layOut(read: (parsed: ParsedDocument) => LocatedFacts[]): { statements: LocatedFacts[]; cellAt: (range: TextRange) => { uri: string; shift: number } } {
    const firstLines: number[] = [];
    const statements: LocatedFacts[] = [];
    let line = 0;
    for (const cell of this.cells) {
      firstLines.push(line);
      for (const { facts, base } of read(cell.parsed)) statements.push({ facts, base: { row: base.row + line, column: base.column } });
      line += lineCount(cell.text);
    }
    const cellAt = (range: TextRange) => {
      let index = 0;
      while (index + 1 < firstLines.length && (firstLines[index + 1] ?? Infinity) <= range.start.line) index++;
      return { uri: this.cells[index]?.uri ?? '', shift: -(firstLines[index] ?? 0) };
    };
    return { statements, cellAt };
  }

  private analyze(): NotebookAnalysis {
    const { statements, cellAt } = this.layOut((parsed) => parsed.statements());
    const { symbols, diagnostics, importsCovalent } = resolve(statements);
    const byCell = new Map<string, { symbols: CovalentSymbol[]; diagnostics: CovalentDiagnostic[] }>();
    const bucket = (uri: string) => {
      let found = byCell.get(uri);
      if (!found) byCell.set(uri, (found = { symbols: [], diagnostics: [] }));
      return found;
    };
    const cellSymbols: CellSymbol[] = [];
    for (const symbol of symbols) {
      const { uri, shift } = cellAt(symbol.range);
      const local = moveSymbol(symbol, shift);
      bucket(uri).symbols.push(local);
      cellSymbols.push({ cellUri: uri, symbol: local });
    }
    for (const diagnostic of diagnostics) {
      const { uri, shift } = cellAt(diagnostic.range);
      const fix = diagnostic.fix ? { ...diagnostic.fix, range: moveRange(diagnostic.fix.range, shift) } : undefined;
      bucket(uri).diagnostics.push({ ...diagnostic, range: moveRange(diagnostic.range, shift), ...(fix ? { fix } : {}) });
    }
    const analyses = new Map<string, DocumentAnalysis>();
    for (const [uri, found] of byCell) analyses.set(uri, { importsCovalent, ...found });
    return { byCell: analyses, symbols: cellSymbols };
  }

  private latticesByCell(): Map<string, CovalentSymbol[]> {
    const { statements, cellAt } = this.layOut((parsed) => parsed.headStatements());
    const byCell = new Map<string, CovalentSymbol[]>();
    for (const lattice of resolveDispatchable(statements)) {
      const { uri, shift } = cellAt(lattice.range);
      let inCell = byCell.get(uri);
      if (!inCell) byCell.set(uri, (inCell = []));
      inCell.push(moveSymbol(lattice, shift));
    }
    return byCell;
  }
}

function lineCount(text: string): number {
  let count = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function moveRange(range: TextRange, lines: number): TextRange {
  return { start: { line: range.start.line + lines, character: range.start.character }, end: { line: range.end.line + lines, character: range.end.character } };
}

function moveSymbol(symbol: CovalentSymbol, lines: number): CovalentSymbol {
  return { ...symbol, range: moveRange(symbol.range, lines), selectionRange: moveRange(symbol.selectionRange, lines) };
}
