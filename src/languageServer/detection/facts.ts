import type { Language, Node, Parser, Point } from 'web-tree-sitter';
import TreeSitter = require('web-tree-sitter'); // CommonJS build, see pythonParser.ts
import { oneLine, ownCopy, ownText, ownTextOf, parametersOf } from './nodeText';
import { firstStatementStartInside } from './statementStarts';

/**
 * Facts about one top-level statement, read from its syntax tree once and kept
 * while the statement's text does not change. Positions are relative to the
 * statement's start (see `RelativeRange`), so a statement that only moved
 * (lines inserted above it) keeps its facts: edits rewalk only what changed.
 * Whether a decorator is Covalent's is decided later, from the imports of the
 * whole file (analyze.ts).
 */

/**
 * Rows relative to the statement's first row; columns on that first row relative
 * to the statement's first column. One flat object: documents hold thousands.
 */
export interface RelativeRange {
  readonly startRow: number;
  readonly startColumn: number;
  readonly endRow: number;
  readonly endColumn: number;
}

/** A decorator or wrapper call as written: `ct.lattice`, `lattice`, `ct.electron(executor=...)`. */
export type WrapperReference = (
  | { readonly shape: 'attribute'; readonly object: string; readonly attribute: string; readonly attributeRange: RelativeRange; readonly text: string }
  | { readonly shape: 'name'; readonly name: string; readonly text: string }
) &
  WrittenExecutors;

/** The executors a decorator call names (its `executor=` or deprecated `backend=`, and `workflow_executor=`), as written. */
export interface WrittenExecutors {
  readonly executor?: string;
  readonly workflowExecutor?: string;
}

export interface CallSite {
  readonly callee: string;
  /** Range of the callee's name. */
  readonly range: RelativeRange;
}

export interface BodyFacts {
  hasValueReturn: boolean;
  /** Calls of plain names (`task(x)`, not `obj.method(x)`) in the body itself, not in nested functions. */
  readonly calls: CallSite[];
}

export interface FunctionFact {
  readonly name: string;
  readonly nameRange: RelativeRange;
  /** Decorators included. */
  readonly range: RelativeRange;
  readonly moduleLevel: boolean;
  readonly container?: string;
  /** Decorators that name something (`@x`, `@x.y`, `@x(...)`), outermost first. */
  readonly decorators: readonly WrapperReference[];
  /** Has any decorator at all (also ones that are not plain references). */
  readonly decorated: boolean;
  /** Its parameters as written, one line each (`x`, `by: int = 0`, `*args`). */
  readonly parameters: readonly string[];
  readonly body: BodyFacts;
}

/** `name = wrapper(...)(function)` at module level: the assignment form of a decorator. */
export interface AssignmentFact {
  readonly name: string;
  readonly nameRange: RelativeRange;
  readonly range: RelativeRange;
  /** Outermost first: `ct.electron(ct.lattice(f))` gives electron, lattice. */
  readonly wrappers: readonly WrapperReference[];
  /** The wrapped function's name, when it is a plain name. */
  readonly wrapped?: string;
}

export type ImportFact =
  | { readonly kind: 'module'; readonly alias: string }
  | { readonly kind: 'member'; readonly member: string; readonly alias: string; readonly memberRange: RelativeRange }
  | { readonly kind: 'star' };

export interface StatementFacts {
  readonly imports: ImportFact[];
  readonly functions: FunctionFact[];
  readonly assignments: AssignmentFact[];
  /** Calls that run at import time: module level, outside any function, class or lambda. */
  readonly moduleCalls: CallSite[];
}

const COVALENT_MODULE = 'covalent';

interface Scope {
  readonly moduleLevel: boolean;
  readonly container?: string;
  /** Where returns and calls of a function body go. */
  readonly body?: BodyFacts;
  /** Calls here run when the module is imported. */
  readonly importTime: boolean;
}

const MODULE_SCOPE: Scope = { moduleLevel: true, importTime: true };

/** What detection reads from the tree; everything else is skipped inside tree-sitter. */
const DETECTION_QUERY = `
(decorated_definition) @decorated
(function_definition name: (identifier) @function.name) @function
(class_definition) @class
(lambda) @lambda
(return_statement (_)) @return
(call function: (identifier) @callee)
(import_statement) @import
(import_from_statement) @import
(assignment left: (identifier) right: (call)) @assignment
`;

/** Imports at any depth: an import inside a function counts for the whole file, as in the full scan. */
const IMPORT_QUERY = `
(import_statement) @import
(import_from_statement) @import
`;

