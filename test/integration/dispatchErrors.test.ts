import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import * as vscode from 'vscode';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchCount, dispatchSuite, expectRejection, extensionApi, sleep, waitFor, nothingDispatched as nothingDispatchedOn } from './support/dispatching';
import { harness } from '../support/harness';

/**
 * Every bad input of the dispatch issue, through the public commands: a clear
 * message, and the server holds exactly as many dispatches as before.
 */
describe('Dispatch: bad input gets a clear message and nothing is dispatched', function () {
  this.timeout(180000);
  const { env, howto, scratchFile } = dispatchSuite();
  const settings = () => vscode.workspace.getConfiguration('covalent');

  const nothingDispatched = <T>(action: () => Promise<T>): Promise<T> => nothingDispatchedOn(env.serverAddress, action);

  /** The "Covalent" output channel's log file (a LogOutputChannel writes to the extension's log folder). */
  async function outputChannelText(): Promise<string> {
    const api = await extensionApi();
    const file = path.join(api.services.extension.logUri.fsPath, 'Covalent.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  it('unparsable inputs: says where, imports nothing', async () => {
    const error = await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2)' }), /not valid Python call arguments/),
    );
    assert.match(error.message, /unmatched '\)'.*column 5/);
    await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: 'a=1, b=[1, 2' }), /not valid Python call arguments/),
    );
  });

  it('a lattice name that is not in the module: names the ones that are', async () => {
    const error = await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString(), lattice: 'no_such_workflow', args: '1, 2' }), /no lattice named 'no_such_workflow'/),
    );
    assert.match(error.message, /lattices here: workflow/);
  });

  it('a file that raises on import: the message says so and the traceback is in the output channel', async () => {
    const broken = scratchFile('raises_on_import.py');
    fs.writeFileSync(broken, ['import covalent as ct', '', 'def load_settings():', '    raise ValueError("settings.toml is missing")', '', 'SETTINGS = load_settings()', ''].join('\n'));
    const error = await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: vscode.Uri.file(broken).toString(), lattice: 'workflow' }), /failed to import: ValueError: settings\.toml is missing/),
    );
    assert.match(error.message, /traceback is in the Covalent output/);
    const log = await waitFor('the traceback in the Covalent output channel', async () => {
      const text = await outputChannelText();
      return /Traceback \(most recent call last\)[\s\S]*raises_on_import\.py", line 4, in load_settings/.test(text) && text;
    }, 10000);
    assert.ok(log);
  });

  it('an interpreter without Covalent: says so and offers to install it', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-no-sdk-'));
    const bare = path.join(folder, 'venv');
    execFileSync(env.python, ['-m', 'venv', '--without-pip', bare]);
    const barePython = path.join(bare, 'bin', 'python');
    await settings().update('pythonPath', barePython, vscode.ConfigurationTarget.Global);
    try {
      const error = await nothingDispatched(() =>
        expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }), /Covalent is not installed in the interpreter/),
      );
      assert.ok(error.message.includes(barePython), 'names the interpreter');
      assert.match(error.message, /Install Covalent/);
    } finally {
      await settings().update('pythonPath', env.clientPython, vscode.ConfigurationTarget.Global);
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('an interpreter that does not exist: says which', async () => {
    await settings().update('pythonPath', '/nonexistent/bin/python3', vscode.ConfigurationTarget.Global);
    try {
      await nothingDispatched(() =>
        expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }), /\/nonexistent\/bin\/python3 does not exist/),
      );
    } finally {
      await settings().update('pythonPath', env.clientPython, vscode.ConfigurationTarget.Global);
    }
  });

  it('the server down: says nothing answered at that address', async () => {
    const { freePort } = harness('covalentServer');
    const nowhere = `http://localhost:${await freePort()}`;
    await settings().update('dispatcherAddress', nowhere, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the new address to be read', async () => (await extensionApi()).services.settings.current.dispatcherAddress === nowhere, 5000, 50);
      const error = await nothingDispatched(() =>
        expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }), /did not answer; nothing was dispatched/),
      );
      assert.ok(error.message.includes(nowhere), 'names the address');
    } finally {
      await settings().update('dispatcherAddress', env.serverAddress, vscode.ConfigurationTarget.Global);
      await waitFor('the test server address to be read back', async () => (await extensionApi()).services.settings.current.dispatcherAddress === env.serverAddress, 5000, 50);
    }
  });

  it('the bridge killed with SIGKILL in the middle of a dispatch: a clear message, then the next dispatch works', async () => {
    const api = await extensionApi();
    // A workflow file that takes a while to import: the kill lands mid-dispatch.
    const slow = scratchFile('slow_import.py');
    fs.writeFileSync(slow, 'import time\ntime.sleep(5)\n' + fs.readFileSync(howto.fsPath, 'utf8'));
    const bridge = api.services.bridges.get(env.clientPython);
    await bridge.ready;
    const before = await dispatchCount(env.serverAddress);
    const pending = vscode.commands.executeCommand('covalent.dispatch', { uri: vscode.Uri.file(slow).toString(), lattice: 'workflow', args: '1, 2' });
    await sleep(1000);
    assert.ok(bridge.pid, 'the bridge runs');
    process.kill(bridge.pid, 'SIGKILL');
    await expectRejection(pending, /Python bridge .* stopped: it was killed \(SIGKILL\)/);
    assert.strictEqual(await dispatchCount(env.serverAddress), before, 'the killed dispatch left nothing on the server');
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' });
    assert.notStrictEqual(api.services.bridges.peek(env.clientPython)?.pid, bridge.pid, 'a new bridge process');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    assert.strictEqual(await dispatchResultString(env.serverAddress, dispatchId), '1.5');
  });

  it('bad argument objects are refused before anything runs', async () => {
    await nothingDispatched(() => expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString() }), /Expected `lattice`/));
    await nothingDispatched(() => expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: [1, 2] }), /`args` are the inputs/));
    await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.redispatch', { dispatchId: 'x', uri: howto.toString(), replaceElectrons: ['task 2'] }), /not a Python name/),
    );
  });

  it('typed inputs survive a failed dispatch: the retry starts from them', async () => {
    const api = await extensionApi();
    await settings().update('dispatcherAddress', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    try {
      await expectRejection(vscode.commands.executeCommand('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '7, 9' }), /did not answer|unreachable|refused/i);
    } finally {
      await settings().update('dispatcherAddress', env.serverAddress, vscode.ConfigurationTarget.Global);
    }
    assert.strictEqual(api.services.choices.rememberedInputs(howto, 'workflow'), '7, 9', 'what was typed is kept for the retry');
    // The retry names no inputs: it dispatches the kept ones.
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow' });
    assert.strictEqual(api.services.store.get(dispatchId)?.origin?.inputs, '7, 9');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
  });
});
