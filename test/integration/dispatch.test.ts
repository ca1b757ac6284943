import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BridgePool } from '../../src/bridge/bridgePool';
import { isBridgeError } from '../../src/bridge/protocol';
import { changedElectrons } from '../../src/dispatch/electronChanges';
import { CovalentClient } from '../../src/covalent/client';
import { dispatchResultString, dispatchStatus, waitForTerminalStatus } from './support/covalentRest';
import { dispatchCount, dispatchSuite, expectRejection, extensionApi, graphNodes, nothingDispatched, replaceInEditor, reused, sleep, waitFor, withUnsavedEditor } from './support/dispatching';

/**
 * The seed documents' parameters through the public commands, in the real VS
 * Code, with the real bridge, against the real server the harness started.
 */
describe('Dispatch and redispatch through the Python bridge', function () {
  this.timeout(180000);
  const { env, howto, scratchFile } = dispatchSuite();
  let firstDispatch: string;
  let editedDispatch: string | undefined;

  async function completedResult(dispatchId: string): Promise<string> {
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    return dispatchResultString(env.serverAddress, dispatchId);
  }

  it('dispatches workflow(1, 2) from examples/ → COMPLETED, 1.5, recorded in the store with its origin', async () => {
    const api = await extensionApi();
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' });
    assert.match(dispatchId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(await completedResult(dispatchId), '1.5');
    const origin = api.services.store.get(dispatchId)?.origin;
    assert.strictEqual(origin?.latticeName, 'workflow');
    assert.strictEqual(origin?.fileUri, howto.toString());
    assert.strictEqual(origin?.inputs, '1, 2');
    assert.strictEqual(origin?.serverAddress, env.serverAddress);
    assert.deepStrictEqual(
      api.services.store.forLattice(howto.toString(), 'workflow').map((state) => state.dispatchId),
      [dispatchId],
    );
    firstDispatch = dispatchId;
  });

  it('redispatch replacing task_2 with task_2_redefined, previous inputs → 6', async () => {
    const api = await extensionApi();
    const redispatchId = await vscode.commands.executeCommand<string>('covalent.redispatch', {
      dispatchId: firstDispatch,
      uri: howto.toString(),
      replaceElectrons: ['task_2=task_2_redefined'],
      reusePreviousResults: false,
    });
    assert.notStrictEqual(redispatchId, firstDispatch);
    assert.strictEqual(await completedResult(redispatchId), '6');
    assert.strictEqual(api.services.store.get(redispatchId)?.origin?.parentDispatchId, firstDispatch);
    const nodes = await graphNodes(env.serverAddress, redispatchId);
    assert.ok(!reused(nodes, 0), 'without reuse, task_0 runs again');
  });

  it('the same with reuse_previous_results → 6, nodes 0 and 2 reused (start time equals end time)', async () => {
    const redispatchId = await vscode.commands.executeCommand<string>('covalent.redispatch', {
      dispatchId: firstDispatch,
      uri: howto.toString(),
      replaceElectrons: { task_2: 'task_2_redefined' },
      reusePreviousResults: true,
    });
    assert.strictEqual(await completedResult(redispatchId), '6');
    const nodes = await graphNodes(env.serverAddress, redispatchId);
    assert.ok(reused(nodes, 0), 'task_0 reused');
    assert.ok(reused(nodes, 2), 'task_1 reused');
  });

  it('with reuse and new inputs 1, 4 → 20, node 0 reused and node 2 not', async () => {
    const redispatchId = await vscode.commands.executeCommand<string>('covalent.redispatch', {
      dispatchId: firstDispatch,
      uri: howto.toString(),
      replaceElectrons: ['task_2=task_2_redefined'],
      reusePreviousResults: true,
      args: '1, 4',
    });
    assert.strictEqual(await completedResult(redispatchId), '20');
    const nodes = await graphNodes(env.serverAddress, redispatchId);
    assert.ok(reused(nodes, 0), 'task_0 reused (its input a=1 did not change)');
    assert.ok(!reused(nodes, 2), 'task_1 recomputed (b changed)');
  });

  it('saves without running (disable_run); Redispatch says to start it first, and Run Saved Dispatch starts it (is_pending) → COMPLETED', async () => {
    const saved = await vscode.commands.executeCommand<string>('covalent.saveWithoutRunning', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' });
    await sleep(1500);
    assert.strictEqual(await dispatchStatus(env.serverAddress, saved), 'NEW_OBJECT', 'saved, not started');
    // Covalent's own redispatch would wait for it to finish, forever.
    await nothingDispatched(env.serverAddress, () =>
      expectRejection(
        vscode.commands.executeCommand('covalent.redispatch', { dispatchId: saved, args: '3, 4' }),
        /was saved without running and has not started: Covalent redispatches a completed, failed or cancelled dispatch only\. Start a saved one with Covalent: Run Saved Dispatch/,
      ),
    );
    const started = await vscode.commands.executeCommand<string>('covalent.runSaved', { dispatchId: saved });
    assert.strictEqual(started, saved, 'is_pending starts the same dispatch');
    assert.strictEqual(await completedResult(saved), '1.5');
  });

  it('dispatch and wait returns { dispatchId, status, result }', async () => {
    const outcome = await vscode.commands.executeCommand<{ dispatchId: string; status: string; result: string }>('covalent.dispatchSync', {
      uri: howto.toString(),
      lattice: 'workflow',
      args: 'a=2, b=2',
    });
    assert.strictEqual(outcome.status, 'COMPLETED');
    assert.strictEqual(outcome.result, '2.0');
    assert.strictEqual(await dispatchStatus(env.serverAddress, outcome.dispatchId), 'COMPLETED');
  });

  it('without args, Dispatch uses the inputs last used for that lattice', async () => {
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow' });
    assert.strictEqual(await completedResult(dispatchId), '2.0', 'the inputs of the last dispatch (a=2, b=2): (2 + 2) / 2');
  });

  it('dispatches the unsaved editor text when covalent.unsavedFiles is dispatchBuffer, never the stale file', async () => {
    // A copy of the seed file, so no other test sees the edit; auto-save (on by default in the web workbench) off.
    const copy = vscode.Uri.file(scratchFile('redispatch_unsaved.py'));
    fs.writeFileSync(copy.fsPath, fs.readFileSync(howto.fsPath, 'utf8'));
    await withUnsavedEditor(copy, async (editor) => {
      await replaceInEditor(editor, 'return a / b', 'return a - b');
      const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: copy.toString(), lattice: 'workflow', args: '1, 2' });
      assert.strictEqual(await completedResult(dispatchId), '1', '(1 + 2) - 2 from the buffer, not (1 + 2) / 2 from the file');
      assert.ok(editor.document.isDirty, 'the file was not saved behind the user’s back');
      assert.match(fs.readFileSync(copy.fsPath, 'utf8'), /return a \/ b/);
    });
  });

  it('pre-selects for replace_electrons the electrons whose source changed since the dispatch', async () => {
    // The file as a user edits it after dispatching: task_2 now multiplies.
    const copy = scratchFile('redispatch_edited.py');
    fs.writeFileSync(copy, fs.readFileSync(howto.fsPath, 'utf8'));
    const pool = new BridgePool(path.join(env.repoRoot, 'dist', 'bridge', 'covalent_bridge'), { info: () => undefined, warn: () => undefined, error: () => undefined });
    try {
      const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: vscode.Uri.file(copy).toString(), lattice: 'workflow', args: '1, 2' });
      await waitForTerminalStatus(env.serverAddress, dispatchId);
      fs.writeFileSync(copy, fs.readFileSync(copy, 'utf8').replace('return a / b', 'return a * b'));
      const stored = await new CovalentClient({ baseUrl: env.serverAddress, timeoutMs: 10000 }).details.taskSources(dispatchId);
      assert.deepStrictEqual([...stored.keys()].sort(), ['task_0', 'task_1', 'task_2']);
      const { electrons } = await pool.request(env.clientPython, 'electrons', { file: copy });
      assert.deepStrictEqual(changedElectrons(electrons, stored), ['task_2']);
      // And redispatching with the changed task_2 (its own name) runs the new code: (1 + 2) * 2.
      const redispatchId = await vscode.commands.executeCommand<string>('covalent.redispatch', { dispatchId, replaceElectrons: ['task_2'], reusePreviousResults: true });
      assert.strictEqual(await completedResult(redispatchId), '6');
      editedDispatch = dispatchId;
    } finally {
      await pool.stopAll();
    }
  });

  it('Redispatch… from a Dispatches row: accepting every question as offered replaces the changed task, with the previous inputs', async () => {
    assert.ok(editedDispatch, 'the previous test dispatched the edited file');
    // The row's context menu passes the row: the command asks (which tasks, which electron, reuse,
    // inputs). Accept each picker as it opens: only the pre-selection decides that task_2 is replaced.
    const api = await extensionApi();
    const row = await waitFor('the dispatch in the Dispatches tree', () => api.services.liveViews.tree.rootNodes().find((node) => node.kind === 'dispatch' && node.dispatchId === editedDispatch));
    const redispatched = vscode.commands.executeCommand<string>('covalent.redispatch', row);
    let settled = false;
    void Promise.resolve(redispatched).finally(() => (settled = true));
    const deadline = Date.now() + 60000;
    while (!settled && Date.now() < deadline) {
      await sleep(400);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const redispatchId = await redispatched;
    assert.match(redispatchId, /^[0-9a-f-]{36}$/);
    // (1 + 2) * 2 with the edited task_2 and the previous inputs; without the pre-selection it would be 1.5.
    assert.strictEqual(await completedResult(redispatchId), '6');
    assert.strictEqual(api.services.store.get(redispatchId)?.origin?.parentDispatchId, editedDispatch);
  });

  it('cancels the long-running example → CANCELLED', async () => {
    const uri = vscode.Uri.file(path.join(env.workspaceFolder, 'long_running.py'));
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: uri.toString(), lattice: 'long_running', args: 'seconds=4, steps=3' });
    await waitFor('the long-running dispatch to run', async () => (await dispatchStatus(env.serverAddress, dispatchId)) === 'RUNNING');
    // Dispatch and wait's cancellable progress: cancelling stops the waiting in the bridge, not the dispatch.
    const pool = new BridgePool(path.join(env.repoRoot, 'dist', 'bridge', 'covalent_bridge'), { info: () => undefined, warn: () => undefined, error: () => undefined });
    try {
      const source = new vscode.CancellationTokenSource();
      const waiting = pool.request(env.clientPython, 'waitForResult', { dispatchId, dispatcherAddress: env.serverAddress, pollIntervalMs: 200 }, source.token);
      await sleep(1000);
      source.cancel();
      await assert.rejects(waiting, (error: unknown) => isBridgeError(error, 'cancelled'));
      assert.strictEqual(await dispatchStatus(env.serverAddress, dispatchId), 'RUNNING', 'the dispatch goes on');
    } finally {
      await pool.stopAll();
    }
    await vscode.commands.executeCommand('covalent.cancel', { dispatchId });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'CANCELLED');
  });

  it('stop triggers: a lattice with a TimeTrigger keeps dispatching until its triggers are stopped', async () => {
    const uri = vscode.Uri.file(path.join(env.workspaceFolder, 'triggered_workflow.py'));
    const before = await dispatchCount(env.serverAddress);
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: uri.toString(), lattice: 'every_two_seconds', args: '' });
    // The trigger runs the workflow every 2 s: the server gains dispatches.
    await waitFor('the trigger to redispatch', async () => (await dispatchCount(env.serverAddress)) >= before + 2, 30000, 500);
    const stopped = await vscode.commands.executeCommand<string[]>('covalent.stopTriggers', { dispatchIds: [dispatchId] });
    assert.deepStrictEqual(stopped, [dispatchId]);
    // A trigger asleep when stopped may fire once more; after that nothing new comes.
    await sleep(3000);
    const settled = await dispatchCount(env.serverAddress);
    await sleep(5000);
    assert.strictEqual(await dispatchCount(env.serverAddress), settled, 'no dispatch after the triggers stopped');
  });
});
