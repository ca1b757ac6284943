import type { Node, Parser, Point, Tree } from 'web-tree-sitter';
import { type BodyFacts, type FunctionFact, type RelativeRange, type StatementFacts, StatementScanner, type WrapperReference } from './facts';
import { type CovalentDiagnostic, type CovalentKind, type CovalentSymbol, DiagnosticCodes, type DocumentAnalysis, type LatticeCaller, type TextRange } from './types';

/** Names the `covalent` package exports (0.240): not misspellings of `lattice`/`electron`. */
const COVALENT_EXPORTS = new Set([
  'lattice', 'electron', 'dispatch', 'dispatch_sync', 'redispatch', 'stop_triggers', 'cancel', 'get_result',
  'get_result_manager', 'get_config', 'set_config', 'reload_config', 'status', 'wait', 'get_context', 'executor',
  'leptons', 'fs', 'fs_strategies', 'covalent_start', 'covalent_stop', 'is_covalent_running', 'DepsBash',
  'DepsCall', 'DepsModule', 'DepsPip', 'Lepton', 'TransportableObject',
]);
const DECORATOR_NAMES = ['lattice', 'electron'] as const;
type Role = (typeof DECORATOR_NAMES)[number];

/** One top-level statement's facts and where it starts. */
export interface LocatedFacts {
  readonly facts: StatementFacts;
  readonly base: Point;
}

/**
 * Finds the Covalent symbols and problems of one document. Keeps the facts of
 * each top-level statement keyed by its text, so after an edit only the
 * statements whose text changed are walked again; the rest of the work is a
 * pass over those small facts.
 */
export class DocumentAnalyzer {
  private factsByText = new Map<string, StatementFacts>();
  /** Statement heads read for the lattices alone (see `headStatements`). */
  private headsByText = new Map<string, StatementFacts>();

  constructor(private readonly parser: Parser) {}

  /** Drops the per-statement facts (memory); the next analysis walks every statement. */
  forget(): void {
    this.factsByText = new Map();
    this.headsByText = new Map();
  }

  analyze(tree: Tree, source: string): DocumentAnalysis {
    return resolve(this.statements(tree, source));
  }

  /** The facts of each top-level statement (walked again only where its text changed). */
  statements(tree: Tree, source: string): LocatedFacts[] {
    const { statements, byText } = this.read(tree, source, (text) => this.factsByText.get(text), (scanner, statement) => scanner.scanStatement(statement));
    this.factsByText = byText;
    return statements;
  }

  /**
   * Each top-level statement's facts where it was walked whole, else only its
   * head (`StatementScanner.scanHeads`): enough to find the dispatchable
   * lattices, not for diagnostics. What CodeLens reads before the first full walk.
   */
  headStatements(tree: Tree, source: string): LocatedFacts[] {
    const known = (text: string) => this.factsByText.get(text) ?? this.headsByText.get(text);
    const { statements, byText } = this.read(tree, source, known, (scanner, statement) => scanner.scanHeads(statement));
    this.headsByText = byText;
    return statements;
  }

  /** Each top-level statement's facts: the ones known for its text, else what `scan` reads from it. */
  private read(tree: Tree, source: string, known: (text: string) => StatementFacts | undefined, scan: (scanner: StatementScanner, statement: Node) => void) {
    const byText = new Map<string, StatementFacts>();
    const statements: LocatedFacts[] = [];
    for (const statement of tree.rootNode.namedChildren) {
      if (statement.type === 'comment') continue;
      const text = source.slice(statement.startIndex, statement.endIndex);
      let facts = byText.get(text) ?? known(text);
      if (!facts) {
        const scanner = new StatementScanner(statement.startPosition, this.parser, source);
        scan(scanner, statement);
        facts = scanner.facts;
      }
      byText.set(text, facts);
      statements.push({ facts, base: statement.startPosition });
    }
    return { statements, byText };
  }
}

