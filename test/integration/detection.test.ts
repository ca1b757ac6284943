import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import type { WorkflowFileElement } from '../../src/views/workflowsTree';
import { waitForTerminalStatus } from './support/covalentRest';
import { extensionApi as activatedExtension, waitForDespiteErrors } from './support/dispatching';
import { testEnvironment } from './support/env';

const DISPATCH_COMMANDS = ['covalent.dispatch', 'covalent.dispatchWithInputs', 'covalent.saveWithoutRunning', 'covalent.redispatch'];

/** The extension's API once its language client is ready. */
async function extensionApi(): Promise<CovalentExtensionApi> {
  const api = await activatedExtension();
  assert.ok(api.services.detection, 'activation starts lattice detection');
  await api.services.detection.ready;
  return api;
}

/** The lenses of our commands (other providers, such as the live status, add their own). */
async function latticeLenses(uri: vscode.Uri): Promise<{ title: string; command: string; argument: unknown }[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses
    .filter((lens) => lens.command && DISPATCH_COMMANDS.includes(lens.command.command))
    .map((lens) => ({ title: lens.command!.title, command: lens.command!.command, argument: lens.command!.arguments?.[0] as unknown }));
}

function treeSummary(files: readonly WorkflowFileElement[]): Record<string, string[]> {
  return Object.fromEntries(files.map((file) => [path.basename(file.uri.fsPath), file.lattices.map((lattice) => lattice.lattice)]));
}

