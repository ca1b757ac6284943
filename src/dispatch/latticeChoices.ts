import type * as vscode from 'vscode';
import { type ExecutorChoice, normalizeChoice } from '../executors/choice';
import { workflowFileOf } from '../notebook/notebookCells';
import { InputsMemory, type KeyValueStore, LatticeMemory } from './inputsMemory';

/**
 * What a person last chose for each lattice: its inputs, and where it runs (the
 * choice shown in its lens row). Kept per workflow file: a cell's are its notebook's.
 */
export class LatticeChoices {
  readonly inputs: InputsMemory;
  readonly executors: LatticeMemory<ExecutorChoice>;

  constructor(state: KeyValueStore) {
    this.inputs = new InputsMemory(state);
    this.executors = new LatticeMemory<ExecutorChoice>(state, 'covalent.executorsByLattice');
  }

  /** The inputs last used for a lattice. */
  rememberedInputs(uri: vscode.Uri, lattice: string): string | undefined {
    return this.inputs.get(fileKey(uri), lattice);
  }

  /** Remembers a lattice's inputs as its last used ones. */
  rememberInputs(uri: vscode.Uri, lattice: string, args: string): Promise<void> {
    return this.inputs.remember(fileKey(uri), lattice, args);
  }

  /** Where a lattice was last chosen to run; undefined: as written. */
  rememberedExecutors(uri: vscode.Uri, lattice: string): ExecutorChoice | undefined {
    return this.executors.get(fileKey(uri), lattice);
  }

  async rememberExecutors(uri: vscode.Uri, lattice: string, choice: ExecutorChoice | undefined): Promise<void> {
    await this.executors.remember(fileKey(uri), lattice, normalizeChoice(choice));
  }
}

/** The key a lattice's choices are kept under: its workflow file (a notebook, for a cell). */
export function fileKey(uri: vscode.Uri): string {
  return workflowFileOf(uri).toString();
}