/** Lattices the bridge can import by name: module-level ones, not sublattices. */
export function dispatchableLattices(analysis: DocumentAnalysis): CovalentSymbol[] {
  return analysis.symbols.filter((symbol) => symbol.kind === 'lattice' && symbol.moduleLevel);
}

/** The dispatchable lattices of statements read whole or by their heads alone (whose diagnostics would be wrong). */
export function resolveDispatchable(statements: readonly LocatedFacts[]): CovalentSymbol[] {
  return dispatchableLattices(resolve(statements));
}

/** Turns per-statement facts into symbols and diagnostics, using the imports of the whole file. */
export function resolve(statements: readonly LocatedFacts[]): DocumentAnalysis {
  const imports = collectImports(statements);
  const roleOf = (reference: WrapperReference): Role | undefined => {
    if (reference.shape === 'attribute') {
      return imports.moduleAliases.has(reference.object) && isRole(reference.attribute) ? reference.attribute : undefined;
    }
    const member = imports.members.get(reference.name);
    if (member !== undefined) return isRole(member) ? member : undefined;
    return imports.star && isRole(reference.name) ? reference.name : undefined;
  };

  const symbols: CovalentSymbol[] = [];
  const diagnostics: CovalentDiagnostic[] = [];
  /** Bodies of lattices: checked for a return, for plain functions called in them, and for the electrons they call. */
  const latticeBodies: { body: BodyFacts; base: Point; lattice: CovalentSymbol }[] = [];
  const moduleFunctions = new Map<string, { fact: FunctionFact; base: Point }>();
  const latticeNames = new Set<string>();
  const wrappedLattices: { symbol: CovalentSymbol; wrapped: string }[] = [];
  const noReturn = (name: string, range: TextRange) => {
    diagnostics.push({
      code: DiagnosticCodes.latticeWithoutReturn,
      severity: 'warning',
      range,
      message: `Lattice \`${name}\` has no return statement: its result will be None.`,
    });
  };
  const checkMisspelling = (reference: WrapperReference, base: Point) => {
    const diagnostic = misspeltDecorator(reference, base, imports.moduleAliases);
    if (diagnostic) diagnostics.push(diagnostic);
  };

  for (const { facts, base } of statements) {
    for (const fact of facts.functions) {
      if (fact.moduleLevel) moduleFunctions.set(fact.name, { fact, base });
      fact.decorators.forEach((reference) => checkMisspelling(reference, base));
      const kind = kindOf(fact.decorators.map(roleOf));
      if (!kind) continue;
      const symbol: CovalentSymbol = {
        name: fact.name,
        kind,
        range: absoluteRange(fact.range, base),
        selectionRange: absoluteRange(fact.nameRange, base),
        moduleLevel: fact.moduleLevel,
        container: fact.container,
        parameters: fact.parameters,
        form: 'decorator',
        wrappers: fact.decorators.filter((reference) => roleOf(reference)).map((reference) => reference.text),
        ...executorsOf(kind, fact.decorators, roleOf),
      };
      symbols.push(symbol);
      if (kind !== 'electron') {
        latticeNames.add(fact.name);
        latticeBodies.push({ body: fact.body, base, lattice: symbol });
        if (!fact.body.hasValueReturn) noReturn(fact.name, absoluteRange(fact.nameRange, base));
      }
    }
    for (const fact of facts.assignments) {
      fact.wrappers.forEach((reference) => checkMisspelling(reference, base));
      let kind = kindOf(fact.wrappers.map(roleOf));
      if (!kind) continue;
      // `sub = ct.electron(workflow)` where `workflow` is a lattice.
      if (kind === 'electron' && fact.wrapped && latticeNames.has(fact.wrapped)) kind = 'sublattice';
      const symbol: CovalentSymbol = {
        name: fact.name,
        kind,
        range: absoluteRange(fact.range, base),
        selectionRange: absoluteRange(fact.nameRange, base),
        moduleLevel: true,
        form: 'assignment',
        wrappers: fact.wrappers.filter((reference) => roleOf(reference)).map((reference) => reference.text),
        wrapped: fact.wrapped,
        ...executorsOf(kind, fact.wrappers, roleOf),
      };
      symbols.push(symbol);
      if (kind !== 'electron') {
        latticeNames.add(fact.name);
        if (fact.wrapped && kind === 'lattice') wrappedLattices.push({ symbol, wrapped: fact.wrapped });
      }
    }
    for (const fact of facts.imports) {
      if (fact.kind !== 'member') continue;
      const diagnostic = misspeltImport(fact.member, absoluteRange(fact.memberRange, base));
      if (diagnostic) diagnostics.push(diagnostic);
    }
  }

  const symbolNames = new Set(symbols.filter((symbol) => symbol.moduleLevel).map((symbol) => symbol.name));
  for (const { symbol, wrapped } of wrappedLattices) {
    const target = moduleFunctions.get(wrapped);
    if (!target) continue;
    if (!target.fact.body.hasValueReturn) noReturn(symbol.name, symbol.selectionRange);
    latticeBodies.push({ body: target.fact.body, base: target.base, lattice: symbol });
  }

  // A module-level def with no decorator that is not rebound as an electron (`f = ct.electron(f)`).
  const plainFunctions = new Set([...moduleFunctions.values()].filter(({ fact }) => !fact.decorated && !symbolNames.has(fact.name)).map(({ fact }) => fact.name));
  const decoratorHint = imports.moduleAliases.size > 0 ? `@${[...imports.moduleAliases][0]}.electron` : '@electron';
  const hinted = new Set<string>();
  for (const { body, base } of latticeBodies) {
    for (const call of body.calls) {
      if (!plainFunctions.has(call.callee)) continue;
      const range = absoluteRange(call.range, base);
      const key = `${range.start.line}:${range.start.character}`;
      if (hinted.has(key)) continue;
      hinted.add(key);
      diagnostics.push({
        code: DiagnosticCodes.plainFunctionInLattice,
        severity: 'hint',
        range,
        message: `\`${call.callee}\` is a plain function: it runs while the lattice's graph is built, not as a task. Decorate it with \`${decoratorHint}\` to make it a task.`,
      });
    }
  }

  const electronNames = new Set(symbols.filter((symbol) => symbol.moduleLevel && symbol.kind !== 'lattice').map((symbol) => symbol.name));
  for (const { facts, base } of statements) {
    for (const call of facts.moduleCalls) {
      if (!electronNames.has(call.callee)) continue;
      diagnostics.push({
        code: DiagnosticCodes.electronCalledOutsideLattice,
        severity: 'information',
        range: absoluteRange(call.range, base),
        message: `\`${call.callee}\` is an electron called outside any lattice: it runs here, locally, when the file runs, not as a Covalent task.`,
      });
    }
  }

  // An electron that names no executor runs on the executor of the lattice that calls it.
  const callersByCallee = callersByName(latticeBodies);
  const resolved = symbols.map((symbol) => {
    const callers = symbol.kind === 'electron' && !symbol.executor ? callersByCallee.get(symbol.name) : undefined;
    return callers ? { ...symbol, callers: [...callers.values()] } : symbol;
  });
  resolved.sort((a, b) => comparePositions(a.range.start, b.range.start));
  diagnostics.sort((a, b) => comparePositions(a.range.start, b.range.start));
  return { importsCovalent: imports.moduleAliases.size > 0 || imports.members.size > 0 || imports.star, symbols: resolved, diagnostics };
}