const compiledQueries = new Map<string, WeakMap<Language, TreeSitter.Query>>();

/** A query compiled once per language. */
function compiled(parser: Parser, source: string): TreeSitter.Query {
  const language = parser.language;
  if (!language) throw new Error('The parser has no language');
  let byLanguage = compiledQueries.get(source);
  if (!byLanguage) compiledQueries.set(source, (byLanguage = new WeakMap()));
  let query = byLanguage.get(language);
  if (!query) byLanguage.set(language, (query = new TreeSitter.Query(language, source)));
  return query;
}

export class StatementScanner {
  readonly facts: StatementFacts = { imports: [], functions: [], assignments: [], moduleCalls: [] };

  /**
   * @param base where the top-level statement starts; every range is relative to it
   * @param source the whole document, for re-parsing a damaged region (see `scanStatement`)
   */
  constructor(
    private readonly base: Point,
    private readonly parser: Parser,
    private readonly source: string,
  ) {}

  /**
   * A statement with a syntax error may have swallowed the statements after it
   * (an unclosed bracket runs to the end of the file). A line that starts in
   * column 0 begins a new statement in any valid Python, so the damaged node is
   * cut there and each part is parsed again on its own: the error stays in its
   * part and the lattices above and below it are found.
   */
  scanStatement(node: Node): void {
    const cut = node.hasError ? firstStatementStartInside(this.source, node) : undefined;
    if (cut === undefined) {
      this.scan(node);
      return;
    }
    this.scanRegion(node.startIndex, node.startPosition, cut.index, cut.position);
    this.scanRegion(cut.index, cut.position, node.endIndex, node.endPosition);
  }

  /**
   * Only what CodeLens needs, without walking function bodies: imports (wherever
   * they are), module-level definitions with their decorators, and module-level
   * assignments. The facts' bodies stay empty, so they serve the lenses and
   * nothing else. A statement with a syntax error, or one whose blocks may hold
   * module-level definitions (`if`, `try`, `with`, …), is scanned whole.
   */
  scanHeads(statement: Node): void {
    if (statement.hasError) {
      this.scanStatement(statement);
      return;
    }
    switch (statement.type) {
      case 'import_statement':
      case 'import_from_statement':
        this.importStatement(statement);
        return;
      case 'decorated_definition':
      case 'function_definition':
      case 'class_definition':
        this.definitionHead(statement);
        this.importsWithin(statement);
        return;
      case 'expression_statement':
        for (const expression of statement.namedChildren) {
          if (expression.type !== 'assignment') continue;
          // `a = b = ct.lattice(f)`: the full scan's pattern finds the inner assignment.
          if (expression.childForFieldName('right')?.type.endsWith('assignment')) {
            this.scanStatement(statement);
            return;
          }
          this.assignment(expression);
        }
        return;
      default:
        this.scanStatement(statement);
    }
  }

  /** A module-level function's name, decorators and parameters; a class's methods are not module level. */
  private definitionHead(statement: Node): void {
    const decorated = statement.type === 'decorated_definition';
    const definition = decorated ? statement.childForFieldName('definition') : statement;
    if (definition?.type !== 'function_definition') return;
    const name = definition.childForFieldName('name');
    if (name?.type !== 'identifier') return;
    this.functionDefinition(name, statement, decorated ? this.decoratorsOf(statement) : [], decorated, MODULE_SCOPE);
  }

  private importsWithin(statement: Node): void {
    if (!this.source.slice(statement.startIndex, statement.endIndex).includes('import')) return;
    for (const { node } of compiled(this.parser, IMPORT_QUERY).captures(statement)) this.importStatement(node);
  }

  private scanRegion(startIndex: number, startPosition: Point, endIndex: number, endPosition: Point): void {
    const tree = this.parser.parse(this.source, null, { includedRanges: [{ startIndex, endIndex, startPosition, endPosition }] });
    if (!tree) return;
    try {
      for (const statement of tree.rootNode.namedChildren) {
        if (statement.startIndex >= startIndex && statement.endIndex <= endIndex) this.scanStatement(statement);
      }
    } finally {
      tree.delete();
    }
  }

