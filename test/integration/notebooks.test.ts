import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import { extensionApi, waitForDespiteErrors } from './support/dispatching';
import { testEnvironment } from './support/env';

/**
 * Workflows in Jupyter notebooks, in VS Code's own notebook editor (no Jupyter
 * extension): the example notebook is the seed how-to, its lattice in cell 3
 * (index 2), its own dispatch statements in the cells after it.
 */

const LATTICE_CELL = 2;
const DISPATCH_CELL = 4;
const DISPATCH_COMMANDS = ['covalent.dispatch', 'covalent.dispatchWithInputs', 'covalent.saveWithoutRunning', 'covalent.redispatch'];

async function readyApi(): Promise<CovalentExtensionApi> {
  const api = await extensionApi();
  await api.services.detection.ready;
  return api;
}

/** Opens a notebook in the notebook editor. */
async function showNotebook(notebook: vscode.NotebookDocument): Promise<vscode.NotebookEditor> {
  return vscode.window.showNotebookDocument(notebook, { preview: false });
}

/** The workbench makes a cell's text model only when it renders the cell: reveal it first. */
function revealCell(editor: vscode.NotebookEditor, index: number): vscode.NotebookCell {
  editor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.AtTop);
  return editor.notebook.cellAt(index);
}

/** A cell's lenses of our commands, once the cell is rendered and the server answered. */
async function cellLenses(editor: vscode.NotebookEditor, index: number, wanted: (lenses: vscode.CodeLens[]) => boolean = (lenses) => lenses.length > 0): Promise<{ title: string; command: string; argument: unknown }[]> {
  const cell = revealCell(editor, index);
  const lenses = await waitForDespiteErrors(`the lenses of cell ${index + 1}`, async () => {
    const found = ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', cell.document.uri)) ?? []).filter((lens) => lens.command && DISPATCH_COMMANDS.includes(lens.command.command));
    return wanted(found) ? found : undefined;
  });
  return lenses.map((lens) => ({ title: lens.command!.title, command: lens.command!.command, argument: lens.command!.arguments?.[0] as unknown }));
}

describe('Notebooks: lattices in Jupyter notebooks, in the notebook editor', function () {
  this.timeout(180000);
  const env = testEnvironment();
  const howto = vscode.Uri.file(path.join(env.workspaceFolder, 'redispatch_howto.ipynb'));
  let editor: vscode.NotebookEditor;

  before(async () => {
    await readyApi();
    editor = await showNotebook(await vscode.workspace.openNotebookDocument(howto));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('gives the lattice cell its dispatch lenses and every cell its symbols, at their places in the cell', async () => {
    const cell = editor.notebook.cellAt(LATTICE_CELL);
    const target = { uri: cell.document.uri.toString(), lattice: 'workflow' };
    assert.deepStrictEqual(await cellLenses(editor, LATTICE_CELL), [
      { title: 'Dispatch', command: 'covalent.dispatch', argument: target },
      { title: 'Dispatch with inputs…', command: 'covalent.dispatchWithInputs', argument: target },
      { title: 'Save without running', command: 'covalent.saveWithoutRunning', argument: target },
    ]);
    const lensLine = ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', cell.document.uri)) ?? [])[0]?.range.start.line;
    assert.strictEqual(cell.document.lineAt(lensLine ?? -1).text, '@ct.lattice', 'the lenses sit on the decorator, in the cell');

    const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', cell.document.uri)) ?? [];
    assert.deepStrictEqual(
      symbols.map((symbol) => [symbol.name, symbol.detail, cell.document.getText(symbol.selectionRange)]),
      [
        ['task_0', 'electron', 'task_0'],
        ['task_1', 'electron', 'task_1'],
        ['task_2', 'electron', 'task_2'],
        ['task_2_redefined', 'electron', 'task_2_redefined'],
        ['workflow', 'lattice', 'workflow'],
      ],
    );
    const importCell = editor.notebook.cellAt(1);
    revealCell(editor, 1);
    assert.deepStrictEqual(await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', importCell.document.uri), []);
  });

  it('explains on hover a lattice used in a later cell (the notebook is one program)', async () => {
    const cell = revealCell(editor, DISPATCH_CELL);
    const at = cell.document.positionAt(cell.document.getText().indexOf('(workflow)') + 1);
    const text = await waitForDespiteErrors('the hover', async () => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', cell.document.uri, at)) ?? [];
      const joined = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
      return joined.includes('Covalent lattice') ? joined : undefined;
    });
    assert.match(text, /Covalent lattice\*\* `workflow\(a, b\)`/);
  });

  it('reads past magics and shell escapes, and puts a diagnostic in the cell that has it', async () => {
    const data = new vscode.NotebookData([
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%pip install covalent\nimport covalent as ct', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '# Tasks', 'markdown'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '!ls | grep "(\n@ct.electron\ndef double(x):\n    return 2 * x', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%%time\n@ct.latice\ndef typo(x):\n    return double(x)', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '@ct.lattice\ndef doubled(x):\n    return double(x)', 'python'),
    ]);
    const scratch = await showNotebook(await vscode.workspace.openNotebookDocument('jupyter-notebook', data));
    const lenses = await cellLenses(scratch, 4);
    assert.deepStrictEqual(lenses[0]?.argument, { uri: scratch.notebook.cellAt(4).document.uri.toString(), lattice: 'doubled' });
    revealCell(scratch, 2);
    const electron = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', scratch.notebook.cellAt(2).document.uri)) ?? [];
    assert.deepStrictEqual(electron.map((symbol) => [symbol.name, symbol.selectionRange.start.line]), [['double', 2]], 'past the shell escape with its bracket');
    const typoCell = scratch.notebook.cellAt(3).document;
    const diagnostic = await waitForDespiteErrors('the misspelt decorator in cell 4', () => vscode.languages.getDiagnostics(typoCell.uri).find((candidate) => candidate.code === 'misspelt-decorator'));
    assert.strictEqual(typoCell.getText(diagnostic.range), 'latice');
    assert.deepStrictEqual(
      [0, 2, 4].flatMap((index) => vscode.languages.getDiagnostics(scratch.notebook.cellAt(index).document.uri).filter((candidate) => candidate.source === 'covalent')),
      [],
      'no other cell has it',
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('lists the notebook lattice in the Workflows view, and its row opens the notebook at the lattice cell', async () => {
    const api = await readyApi();
    const row = await waitForDespiteErrors('the notebook in the Workflows view', async () => {
      const files = await api.services.workflows.fileElements();
      const found = files.find((file) => file.uri.fsPath === howto.fsPath)?.lattices[0];
      return found ?? (api.services.workflows.refresh(), undefined);
    });
    assert.deepStrictEqual([row.lattice, row.symbol.cell], ['workflow', LATTICE_CELL]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const item = api.services.workflows.getTreeItem(row);
    assert.ok(item.command);
    await vscode.commands.executeCommand(item.command.command, ...((item.command.arguments ?? []) as unknown[]));
    const notebookEditor = await waitForDespiteErrors('the notebook editor', () => vscode.window.activeNotebookEditor);
    assert.strictEqual(notebookEditor.notebook.uri.fsPath, howto.fsPath);
    assert.strictEqual(notebookEditor.selection.start, LATTICE_CELL);
    const cellEditor = await waitForDespiteErrors('the lattice cell focused', () => (vscode.window.activeTextEditor?.document.uri.toString() === notebookEditor.notebook.cellAt(LATTICE_CELL).document.uri.toString() ? vscode.window.activeTextEditor : undefined));
    assert.strictEqual(cellEditor.document.getText(cellEditor.selection), 'workflow');
    editor = notebookEditor;
  });
});
