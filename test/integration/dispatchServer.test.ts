import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { testEnvironment } from './support/env';

async function answering(address: string): Promise<boolean> {
  try {
    return (await fetch(`${address}/api/v2/dispatches?count=1`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** `covalent stop` / `covalent start` from the chosen interpreter, on the harness's own server (same home, same port). */
describe('Dispatch: Start and Stop Local Server', function () {
  this.timeout(240000);
  const env = testEnvironment();

  it('Stop Local Server stops the configured server; Start Local Server brings it back at the same address, and dispatch works again', async () => {
    assert.ok(await answering(env.serverAddress), 'the harness server runs');
    // The server runs on the harness's locked environment whatever the matrix's client is
    // (Covalent 0.240 with today's fastapi/pydantic answers dispatches with 422): Stop and
    // Start use the interpreter chosen for the workspace, so that one is chosen for them.
    const settings = vscode.workspace.getConfiguration('covalent');
    await settings.update('pythonPath', env.python, vscode.ConfigurationTarget.Global);
    try {
      const stopped = await vscode.commands.executeCommand<boolean>('covalent.stopServer', {});
      assert.strictEqual(stopped, true);
      assert.strictEqual(await answering(env.serverAddress), false, 'nothing answers after Stop');
    } finally {
      // Whatever happened above, the server must run again for the tests after this one.
      try {
        const address = await vscode.commands.executeCommand<string>('covalent.startServer', {});
        assert.strictEqual(address, env.serverAddress);
      } finally {
        await settings.update('pythonPath', env.clientPython, vscode.ConfigurationTarget.Global);
      }
    }
    assert.ok(await answering(env.serverAddress), 'the server answers after Start');
    const howto = vscode.Uri.file(path.join(env.workspaceFolder, 'redispatch_howto.py'));
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    assert.strictEqual(await dispatchResultString(env.serverAddress, dispatchId), '1.5');
  });
});
