import {
  type CodeAction,
  CodeActionKind,
  type CodeLens,
  type Diagnostic,
  DiagnosticSeverity,
  type DocumentSymbol,
  type Hover,
  MarkupKind,
  type Position,
  SymbolKind,
} from 'vscode-languageserver';
import type { Node, Tree } from 'web-tree-sitter';
import { oneLine } from './detection/nodeText';
import type { CovalentDiagnostic, CovalentSymbol, DiagnosticSeverityName, DocumentAnalysis, TextRange, TextReplacement } from './detection/types';
import { LatticeCommands, type LatticeTarget } from './protocol';

/** LSP answers built from a document's analysis. Pure: unit-tested without a connection. */

export function documentSymbols(analysis: DocumentAnalysis): DocumentSymbol[] {
  return analysis.symbols.map((symbol) => ({
    name: symbol.name,
    detail: symbol.kind,
    kind: symbol.kind === 'electron' ? SymbolKind.Function : SymbolKind.Module,
    range: symbol.range,
    selectionRange: symbol.selectionRange,
  }));
}

/** Three lenses over each dispatchable lattice. */
export function codeLenses(uri: string, lattices: readonly CovalentSymbol[]): CodeLens[] {
  return lattices.flatMap((symbol) => {
    const target: LatticeTarget = { uri, lattice: symbol.name };
    // Lenses sit on the definition's first line (its first decorator).
    const range = { start: symbol.range.start, end: symbol.range.start };
    return [
      { range, command: { title: 'Dispatch', command: LatticeCommands.dispatch, arguments: [target] } },
      { range, command: { title: 'Dispatch with inputs…', command: LatticeCommands.dispatchWithInputs, arguments: [target] } },
      { range, command: { title: 'Save without running', command: LatticeCommands.saveWithoutRunning, arguments: [target] } },
    ];
  });
}

const SEVERITIES: Record<DiagnosticSeverityName, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'covalent';

export function diagnostics(analysis: DocumentAnalysis): Diagnostic[] {
  return analysis.diagnostics.map((diagnostic: CovalentDiagnostic) => ({
    range: diagnostic.range,
    severity: SEVERITIES[diagnostic.severity],
    source: DIAGNOSTIC_SOURCE,
    code: diagnostic.code,
    message: diagnostic.message,
    data: diagnostic.fix,
  }));
}

/** Quick fixes for the diagnostics in the request's context that carry one. */
export function quickFixes(uri: string, contextDiagnostics: readonly Diagnostic[]): CodeAction[] {
  return contextDiagnostics
    .filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE && isReplacement(diagnostic.data))
    .map((diagnostic) => {
      const fix = diagnostic.data as TextReplacement;
      return {
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [uri]: [{ range: fix.range, newText: fix.newText }] } },
      };
    });
}

function isReplacement(value: unknown): value is TextReplacement {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TextReplacement>;
  return typeof candidate.title === 'string' && typeof candidate.newText === 'string' && typeof candidate.range === 'object';
}

const KIND_DESCRIPTIONS: Record<CovalentSymbol['kind'], string> = {
  lattice: 'A workflow. The electrons it calls run as tasks on the Covalent server; dispatch it with the CodeLens above its definition.',
  electron: 'A task. Called inside a lattice, it becomes a node of the workflow graph and runs on its executor.',
  sublattice: 'A lattice used as an electron: inside another lattice it runs as one task that is itself a workflow.',
};

/**
 * Hover on a Covalent symbol's name or decorators, or on a use of a module-level
 * symbol's name. The hover's range is the name, so a client can tell which
 * lattice it is about.
 */
export function hover(analysis: DocumentAnalysis, tree: Tree, position: Position, elsewhere?: (name: string) => { symbol: CovalentSymbol; tree: Tree } | undefined): Hover | null {
  const onDefinition = analysis.symbols.find((symbol) => contains(symbol.selectionRange, position) || inDecorators(symbol, position));
  if (onDefinition) return { contents: { kind: MarkupKind.Markdown, value: describe(onDefinition, tree) }, range: onDefinition.selectionRange };
  const node = tree.rootNode.descendantForPosition({ row: position.line, column: position.character });
  if (!node || node.type !== 'identifier' || !isNameUse(node)) return null;
  const local = analysis.symbols.find((candidate) => candidate.moduleLevel && candidate.name === node.text);
  // A notebook cell uses names other cells define.
  const defined = local ? { symbol: local, tree } : elsewhere?.(node.text);
  if (!defined) return null;
  const range = { start: { line: node.startPosition.row, character: node.startPosition.column }, end: { line: node.endPosition.row, character: node.endPosition.column } };
  return { contents: { kind: MarkupKind.Markdown, value: describe(defined.symbol, defined.tree) }, range };
}

