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
 * hovered lattice's or electron's name). Called whenever lenses or a hover are
 * asked for: keep it cheap (read the store, do not fetch).
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
  readonly uri: vscode.Uri;
  readonly kind: 'lattice' | 'sublattice';
  readonly range: vscode.Range;
  readonly selectionRange: vscode.Range;
  readonly moduleLevel: boolean;
  /** The enclosing function or class of a nested lattice. */
  readonly container?: string;
}

/** Every lattice of the workspace, and when that set may have changed. */
export interface WorkflowIndex {
  workspaceLattices(): Promise<WorkspaceLattice[]>;
  readonly onDidChangeWorkflows: vscode.Event<void>;
}
