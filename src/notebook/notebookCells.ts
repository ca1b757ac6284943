import * as vscode from 'vscode';

/**
 * Notebooks as the rest of the extension sees them: a `.ipynb` file is a
 * workflow file like a `.py` file, and a cell's document (`vscode-notebook-cell:`)
 * belongs to its notebook's file. Dispatches, inputs and status are kept per
 * file, so a lattice keeps them when its cell moves.
 */

/** The scheme of a notebook cell's text document. */
export const CELL_SCHEME = 'vscode-notebook-cell';

export function isNotebookFile(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith('.ipynb');
}

/** The open notebook a cell document belongs to, and the cell. */
export function cellOf(uri: vscode.Uri): vscode.NotebookCell | undefined {
  if (uri.scheme !== CELL_SCHEME) return undefined;
  const key = uri.toString();
  for (const notebook of vscode.workspace.notebookDocuments) {
    // A cell's URI is its notebook's path with a fragment: skip other notebooks cheaply.
    if (notebook.uri.path !== uri.path) continue;
    const cell = notebook.getCells().find((candidate) => candidate.document.uri.toString() === key);
    if (cell) return cell;
  }
  return undefined;
}

/** The file a document's workflow lives in: a cell's notebook, else the document itself. */
export function workflowFileOf(uri: vscode.Uri): vscode.Uri {
  return cellOf(uri)?.notebook.uri ?? uri;
}

/** `workflowFileOf` for URI strings (the keys of the dispatch store and the inputs memory). */
export function workflowFileKey(uri: string): string {
  if (!uri.startsWith(`${CELL_SCHEME}:`)) return uri;
  return workflowFileOf(vscode.Uri.parse(uri)).toString();
}

/** The notebook of `uri` (a `.ipynb` file), opened without showing it if it is not open. */
export async function notebookOf(uri: vscode.Uri): Promise<vscode.NotebookDocument> {
  const open = vscode.workspace.notebookDocuments.find((notebook) => notebook.uri.toString() === uri.toString());
  return open ?? vscode.workspace.openNotebookDocument(uri);
}

/** A notebook's Python code cells, in order. */
export function codeCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId === 'python');
}

/** How long a shown notebook may take to give its cell an editor before the cell is opened on its own. */
const CELL_EDITOR_WAIT_MS = 3000;

/**
 * Shows a range of a cell: the notebook editor opens at the cell and the
 * cell's editor gets the selection.
 */
export async function showCell(cell: vscode.NotebookCell, selection: vscode.Range, options: { viewColumn?: vscode.ViewColumn; preserveFocus?: boolean } = {}): Promise<void> {
  const editor = await vscode.window.showNotebookDocument(cell.notebook, {
    viewColumn: options.viewColumn,
    preserveFocus: options.preserveFocus,
    selections: [new vscode.NotebookRange(cell.index, cell.index + 1)],
  });
  editor.revealRange(new vscode.NotebookRange(cell.index, cell.index + 1), vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
  // The revealed cell's editor is among the visible ones: select there. showTextDocument on a cell
  // document can wait for ever in older engines while the notebook editor is still being built,
  // and a panel that awaits it would then answer nothing more.
  const cellEditor = await visibleEditorOf(cell.document, CELL_EDITOR_WAIT_MS);
  if (cellEditor) {
    cellEditor.selection = new vscode.Selection(selection.start, selection.end);
    cellEditor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return;
  }
  await vscode.window.showTextDocument(cell.document, { viewColumn: editor.viewColumn, selection, preserveFocus: options.preserveFocus });
}

/** The visible editor of `document`, waiting up to `waitMs` for one to appear. */
function visibleEditorOf(document: vscode.TextDocument, waitMs: number): Promise<vscode.TextEditor | undefined> {
  const find = () => vscode.window.visibleTextEditors.find((candidate) => candidate.document === document);
  const visible = find();
  if (visible) return Promise.resolve(visible);
  return new Promise((resolve) => {
    const done = (found: vscode.TextEditor | undefined) => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(found);
    };
    const subscription = vscode.window.onDidChangeVisibleTextEditors(() => {
      const found = find();
      if (found) done(found);
    });
    const timer = setTimeout(() => done(undefined), waitMs);
  });
}
