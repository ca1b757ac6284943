import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import { changedElectrons } from '../../src/dispatch/electronChanges';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchCount, dispatchSuite, expectRejection, extensionApi, graphNodes, lastLine, reused, runPython, sleep, waitFor, waitForDespiteErrors } from './support/dispatching';
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
    assert.deepStrictEqual((await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', importCell.document.uri)) ?? [], []);
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

/** An `.ipynb` file with these code cells (a markdown cell first, as notebooks have). */
function writeNotebook(file: string, cells: readonly string[]): vscode.Uri {
  const lines = (text: string) => text.split('\n').map((line, index, all) => (index < all.length - 1 ? `${line}\n` : line));
  const notebook = {
    cells: [
      { cell_type: 'markdown', metadata: {}, source: lines('# A notebook of the tests') },
      ...cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(source) })),
    ],
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1));
  return vscode.Uri.file(file);
}

describe('Notebooks: status where the user is, in the cells', function () {
  this.timeout(180000);
  const { env, scratchFile } = dispatchSuite();
  const cells = [
    'import covalent as ct',
    '@ct.electron\ndef prepare(values):\n    return list(values)',
    '%time x = 1\n@ct.electron\ndef divide(values, by):\n    if by == 0:\n        raise ZeroDivisionError(f"cannot divide {len(values)} values by zero")\n    return [value / by for value in values]',
    '@ct.electron\ndef total(values):\n    return sum(values)\n\n\n@ct.lattice\ndef failing_workflow(values, by=0):\n    return total(divide(prepare(values), by))',
  ];

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows a failed dispatch of a notebook lattice in its cells: the error at the electron\'s cell, statuses after each def, the last status on the lattice, Go to source at the cell', async () => {
    const api = await readyApi();
    const notebookUri = writeNotebook(scratchFile('failing.ipynb'), cells);
    const editor = await showNotebook(await vscode.workspace.openNotebookDocument(notebookUri));
    // Dispatched as a kernel would (the cells' code in __main__), and recorded as the Dispatch command records it.
    const script = [...cells.map((cell) => cell.replace(/^%.*$/m, '')), 'import sys', 'print(ct.dispatch(failing_workflow, dispatcher_addr=sys.argv[1])([1, 2, 3]))'].join('\n');
    const dispatchId = lastLine(await runPython(env, script));
    api.services.store.track(dispatchId, { fileUri: notebookUri.toString(), latticeName: 'failing_workflow', serverAddress: env.serverAddress, inputs: '[1, 2, 3]', submittedAt: Date.now() });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'FAILED');

    const divideCell = editor.notebook.cellAt(3).document;
    const diagnostic = await waitFor('the task error in the divide cell', () => vscode.languages.getDiagnostics(divideCell.uri).find((candidate) => candidate.source === 'Covalent'));
    assert.strictEqual(divideCell.getText(diagnostic.range), 'divide');
    assert.match(diagnostic.message, /^divide failed in dispatch [0-9a-f-]{36}: ZeroDivisionError: cannot divide 3 values by zero/);
    for (const index of [1, 2, 4]) assert.deepStrictEqual(vscode.languages.getDiagnostics(editor.notebook.cellAt(index).document.uri).filter((candidate) => candidate.source === 'Covalent'), [], `none in cell ${index + 1}`);

    const latticeCell = revealCell(editor, 4).document;
    const status = await waitForDespiteErrors('the last status on the lattice', async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', latticeCell.uri)) ?? [];
      return lenses.find((lens) => lens.command?.title.includes('last dispatch failed'));
    });
    assert.deepStrictEqual(status.command?.arguments, [{ dispatchId }]);
    assert.strictEqual(latticeCell.lineAt(status.range.start.line).text, '@ct.lattice');

    const inline = (index: number) => api.services.liveViews.editor.inlineStatus.get(editor.notebook.cellAt(index).document.uri.toString()) ?? [];
    await waitFor('the electrons\' statuses in their cells', () => [2, 3, 4].every((index) => inline(index).length > 0));
    assert.match(inline(2)[0]?.text ?? '', /^✓ completed/);
    assert.deepStrictEqual([inline(3)[0]?.line, inline(3)[0]?.text.startsWith('✗ failed')], [2, true], 'after `def divide`, below the magic line');
    assert.match(inline(4)[0]?.text ?? '', /^○ not run$/);

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const graph = await waitFor('the graph', () => api.services.store.graph(dispatchId));
    const divide = graph.tasks.find((task) => task.name === 'divide');
    assert.ok(divide);
    await vscode.commands.executeCommand('covalent.goToSource', { dispatchId, nodeId: divide.nodeId });
    const shown = await waitFor('the notebook at the divide cell', () => vscode.window.activeNotebookEditor);
    assert.strictEqual(shown.notebook.uri.fsPath, notebookUri.fsPath);
    assert.strictEqual(shown.selection.start, 3);
    const cellEditor = await waitFor('the divide cell focused', () => (vscode.window.activeTextEditor?.document.uri.toString() === divideCell.uri.toString() ? vscode.window.activeTextEditor : undefined));
    assert.strictEqual(cellEditor.document.getText(cellEditor.selection), 'divide');
  });
});