  /**
   * One tree-sitter query finds, in C, the few node kinds detection needs; the
   * captures arrive in document order and a stack of open function, class and
   * lambda bodies tells which scope each one is in.
   */
  private scan(statement: Node): void {
    const open: { start: number; end: number; scope: Scope }[] = [];
    const decoratorsByDefinition = new Map<number, { decorators: WrapperReference[]; whole: Node }>();
    const scopeAt = (index: number): Scope => {
      while ((open.at(-1)?.end ?? Infinity) <= index) open.pop();
      for (let level = open.length - 1; level >= 0; level--) {
        const candidate = open[level]!;
        if (candidate.start <= index) return candidate.scope;
      }
      return MODULE_SCOPE;
    };
    // A function's name arrives as its own capture, right after the function.
    let pendingFunction: Node | undefined;
    const enter = (body: Node | null, scope: Scope) => {
      if (body) open.push({ start: body.startIndex, end: body.endIndex, scope });
    };
    for (const { name, node } of compiled(this.parser, DETECTION_QUERY).captures(statement)) {
      const scope = scopeAt(node.startIndex);
      switch (name) {
        case 'decorated': {
          const definition = node.childForFieldName('definition');
          if (definition) decoratorsByDefinition.set(definition.startIndex, { decorators: this.decoratorsOf(node), whole: node });
          break;
        }
        case 'function':
          pendingFunction = node;
          break;
        case 'function.name': {
          // Scope and body are settled here, before any capture inside the body.
          if (!pendingFunction) break;
          const decorated = decoratorsByDefinition.get(pendingFunction.startIndex);
          const fact = this.functionDefinition(node, decorated?.whole ?? pendingFunction, decorated?.decorators ?? [], decorated !== undefined, scope);
          enter(pendingFunction.childForFieldName('body'), { moduleLevel: false, container: fact.name, body: fact.body, importTime: false });
          pendingFunction = undefined;
          break;
        }
        case 'class':
          enter(node.childForFieldName('body'), { moduleLevel: false, container: ownTextOf(node.childForFieldName('name')), importTime: false });
          break;
        case 'lambda':
          // Its body runs when the lambda is called, not here.
          enter(node.childForFieldName('body'), { moduleLevel: scope.moduleLevel, container: scope.container, importTime: false });
          break;
        case 'return':
          if (scope.body) scope.body.hasValueReturn = true;
          break;
        case 'callee': {
          const site: CallSite = { callee: ownText(node), range: this.identifierRange(node) };
          if (scope.body) scope.body.calls.push(site);
          else if (scope.importTime) this.facts.moduleCalls.push(site);
          break;
        }
        case 'import':
          this.importStatement(node);
          break;
        case 'assignment':
          if (scope.moduleLevel && scope.importTime) this.assignment(node);
          break;
      }
    }
  }

  /** A decorated definition's decorators that name something, outermost first. */
  private decoratorsOf(decorated: Node): WrapperReference[] {
    return decorated.namedChildren.flatMap((child) => {
      const reference = child.type === 'decorator' && child.firstNamedChild ? this.wrapperReference(child.firstNamedChild) : undefined;
      return reference ? [reference] : [];
    });
  }

  private functionDefinition(nameNode: Node, whole: Node, decorators: WrapperReference[], decorated: boolean, scope: Scope): FunctionFact {
    const fact: FunctionFact = {
      name: ownText(nameNode),
      nameRange: this.identifierRange(nameNode),
      range: this.relativeRange(whole),
      moduleLevel: scope.moduleLevel,
      container: scope.container,
      decorators,
      decorated,
      parameters: parametersOf(nameNode.parent?.childForFieldName('parameters') ?? null),
      body: { hasValueReturn: false, calls: [] },
    };
    this.facts.functions.push(fact);
    return fact;
  }

  private importStatement(node: Node): void {
    if (node.type === 'import_statement') {
      // `import covalent`, `import covalent as ct`, `import covalent.executor` (binds `covalent`).
      for (const name of node.childrenForFieldName('name')) {
        const dotted = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
        if (!dotted) continue;
        const first = dotted.firstNamedChild?.text;
        if (first !== COVALENT_MODULE) continue;
        if (name.type === 'aliased_import') {
          // `import covalent.x as y` binds y to the submodule, not to covalent.
          const alias = ownTextOf(name.childForFieldName('alias'));
          if (alias && dotted.namedChildCount === 1) this.facts.imports.push({ kind: 'module', alias });
        } else {
          this.facts.imports.push({ kind: 'module', alias: COVALENT_MODULE });
        }
      }
      return;
    }
    const moduleName = node.childForFieldName('module_name');
    if (moduleName?.type !== 'dotted_name' || moduleName.text !== COVALENT_MODULE) return;
    for (const child of node.namedChildren) {
      if (child.type === 'wildcard_import') this.facts.imports.push({ kind: 'star' });
    }
    for (const name of node.childrenForFieldName('name')) {
      const member = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
      if (!member) continue;
      const alias = ownText(name.type === 'aliased_import' ? (name.childForFieldName('alias') ?? member) : member);
      this.facts.imports.push({ kind: 'member', member: ownText(member), alias, memberRange: this.relativeRange(member) });
    }
  }