/** The executors a symbol's own Covalent decorator names: an electron's `@electron(executor=…)`, a lattice's `@lattice(…)`. */
function executorsOf(kind: CovalentKind, references: readonly WrapperReference[], roleOf: (reference: WrapperReference) => Role | undefined): { executor?: string; workflowExecutor?: string } {
  const role: Role = kind === 'electron' ? 'electron' : 'lattice';
  const own = references.find((reference) => roleOf(reference) === role);
  if (!own) return {};
  return { ...(own.executor ? { executor: own.executor } : {}), ...(own.workflowExecutor ? { workflowExecutor: own.workflowExecutor } : {}) };
}

/**
 * For each called name, the lattices whose bodies call it, each once, in body
 * order: one pass over the calls (asking per electron was electrons × calls).
 */
function callersByName(bodies: readonly { body: BodyFacts; lattice: CovalentSymbol }[]): Map<string, Map<string, LatticeCaller>> {
  const byCallee = new Map<string, Map<string, LatticeCaller>>();
  for (const { body, lattice } of bodies) {
    for (const { callee } of body.calls) {
      let callers = byCallee.get(callee);
      if (!callers) byCallee.set(callee, (callers = new Map<string, LatticeCaller>()));
      if (!callers.has(lattice.name)) callers.set(lattice.name, { lattice: lattice.name, ...(lattice.executor ? { executor: lattice.executor } : {}) });
    }
  }
  return byCallee;
}

