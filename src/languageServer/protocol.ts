/**
 * What the language server and the extension agree on beyond plain LSP. No
 * `vscode` import: the server, the client and the tests share it.
 */
import { Commands } from '../util/commandIds';

/** Commands the CodeLenses run; their one argument is a `LatticeTarget`. */
export const LatticeCommands = {
  dispatch: Commands.dispatch,
  dispatchWithInputs: Commands.dispatchWithInputs,
  saveWithoutRunning: Commands.saveWithoutRunning,
  redispatch: Commands.redispatch,
} as const;

/**
 * The argument of every lattice command: a file URI string and a lattice name as
 * written in it. In a notebook, `uri` is the document of the lattice's cell.
 */
export interface LatticeTarget {
  readonly uri: string;
  readonly lattice: string;
}

/** Sent by the server when the set of lattices in the workspace changed (no parameters). */
export const WORKFLOWS_CHANGED_NOTIFICATION = 'covalent/workflowsChanged';

/** `data` of each workspace symbol the server returns. */
export interface WorkflowSymbolData {
  readonly detail: 'lattice' | 'sublattice';
  /** The name's range, where "go to definition" should put the cursor. */
  readonly selectionRange: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** Only module-level lattices can be dispatched. */
  readonly moduleLevel: boolean;
  /** The lattice function's parameters as written (`x`, `by=0`); absent when not known (`name = ct.lattice(f)`). */
  readonly parameters?: readonly string[];
  /**
   * In a notebook read from disk: the index of the lattice's cell (the location's
   * URI is the notebook, its range is in that cell). A lattice of a notebook open
   * in the editor is located in its cell's document instead.
   */
  readonly cell?: number;
}

/** The notebooks the server reads as programs: Jupyter notebooks' Python cells. */
export const NOTEBOOK_SELECTOR = { notebookType: 'jupyter-notebook', cellLanguage: 'python' } as const;

/** Options the client passes in `initializationOptions`. */
export interface ServerOptions {
  /** Read every Python file of the workspace folders for workspace symbols (default true). */
  readonly indexWorkspace?: boolean;
}