  /** `name = ct.lattice(f)`, `name = ct.lattice(executor=...)(f)`, `name = ct.electron(ct.lattice(f))`. */
  private assignment(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left?.type !== 'identifier' || right?.type !== 'call') return;
    const chain = this.wrapperChain(right);
    if (!chain) return;
    const statement = node.parent?.type === 'expression_statement' ? node.parent : node;
    this.facts.assignments.push({
      name: ownText(left),
      nameRange: this.relativeRange(left),
      range: this.relativeRange(statement),
      wrappers: chain.wrappers,
      wrapped: chain.wrapped,
    });
  }

  private wrapperChain(call: Node): { wrappers: WrapperReference[]; wrapped?: string } | undefined {
    const callee = call.childForFieldName('function');
    const argumentList = call.childForFieldName('arguments');
    if (!callee || argumentList?.type !== 'argument_list') return undefined;
    // `ct.lattice(executor=...)(f)`: the callee is itself a call of the decorator.
    const reference = this.wrapperReference(callee);
    if (!reference) return undefined;
    const wrappedNode = argumentList.namedChildren.find((child) => !NON_POSITIONAL_ARGUMENTS.has(child.type));
    if (!wrappedNode) return undefined;
    if (wrappedNode.type === 'identifier') return { wrappers: [reference], wrapped: ownText(wrappedNode) };
    if (wrappedNode.type === 'lambda') return { wrappers: [reference] };
    if (wrappedNode.type === 'call') {
      const inner = this.wrapperChain(wrappedNode);
      if (inner) return { wrappers: [reference, ...inner.wrappers], wrapped: inner.wrapped };
    }
    return undefined;
  }

  /** `x`, `x.y`, or either called with arguments; anything else names no decorator. */
  private wrapperReference(expression: Node): WrapperReference | undefined {
    const text = ownCopy(oneLine(expression.text));
    const target = expression.type === 'call' ? expression.childForFieldName('function') : expression;
    if (!target) return undefined;
    const executors = expression.type === 'call' ? writtenExecutors(expression) : {};
    if (target.type === 'identifier') return { shape: 'name', name: ownText(target), text, ...executors };
    if (target.type === 'attribute') {
      const object = target.childForFieldName('object');
      const attribute = target.childForFieldName('attribute');
      if (object?.type === 'identifier' && attribute) {
        return { shape: 'attribute', object: ownText(object), attribute: ownText(attribute), attributeRange: this.relativeRange(attribute), text, ...executors };
      }
    }
    return undefined;
  }

  /** An identifier is on one line: its end needs no call into the parser. */
  private identifierRange(node: Node): RelativeRange {
    const start = node.startPosition;
    const row = start.row - this.base.row;
    const column = row === 0 ? start.column - this.base.column : start.column;
    return { startRow: row, startColumn: column, endRow: row, endColumn: column + (node.endIndex - node.startIndex) };
  }

  private relativeRange(node: Node): RelativeRange {
    const start = node.startPosition;
    const end = node.endPosition;
    const startRow = start.row - this.base.row;
    const endRow = end.row - this.base.row;
    return {
      startRow,
      startColumn: startRow === 0 ? start.column - this.base.column : start.column,
      endRow,
      endColumn: endRow === 0 ? end.column - this.base.column : end.column,
    };
  }
}

const NON_POSITIONAL_ARGUMENTS = new Set(['keyword_argument', 'list_splat', 'dictionary_splat', 'comment']);

/** Keyword arguments of a decorator call that name an executor. */
const EXECUTOR_KEYWORDS: ReadonlyMap<string, keyof WrittenExecutors> = new Map([
  ['executor', 'executor'],
  ['backend', 'executor'],
  ['workflow_executor', 'workflowExecutor'],
]);

function writtenExecutors(call: Node): WrittenExecutors {
  const found: { executor?: string; workflowExecutor?: string } = {};
  for (const argument of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (argument.type !== 'keyword_argument') continue;
    const key = EXECUTOR_KEYWORDS.get(argument.childForFieldName('name')?.text ?? '');
    const value = argument.childForFieldName('value');
    if (key && value && value.type !== 'none') found[key] ??= ownCopy(oneLine(value.text));
  }
  return found;
}