describe('Notebooks: dispatch and redispatch from a notebook (the seed how-to through the public commands)', function () {
  this.timeout(240000);
  const { env, scratchFile } = dispatchSuite();
  const howto = vscode.Uri.file(path.join(env.workspaceFolder, 'redispatch_howto.ipynb'));
  let firstDispatch: string;

  /** Runs `command` and checks the server holds exactly `expected` more dispatches afterwards (the notebook's own dispatch cells never run). */
  async function counted<T>(expected: number, command: () => Thenable<T>): Promise<T> {
    const before = await dispatchCount(env.serverAddress);
    const outcome = await command();
    await sleep(300);
    assert.strictEqual(await dispatchCount(env.serverAddress), before + expected, `the server holds ${expected} new dispatch(es)`);
    return outcome;
  }

  async function completedResult(dispatchId: string): Promise<string> {
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    return dispatchResultString(env.serverAddress, dispatchId);
  }

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('dispatches workflow(1, 2) from the lattice cell → 1.5, and redispatches it by the notebook: task_2 replaced → 6, with reuse → 6 (nodes 0 and 2 reused), new inputs 1, 4 → 20', async () => {
    const api = await readyApi();
    const notebook = await vscode.workspace.openNotebookDocument(howto);
    const latticeCell = notebook.cellAt(LATTICE_CELL).document.uri.toString();
    const outcome = await counted(1, () => vscode.commands.executeCommand<{ dispatchId: string; status: string; result: string }>('covalent.dispatchSync', { uri: latticeCell, lattice: 'workflow', args: '1, 2' }));
    assert.deepStrictEqual([outcome.status, outcome.result], ['COMPLETED', '1.5']);
    firstDispatch = outcome.dispatchId;
    assert.deepStrictEqual(api.services.store.forLattice(howto.toString(), 'workflow').map((state) => state.dispatchId), [firstDispatch], 'kept under the notebook, whichever cell dispatched');

    const replaced = await counted(1, () => vscode.commands.executeCommand<string>('covalent.redispatch', { dispatchId: firstDispatch, uri: howto.toString(), replaceElectrons: ['task_2=task_2_redefined'], reusePreviousResults: false }));
    assert.strictEqual(await completedResult(replaced), '6');
    assert.ok(!reused(await graphNodes(env.serverAddress, replaced), 0), 'without reuse, task_0 runs again');

    const withReuse = await counted(1, () => vscode.commands.executeCommand<string>('covalent.redispatch', { dispatchId: firstDispatch, uri: howto.toString(), replaceElectrons: { task_2: 'task_2_redefined' }, reusePreviousResults: true }));
    assert.strictEqual(await completedResult(withReuse), '6');
    const reusedNodes = await graphNodes(env.serverAddress, withReuse);
    assert.ok(reused(reusedNodes, 0) && reused(reusedNodes, 2), 'task_0 and task_1 reused');

    const newInputs = await counted(1, () =>
      vscode.commands.executeCommand<string>('covalent.redispatch', { dispatchId: firstDispatch, uri: latticeCell, replaceElectrons: ['task_2=task_2_redefined'], reusePreviousResults: true, args: '1, 4' }),
    );
    assert.strictEqual(await completedResult(newInputs), '20');
    const newNodes = await graphNodes(env.serverAddress, newInputs);
    assert.ok(reused(newNodes, 0) && !reused(newNodes, 2), 'task_0 reused, task_1 recomputed (b changed)');
  });

  it('saves without running and dispatches from the notebook file, one dispatch each', async () => {
    const saved = await counted(1, () => vscode.commands.executeCommand<string>('covalent.saveWithoutRunning', { uri: howto.toString(), lattice: 'workflow', args: '2, 2' }));
    const dispatched = await counted(1, () => vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '2, 2' }));
    assert.strictEqual(await completedResult(dispatched), '2.0');
    assert.notStrictEqual(saved, dispatched);
  });

  it('ships the notebook\'s code as a kernel\'s __main__: a sublattice built on the server completes', async () => {
    const notebook = writeNotebook(scratchFile('sublattice.ipynb'), [
      'import covalent as ct',
      '@ct.electron\ndef double(x):\n    return 2 * x',
      '@ct.electron\n@ct.lattice\ndef inner(x):\n    return double(x)',
      '@ct.lattice\ndef outer(x):\n    return inner(x)',
      'dispatch_id = ct.dispatch(outer)(1)\nprint(ct.get_result(dispatch_id, wait=True).result)',
    ]);
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: notebook.toString(), lattice: 'outer', args: '21' });
    assert.strictEqual(await completedResult(dispatchId), '42');
  });

  it('pre-selects an edited electron cell for replacement (unsaved), and Redispatch… from the tree runs the edit', async () => {
    const api = await readyApi();
    const editor = await showNotebook(await vscode.workspace.openNotebookDocument(howto));
    const cell = editor.notebook.cellAt(LATTICE_CELL).document;
    const edit = new vscode.WorkspaceEdit();
    const at = cell.getText().indexOf('return a / b');
    edit.replace(cell.uri, new vscode.Range(cell.positionAt(at), cell.positionAt(at + 'return a / b'.length)), 'return a - b');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      assert.ok(editor.notebook.isDirty, 'the edit is not saved');
      const stored = await api.services.servers.client(env.serverAddress).details.taskSources(firstDispatch);
      const { electrons } = await api.services.bridgeCalls.request(howto, 'electrons', await api.services.workflowSources.resolve(howto));
      assert.deepStrictEqual(changedElectrons(electrons, stored), ['task_2']);
      // The Dispatches row's Redispatch… asks: accept each question as offered.
      const row = await waitFor('the first dispatch in the tree', () => api.services.liveViews.tree.rootNodes().find((node) => node.kind === 'dispatch' && node.dispatchId === firstDispatch));
      const redispatched = counted(1, () => vscode.commands.executeCommand<string>('covalent.redispatch', row));
      let settled = false;
      void redispatched.finally(() => (settled = true));
      const deadline = Date.now() + 60000;
      while (!settled && Date.now() < deadline) {
        await sleep(400);
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      }
      // (1 + 2) - 2 with the edited task_2 and the previous inputs; without the pre-selection it would be 1.5.
      assert.strictEqual(await completedResult(await redispatched), '1');
    } finally {
      const undo = new vscode.WorkspaceEdit();
      undo.replace(cell.uri, new vscode.Range(cell.positionAt(at), cell.positionAt(at + 'return a - b'.length)), 'return a / b');
      await vscode.workspace.applyEdit(undo);
      await editor.notebook.save();
    }
  });

  it('bad notebooks get a clear message and nothing is dispatched', async () => {
    const broken = scratchFile('broken.ipynb');
    fs.writeFileSync(broken, '{"cells": [');
    const syntax = writeNotebook(scratchFile('syntax.ipynb'), ['import covalent as ct', 'def broken(:\n    pass', '@ct.lattice\ndef flow():\n    return 1']);
    const raising = writeNotebook(scratchFile('raising.ipynb'), ['import covalent as ct', 'values = [1, 2]\nratio = values[0] / 0', '@ct.lattice\ndef flow():\n    return 1']);
    const late = await vscode.workspace.openNotebookDocument(writeNotebook(scratchFile('late.ipynb'), ['import covalent as ct', 'print("before")', '@ct.lattice\ndef flow():\n    return 1']));
    const untitled = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'import covalent as ct\n@ct.lattice\ndef flow():\n    return 1', 'python')]));
    const dispatch = (uri: vscode.Uri) => vscode.commands.executeCommand('covalent.dispatch', { uri: uri.toString(), lattice: 'flow' });
    await counted(0, async () => {
      await expectRejection(dispatch(vscode.Uri.file(broken)), /broken\.ipynb cannot be read as a Jupyter notebook/);
      await expectRejection(dispatch(syntax), /syntax\.ipynb: cell 3, line 1 is not Python: invalid syntax \(def broken\(:\)/);
      const raised = await expectRejection(dispatch(raising), /cell 3 raised ZeroDivisionError: division by zero/);
      // The bundled extension's error class is not the tests' own: read its data by shape.
      assert.match((raised as { data?: { traceback?: string } }).data?.traceback ?? '', /raising\.ipynb, cell 3", line 2, in <module>/, 'the traceback names the cell');
      await expectRejection(dispatch(late.cellAt(2).document.uri), /flow is defined in cell 4, after cell 3 it is dispatched from/);
      await expectRejection(dispatch(untitled.cellAt(0).document.uri), /is not saved yet: save the notebook/);
    });
  });
});
