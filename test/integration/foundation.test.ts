import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import { testEnvironment } from './support/env';
import { dispatchResultString, getJson, waitForTerminalStatus } from './support/covalentRest';
import { dispatchWithPython, EXTENSION_ID } from './support/dispatching';

describe('Foundation: a real VS Code, the extension, a real Covalent server', () => {
  const env = testEnvironment();

  it('activates the extension in VS Code with its settings', async () => {
    const extension = vscode.extensions.getExtension<CovalentExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
    const api = await extension.activate();
    assert.ok(extension.isActive);
    assert.ok(api.context, 'activate() returns the extension context');
    assert.strictEqual(api.context.config.dispatcherAddress, env.serverAddress, 'the harness configured the test server');
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('covalent.showOutput'));
    assert.match(vscode.version, /^1\.\d+\.\d+/);
  });

  it('reaches the Covalent server the harness started, from inside the extension host', async () => {
    const body = await getJson<{ dispatches: unknown[]; metadata: { count: number } }>(`${env.serverAddress}/api/v2/dispatches?count=1`);
    assert.ok(Array.isArray(body.dispatches));
    assert.strictEqual(typeof body.metadata.count, 'number');
  });

  it('dispatches the seed workflow from examples/ with the environment Python and reads 1.5 back over REST', async () => {
    const dispatchId = await dispatchWithPython(env, 'redispatch_howto', 'workflow', '1, 2');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    assert.strictEqual(await dispatchResultString(env.serverAddress, dispatchId), '1.5');
    assert.ok(path.isAbsolute(env.workspaceFolder));
  });
});