describe('Lattice detection in the real VS Code (language server over IPC)', function () {
  this.timeout(120000);
  const env = testEnvironment();
  const howto = vscode.Uri.file(path.join(env.workspaceFolder, 'redispatch_howto.py'));
  const probeFolder = path.join(env.workspaceFolder, 'detection_probe');
  const probe = vscode.Uri.file(path.join(probeFolder, 'probe_workflow.py'));

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(probeFolder, { recursive: true, force: true });
  });

  it('gives the dispatch lenses of examples/redispatch_howto.py through vscode.executeCodeLensProvider', async () => {
    await extensionApi();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(howto));
    const lenses = await waitForDespiteErrors('the lattice lenses', async () => {
      const found = await latticeLenses(howto);
      return found.length > 0 ? found : undefined;
    });
    const target = { uri: howto.toString(), lattice: 'workflow' };
    assert.deepStrictEqual(lenses, [
      { title: 'Dispatch', command: 'covalent.dispatch', argument: target },
      { title: 'Dispatch with inputs…', command: 'covalent.dispatchWithInputs', argument: target },
      { title: 'Save without running', command: 'covalent.saveWithoutRunning', argument: target },
    ]);
  });

  it('gives lattices and electrons as document symbols through vscode.executeDocumentSymbolProvider', async () => {
    const document = await vscode.workspace.openTextDocument(howto);
    const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', howto)) ?? [];
    const covalent = symbols.filter((symbol) => ['lattice', 'electron', 'sublattice'].includes(symbol.detail));
    assert.deepStrictEqual(
      covalent.map((symbol) => [symbol.name, symbol.detail, document.getText(symbol.selectionRange)]),
      [
        ['task_0', 'electron', 'task_0'],
        ['task_1', 'electron', 'task_1'],
        ['task_2', 'electron', 'task_2'],
        ['task_2_redefined', 'electron', 'task_2_redefined'],
        ['workflow', 'lattice', 'workflow'],
      ],
    );
    assert.strictEqual(document.lineAt(covalent[4]!.range.start.line).text, '@ct.lattice');
  });

  it('says what a lattice is on hover, with what other parts contribute for that lattice', async () => {
    const api = await extensionApi();
    const document = await vscode.workspace.openTextDocument(howto);
    const at = document.positionAt(document.getText().indexOf('def workflow') + 'def '.length);
    const hoverText = async () => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', howto, at)) ?? [];
      return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    };
    assert.match(await hoverText(), /Covalent lattice\*\* `workflow\(a, b\)`/);
    // The extension point the live status uses: text per lattice, next to the server's.
    const contribution = api.services.detection.addContribution({
      hover: (target) => (target.uri === howto.toString() && target.lattice === 'workflow' ? 'Contributed for workflow' : undefined),
    });
    try {
      assert.match(await hoverText(), /Covalent lattice[\s\S]*Contributed for workflow/);
    } finally {
      contribution.dispose();
    }
    assert.doesNotMatch(await hoverText(), /Contributed/);
  });

  it('lists the workspace lattices in the Workflows view, grouped by file', async () => {
    const api = await extensionApi();
    const files = await waitForDespiteErrors('the Workflows view', async () => {
      const found = await api.services.workflows.fileElements();
      return found.length >= 3 ? found : (api.services.workflows.refresh(), undefined);
    });
    const tree = treeSummary(files);
    assert.deepStrictEqual(tree['redispatch_howto.py'], ['workflow']);
    assert.deepStrictEqual(tree['failing_workflow.py'], ['failing_workflow']);
    assert.deepStrictEqual(tree['long_running.py'], ['long_running']);
    const workflowRow = files.find((file) => file.uri.fsPath === howto.fsPath)!.lattices[0]!;
    const item = api.services.workflows.getTreeItem(workflowRow);
    assert.strictEqual(item.contextValue, 'workflow.dispatchable', 'module-level lattices get the inline Dispatch');
    assert.strictEqual(item.command?.command, 'vscode.open');
    assert.deepStrictEqual((item.command?.arguments?.[1] as vscode.TextDocumentShowOptions).selection?.start, new vscode.Position(30, 4));
    // The row is the Dispatch command's argument: it carries { uri, lattice }.
    assert.strictEqual(workflowRow.uri, howto.toString());
    assert.strictEqual(workflowRow.lattice, 'workflow');
  });

  it('flags a misspelt decorator, fixes it with the quick fix, and the new lattice gets lenses and a Workflows row', async () => {
    const api = await extensionApi();
    fs.mkdirSync(probeFolder, { recursive: true });
    fs.writeFileSync(
      probe.fsPath,
      ['import covalent as ct', '', '', '@ct.electron', 'def double(x):', '    return 2 * x', '', '', '@ct.latice', 'def probe(x):', '    return double(x)', ''].join('\n'),
    );
    const document = await vscode.workspace.openTextDocument(probe);
    await vscode.window.showTextDocument(document);
    const diagnostic = await waitForDespiteErrors(
      'the misspelt-decorator diagnostic',
      () => vscode.languages.getDiagnostics(probe).find((candidate) => candidate.source === 'covalent' && candidate.code === 'misspelt-decorator'),
    );
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(document.getText(diagnostic.range), 'latice');
    assert.deepStrictEqual(await latticeLenses(probe), [], 'a misspelt decorator makes no lattice');

    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', probe, diagnostic.range)) ?? [];
    const fix = actions.find((action) => action.title === 'Change to `ct.lattice`');
    assert.ok(fix?.edit, `the quick fix is offered (got ${actions.map((action) => action.title).join(', ')})`);
    assert.ok(fix.kind?.contains(vscode.CodeActionKind.QuickFix));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await document.save();
    assert.match(document.getText(), /@ct\.lattice\ndef probe/);

    const lenses = await waitForDespiteErrors('lenses of the fixed lattice', async () => {
      const found = await latticeLenses(probe);
      return found.length > 0 ? found : undefined;
    });
    assert.deepStrictEqual(lenses.map((lens) => lens.title), ['Dispatch', 'Dispatch with inputs…', 'Save without running']);
    await waitForDespiteErrors('the diagnostic to clear', () => (vscode.languages.getDiagnostics(probe).some((candidate) => candidate.source === 'covalent') ? undefined : true));
    await waitForDespiteErrors('the probe lattice in the Workflows view', async () => {
      const tree = treeSummary(await api.services.workflows.fileElements());
      return tree['probe_workflow.py']?.includes('probe') ? true : undefined;
    });
  });

  it('adds "Redispatch…" above a lattice once the editor has dispatched it', async () => {
    const api = await extensionApi();
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: probe.toString(), lattice: 'probe', args: '21' });
    assert.match(dispatchId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    assert.ok(api.services.store.forLattice(probe.toString(), 'probe').length > 0);
    const lenses = await waitForDespiteErrors('the Redispatch lens', async () => {
      const found = await latticeLenses(probe);
      return found.some((lens) => lens.command === 'covalent.redispatch') ? found : undefined;
    });
    assert.deepStrictEqual(lenses.at(-1), { title: 'Redispatch…', command: 'covalent.redispatch', argument: { uri: probe.toString(), lattice: 'probe' } });
  });

  it('follows Python files created and deleted on disk in the Workflows view', async () => {
    const api = await extensionApi();
    const onDisk = path.join(probeFolder, 'written_elsewhere.py');
    fs.writeFileSync(onDisk, ['from covalent import lattice, electron', '', '', '@lattice', 'def from_disk():', '    return 1', ''].join('\n'));
    await waitForDespiteErrors('a file written on disk to appear in the Workflows view', async () => {
      const tree = treeSummary(await api.services.workflows.fileElements());
      return tree['written_elsewhere.py']?.join() === 'from_disk' ? true : undefined;
    });
    fs.rmSync(onDisk);
    await waitForDespiteErrors('the deleted file to leave the Workflows view', async () => {
      const tree = treeSummary(await api.services.workflows.fileElements());
      return tree['written_elsewhere.py'] ? undefined : true;
    });
  });
});
