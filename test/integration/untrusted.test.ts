import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { dispatchCount, dispatchWithPython, EXTENSION_ID, expectRejection, extensionApi, waitFor } from './support/dispatching';
import { waitForTerminalStatus } from './support/covalentRest';
import { testEnvironment } from './support/env';

/**
 * Runs in the harness's second pass only (COVALENT_TEST_PROFILE=untrusted): the
 * same code-server with workspace trust enabled, so the examples folder opens in
 * Restricted Mode.
 */
describe('Untrusted workspace (Restricted Mode)', function () {
  this.timeout(120000);
  const env = testEnvironment();
  const howto = vscode.Uri.file(path.join(env.workspaceFolder, 'redispatch_howto.py'));

  const DISPATCH_COMMANDS = [
    'covalent.dispatch',
    'covalent.dispatchWithInputs',
    'covalent.saveWithoutRunning',
    'covalent.previewGraph',
    'covalent.dispatchSync',
    'covalent.redispatch',
    'covalent.chooseExecutor',
    'covalent.runSaved',
    'covalent.cancel',
    'covalent.stopTriggers',
    'covalent.startServer',
    'covalent.stopServer',
    'covalent.checkInterpreter',
    'covalent.installCovalent',
    'covalent.runTaskLocally',
    'covalent.debugTask',
  ];

  it('opens the workspace untrusted', () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
  });

  it('disables every command that runs workspace Python (enablement: isWorkspaceTrusted)', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const declared = (extension.packageJSON as { contributes: { commands: { command: string; enablement?: string }[] } }).contributes.commands;
    for (const id of DISPATCH_COMMANDS) {
      const command = declared.find((candidate) => candidate.command === id);
      assert.ok(command, `${id} is declared`);
      assert.match(command.enablement ?? '', /isWorkspaceTrusted/, `${id} is disabled in Restricted Mode`);
    }
  });

  it('says why when a command is called anyway, starts no Python and dispatches nothing', async () => {
    const api = await extensionApi();
    const before = await dispatchCount(env.serverAddress);
    const calls: [string, object][] = [
      ['covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }],
      ['covalent.dispatchWithInputs', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }],
      // As a CodeLens calls it: refused before the inputs would be asked for.
      ['covalent.dispatchWithInputs', { uri: howto.toString(), lattice: 'workflow' }],
      ['covalent.saveWithoutRunning', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }],
      ['covalent.previewGraph', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }],
      ['covalent.dispatchSync', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }],
      ['covalent.redispatch', { dispatchId: '00000000-0000-0000-0000-000000000000', uri: howto.toString() }],
      // It lists the executor plugins with the workspace's interpreter.
      ['covalent.chooseExecutor', { uri: howto.toString(), lattice: 'workflow', executor: 'local' }],
      ['covalent.runSaved', { dispatchId: '00000000-0000-0000-0000-000000000000' }],
      ['covalent.cancel', { dispatchId: '00000000-0000-0000-0000-000000000000' }],
      ['covalent.stopTriggers', { dispatchIds: ['00000000-0000-0000-0000-000000000000'] }],
      ['covalent.runTaskLocally', { dispatchId: '00000000-0000-0000-0000-000000000000', taskId: 1 }],
      ['covalent.debugTask', { dispatchId: '00000000-0000-0000-0000-000000000000', taskId: 1 }],
    ];
    for (const [id, argument] of calls) {
      await expectRejection(vscode.commands.executeCommand(id, argument), /Restricted Mode: it runs Python from this workspace.*Trust the workspace/);
    }
    await expectRejection(vscode.commands.executeCommand('covalent.startServer', {}), /Restricted Mode/);
    await expectRejection(vscode.commands.executeCommand('covalent.stopServer', {}), /Restricted Mode/);
    assert.strictEqual(api.services.bridges.peek(env.clientPython), undefined, 'no Python bridge was started');
    assert.strictEqual(await dispatchCount(env.serverAddress), before);
  });

  it('shows a recorded value as the server’s text: drawing it would unpickle with the workspace’s Python', async () => {
    const api = await extensionApi();
    const dispatchId = await dispatchWithPython(env, 'redispatch_howto', 'workflow', '1, 2');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    const shown = await vscode.commands.executeCommand<{ kind: string; text?: string; note?: string }>('covalent.renderValue', { dispatchId, value: 'result' });
    assert.deepStrictEqual([shown.kind, shown.text], ['text', '1.5']);
    assert.match(shown.note ?? '', /only in a trusted workspace/);
    assert.strictEqual(api.services.bridges.peek(env.clientPython), undefined, 'no Python bridge was started');
  });

  it('refuses every agent tool that runs code or changes a server, and asks nothing; the reading ones answer', async () => {
    const api = await extensionApi();
    const before = await dispatchCount(env.serverAddress);
    const dispatchId = '00000000-0000-4000-8000-000000000000';
    const acting: [string, object][] = [
      ['covalent_previewGraph', { file: 'redispatch_howto.py', lattice: 'workflow', args: '1, 2' }],
      ['covalent_dispatch', { file: 'redispatch_howto.py', lattice: 'workflow', args: '1, 2' }],
      ['covalent_redispatch', { dispatchId }],
      ['covalent_cancel', { dispatchId }],
      ['covalent_runTaskLocally', { dispatchId, taskId: 1 }],
    ];
    for (const [name, input] of acting) {
      assert.strictEqual(api.agentTools.prepare(name as never, input as Record<string, unknown>).confirmationMessages, undefined, `${name} asks nothing it will not do`);
      const answer = await toolAnswer(name, input);
      assert.match(answer.error ?? '', /off in Restricted Mode.*trust the workspace/, name);
    }
    const listed = await toolAnswer('covalent_listWorkflows', {});
    assert.ok((listed.workflows ?? []).some((workflow) => workflow.lattice === 'workflow'), JSON.stringify(listed));
    const read = await toolAnswer('covalent_getDispatch', { dispatchId });
    assert.match(read.error ?? '', /has no dispatch/);
    assert.strictEqual(api.services.bridges.peek(env.clientPython), undefined, 'no Python bridge was started');
    assert.strictEqual(await dispatchCount(env.serverAddress), before);
  });

  it('still detects lattices (the language server needs no trust)', async () => {
    const document = await vscode.workspace.openTextDocument(howto);
    await vscode.window.showTextDocument(document);
    const names = await waitFor(
      'document symbols from the language server',
      async () => {
        const symbols = (await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>('vscode.executeDocumentSymbolProvider', howto)) ?? [];
        const found = symbols.map((symbol) => symbol.name);
        return found.includes('workflow') && found;
      },
      30000,
      250,
    );
    assert.ok(names.includes('task_2_redefined'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

async function toolAnswer(name: string, input: object): Promise<{ error?: string; workflows?: { lattice: string }[] }> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  const part = result.content[0] as { value?: unknown } | undefined;
  assert.strictEqual(typeof part?.value, 'string', 'one text part');
  return JSON.parse(part?.value as string) as { error?: string; workflows?: { lattice: string }[] };
}
