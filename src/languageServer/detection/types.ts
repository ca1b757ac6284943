/**
 * What detection finds in one Python file. Plain data with LSP-shaped positions
 * (zero-based lines, UTF-16 columns), so the server can send it as is and unit
 * tests can compare it without a language server.
 */

export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

export interface TextRange {
  readonly start: TextPosition;
  readonly end: TextPosition;
}

export type CovalentKind = 'lattice' | 'electron' | 'sublattice';

export interface CovalentSymbol {
  readonly name: string;
  readonly kind: CovalentKind;
  /** The whole definition: decorators and body, or the assignment statement. */
  readonly range: TextRange;
  /** Exactly the name. */
  readonly selectionRange: TextRange;
  /** Defined at module level (not in a function or class): only these can be dispatched. */
  readonly moduleLevel: boolean;
  /** The enclosing function or class of a nested definition. */
  readonly container?: string;
  /** `@decorator` or `name = wrapper(function)`. */
  readonly form: 'decorator' | 'assignment';
  /** The Covalent decorators or wrappers as written, outermost first (for hover). */
  readonly wrappers: readonly string[];
  /** The assignment form's wrapped function, when it is a plain name. */
  readonly wrapped?: string;
  /** The executor its Covalent decorator names (`executor=`, or the older `backend=`), as written. */
  readonly executor?: string;
  /** A function's parameters as written (the assignment form's are unknown here: empty). */
  readonly parameters?: readonly string[];
  /** A lattice's `workflow_executor=`, as written. */
  readonly workflowExecutor?: string;
  /** An electron that names no executor runs on its lattice's: the lattices of this file that call it, and what each names. */
  readonly callers?: readonly LatticeCaller[];
}

export interface LatticeCaller {
  readonly lattice: string;
  readonly executor?: string;
}

export type DiagnosticSeverityName = 'error' | 'warning' | 'information' | 'hint';

/** Codes clients and tests can rely on. */
export const DiagnosticCodes = {
  misspeltDecorator: 'misspelt-decorator',
  latticeWithoutReturn: 'lattice-without-return',
  electronCalledOutsideLattice: 'electron-outside-lattice',
  plainFunctionInLattice: 'plain-function-in-lattice',
} as const;

export type DiagnosticCode = (typeof DiagnosticCodes)[keyof typeof DiagnosticCodes];

export interface TextReplacement {
  readonly title: string;
  readonly range: TextRange;
  readonly newText: string;
}

export interface CovalentDiagnostic {
  readonly code: DiagnosticCode;
  readonly severity: DiagnosticSeverityName;
  readonly range: TextRange;
  readonly message: string;
  /** The quick fix, when there is one obvious edit. */
  readonly fix?: TextReplacement;
}

/** What one analysis of a Python document found: the server's answers are read from it. */
export interface DocumentAnalysis {
  /** Covalent is imported somewhere in the file (any form). */
  readonly importsCovalent: boolean;
  /** In document order. */
  readonly symbols: readonly CovalentSymbol[];
  readonly diagnostics: readonly CovalentDiagnostic[];
}