function collectImports(statements: readonly LocatedFacts[]) {
  const moduleAliases = new Set<string>();
  /** Local name → the covalent member it is bound to. */
  const members = new Map<string, string>();
  let star = false;
  for (const { facts } of statements) {
    for (const fact of facts.imports) {
      if (fact.kind === 'module') moduleAliases.add(fact.alias);
      else if (fact.kind === 'member') members.set(fact.alias, fact.member);
      else star = true;
    }
  }
  return { moduleAliases, members, star };
}

function isRole(name: string): name is Role {
  return (DECORATOR_NAMES as readonly string[]).includes(name);
}

/** Outermost Covalent decorator decides; an electron over a lattice is a sublattice. */
function kindOf(roles: readonly (Role | undefined)[]): CovalentKind | undefined {
  const covalent = roles.filter((role): role is Role => role !== undefined);
  if (covalent.length === 0) return undefined;
  if (covalent[0] === 'electron' && covalent.includes('lattice')) return 'sublattice';
  return covalent[0];
}

function misspeltDecorator(reference: WrapperReference, base: Point, moduleAliases: ReadonlySet<string>): CovalentDiagnostic | undefined {
  if (reference.shape !== 'attribute' || !moduleAliases.has(reference.object) || COVALENT_EXPORTS.has(reference.attribute)) return undefined;
  const suggestion = closestDecorator(reference.attribute);
  if (!suggestion) return undefined;
  return {
    code: DiagnosticCodes.misspeltDecorator,
    severity: 'error',
    range: absoluteRange(reference.attributeRange, base),
    message: `\`${reference.object}.${reference.attribute}\` is not a Covalent decorator: did you mean \`${reference.object}.${suggestion}\`?`,
    fix: { title: `Change to \`${reference.object}.${suggestion}\``, range: absoluteRange(reference.attributeRange, base), newText: suggestion },
  };
}

function misspeltImport(member: string, range: TextRange): CovalentDiagnostic | undefined {
  if (COVALENT_EXPORTS.has(member)) return undefined;
  const suggestion = closestDecorator(member);
  if (!suggestion) return undefined;
  return {
    code: DiagnosticCodes.misspeltDecorator,
    severity: 'error',
    range,
    message: `\`covalent\` has no \`${member}\`: did you mean \`${suggestion}\`?`,
    fix: { title: `Change to \`${suggestion}\``, range, newText: suggestion },
  };
}

/** `lattice` or `electron` when `name` is one or two typing slips away from it. */
function closestDecorator(name: string): Role | undefined {
  for (const candidate of DECORATOR_NAMES) {
    if (name !== candidate && editDistance(name.toLowerCase(), candidate) <= 2) return candidate;
  }
  return undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      // Every index read here was written in this row or the one before.
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function absoluteRange(range: RelativeRange, base: Point): TextRange {
  return {
    start: { line: base.row + range.startRow, character: range.startRow === 0 ? base.column + range.startColumn : range.startColumn },
    end: { line: base.row + range.endRow, character: range.endRow === 0 ? base.column + range.endColumn : range.endColumn },
  };
}

function comparePositions(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}
