import type * as vscode from 'vscode';
import type { LatticeTarget } from '../languageServer/protocol';

/**
 * What the views need from lattice detection, without the language client:
 * views import these types, the client implements them.
 */

/**
 * Something another part of the product shows per lattice, next to what the
 * language server gives: extra CodeLenses above each module-level lattice, and
 * extra hover text on a Covalent symbol's name (`target.lattice` is then the
 * hovered lattice's or electron's name). `target.uri` is the lattice's file (for
 * a notebook cell, the notebook). Called whenever lenses or a hover are asked
 * for: keep it cheap (read the store, do not fetch).
 */
export interface LatticeContribution {
  lenses?(target: LatticeTarget, range: vscode.Range): vscode.Command[];
  hover?(target: LatticeTarget): vscode.MarkdownString | string | undefined;
  /** Fires when the lenses this contribution gives may have changed. */
  readonly onDidChange?: vscode.Event<void>;
}

/** A lattice somewhere in the workspace (the Workflows view's rows). */
export interface WorkspaceLattice {
  readonly name: string;
  /** Its Python file or notebook. */
  readonly uri: vscode.Uri;
  /** In a notebook: the index of its cell (its ranges are in that cell). */
  readonly cell?: number;
  readonly kind: 'lattice' | 'sublattice';
  readonly range: vscode.Range;
  readonly selectionRange: vscode.Range;
  readonly moduleLevel: boolean;
  /** Its parameters as written (`x`, `by=0`); absent when the language server cannot tell. */
  readonly parameters?: readonly string[];
  /** The enclosing function or class of a nested lattice. */
  readonly container?: string;
}

/** Every lattice of the workspace, and when that set may have changed. */
export interface WorkflowIndex {
  workspaceLattices(): Promise<WorkspaceLattice[]>;
  readonly onDidChangeWorkflows: vscode.Event<void>;
}
