import * as vscode from 'vscode';
import type { WorkflowSource } from '../bridge/protocol';
import { CELL_SCHEME, cellOf, codeCells, isNotebookFile, notebookOf } from './notebookCells';

/** A notebook, or one of its cells, named as the workflow to dispatch. */
export function isNotebookTarget(uri: vscode.Uri): boolean {
  return uri.scheme === CELL_SCHEME || isNotebookFile(uri);
}

/**
 * What the bridge runs for a notebook: its code cells as the notebook editor
 * shows them (unsaved edits count, as they would in a kernel), up to the named
 * cell when `uri` is a cell's. The notebook must be saved once: its folder is
 * where the code runs from.
 */
export async function notebookWorkflowSource(uri: vscode.Uri): Promise<WorkflowSource> {
  if (uri.scheme === CELL_SCHEME) {
    const cell = cellOf(uri);
    if (!cell) throw new Error('That notebook cell is not open any more: open its notebook, or pass the notebook’s file URI.');
    return { ...(await notebookWorkflowSource(cell.notebook.uri)), notebook: cellsOf(cell.notebook, cell.index) };
  }
  if (uri.scheme === 'untitled') throw new Error(`${uri.path} is not saved yet: save the notebook (its code runs from its folder), then dispatch again. Nothing was dispatched.`);
  if (uri.scheme !== 'file') throw new Error(`Only notebooks on disk can be dispatched (this one is ${uri.scheme}:).`);
  let notebook: vscode.NotebookDocument;
  try {
    notebook = await notebookOf(uri);
  } catch (error) {
    throw new Error(`${vscode.workspace.asRelativePath(uri)} cannot be read as a Jupyter notebook (${error instanceof Error ? error.message : String(error)}). Nothing was dispatched.`, { cause: error });
  }
  return { file: uri.fsPath, notebook: cellsOf(notebook) };
}

function cellsOf(notebook: vscode.NotebookDocument, stopCell?: number): NonNullable<WorkflowSource['notebook']> {
  return { cells: codeCells(notebook).map((cell) => ({ index: cell.index, source: cell.document.getText() })), stopCell };
}