export function describe(symbol: CovalentSymbol, tree: Tree): string {
  const definition = symbol.form === 'decorator' ? functionAt(tree, symbol.selectionRange.start) : undefined;
  const parameters = definition?.childForFieldName('parameters')?.text;
  const lines = [`**Covalent ${symbol.kind}** \`${symbol.name}${parameters ? oneLine(parameters) : ''}\``, '', KIND_DESCRIPTIONS[symbol.kind]];
  if (symbol.wrappers.length > 0) {
    const written = symbol.form === 'decorator' ? symbol.wrappers.map((wrapper) => `@${wrapper}`) : symbol.wrappers;
    lines.push('', `${symbol.form === 'decorator' ? 'Decorated with' : 'Wrapped by'} \`${written.join(' ')}\`${symbol.wrapped ? ` around \`${symbol.wrapped}\`` : ''}`);
  }
  lines.push('', ...executorLines(symbol));
  if (symbol.kind === 'lattice' && !symbol.moduleLevel) {
    lines.push('', `Defined inside \`${symbol.container ?? 'a block'}\`: only module-level lattices can be dispatched.`);
  }
  const summary = definition ? docstringSummary(definition) : undefined;
  if (summary) lines.push('', summary);
  return lines.join('\n');
}

const DEFAULT_EXECUTOR = "Covalent's default executor (`dask`: the Covalent server's own Dask cluster)";

/** Where the symbol's tasks run as the code says: its decorator's executor, else its lattice's, else the default. */
function executorLines(symbol: CovalentSymbol): string[] {
  if (symbol.kind === 'electron') {
    if (symbol.executor) return [`Runs on \`${withoutSecrets(symbol.executor)}\` (its decorator's \`executor\`).`];
    const callers = symbol.callers ?? [];
    const named = callers.filter((caller) => caller.executor);
    if (named.length) {
      const list = named.map((caller) => `\`${withoutSecrets(caller.executor ?? '')}\` in \`${caller.lattice}\``).join(', ');
      return [`Names no executor: runs on its lattice's — ${list}.`];
    }
    const where = callers.length ? `nor ${callers.map((caller) => `\`${caller.lattice}\``).join(', ')}, which calls it,` : 'nor (here) a lattice that calls it';
    return [`Runs on ${DEFAULT_EXECUTOR}: neither its decorator ${where} names an executor.`];
  }
  const lines = [symbol.executor ? `Its electrons run on \`${withoutSecrets(symbol.executor)}\` unless they name their own.` : `Names no executor: its electrons that name none run on ${DEFAULT_EXECUTOR}.`];
  if (symbol.workflowExecutor) lines.push(`Post-processing runs on \`${withoutSecrets(symbol.workflowExecutor)}\`.`);
  return [lines.join(' ')];
}

/** A keyword that looks like a secret (`password="…"`) is not shown in a hover. */
function withoutSecrets(text: string): string {
  return text.replace(/(\w*(?:pass|secret|token|key|credential)\w*\s*=\s*)("[^"]*"|'[^']*')/gi, '$1…');
}

/** The function definition whose name starts at `position`. */
function functionAt(tree: Tree, position: Position): Node | undefined {
  const name = tree.rootNode.descendantForPosition({ row: position.line, column: position.character });
  return name?.parent?.type === 'function_definition' ? name.parent : undefined;
}

/** First line of a function's docstring. */
function docstringSummary(definition: Node): string | undefined {
  const first = definition.childForFieldName('body')?.firstNamedChild;
  const string = first?.type === 'expression_statement' ? first.firstNamedChild : undefined;
  if (string?.type !== 'string') return undefined;
  const content = string.namedChildren.find((child) => child.type === 'string_content')?.text ?? '';
  return content.split('\n').map((line) => line.trim()).find((line) => line.length > 0);
}

/** A name being read (`task(x)`, `dispatch(workflow)`), not an attribute or keyword of something else. */
function isNameUse(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'attribute') return parent.childForFieldName('object')?.equals(node) ?? false;
  if (parent.type === 'keyword_argument') return parent.childForFieldName('value')?.equals(node) ?? false;
  return true;
}

function inDecorators(symbol: CovalentSymbol, position: Position): boolean {
  return symbol.form === 'decorator' && comparePositions(symbol.range.start, position) <= 0 && position.line < symbol.selectionRange.start.line;
}

function contains(range: TextRange, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}
