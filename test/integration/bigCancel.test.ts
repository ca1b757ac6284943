import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { BridgeErrorData, SubmissionProgress } from '../../src/bridge/protocol';
import { deleteRefusingRelay } from '../support/deleteRefusingRelay';
import { SWEEP_WORKFLOW } from '../support/sweeps';
import { dispatchSuite, extensionApi, getDispatchIds, waitFor } from './support/dispatching';

/**
 * A big workflow's submission in the real VS Code, against the real server: its
 * progress notification counts the uploads, and its Cancel (pressed through the
 * API's list of submissions under way, as a person presses the notification's)
 * halfway through them leaves nothing on the server.
 */
describe('Big dispatches: progress with counts, and a cancel that leaves nothing on the server', function () {
  this.timeout(300000);
  const { env, scratchFile } = dispatchSuite();

  /** Starts `covalent.dispatch` of the sweep and resolves with its submission once half its uploads are counted. */
  async function halfUploaded(file: string, tasks: number) {
    const api = await extensionApi();
    fs.writeFileSync(file, SWEEP_WORKFLOW.join('\n') + '\n');
    const dispatched = Promise.resolve(vscode.commands.executeCommand<string>('covalent.dispatch', { uri: vscode.Uri.file(file).toString(), lattice: 'flat', args: String(tasks) }));
    let settled = false;
    void dispatched.then(
      () => (settled = true),
      () => (settled = true),
    );
    const submission = await waitFor('the dispatch’s notification to count half its uploads', () => {
      const found = api.services.submissions.active().find((candidate) => candidate.title.startsWith('Dispatching flat'));
      const last = found?.reports[found.reports.length - 1];
      return found && last?.phase === 'uploading' && (last.done ?? 0) >= (last.total ?? 1) / 2 ? found : undefined;
    }, 240000, 50);
    assert.ok(!settled, 'the dispatch was still under way');
    const error = () =>
      dispatched.then(
        () => assert.fail('the cancelled dispatch answered a dispatch id'),
        // The extension's BridgeError (its own bundle: not this module's class), told by its data.
        (rejected: unknown) => rejected as Error & { data?: BridgeErrorData },
      );
    return { api, submission, error };
  }

  it('cancelling a 2,000-task dispatch halfway through its uploads: the command says nothing was left, and the server has no new dispatch', async () => {
    const before = await getDispatchIds(env.serverAddress);
    const { api, submission, error: cancelled } = await halfUploaded(scratchFile('big_flat.py'), 2000);
    submission.cancel();
    const error = await cancelled();
    assert.ok(error.data?.kind === 'cancelled', `a cancel, got ${String(error)}`);
    assert.strictEqual(error.message, 'Dispatch cancelled; nothing was left on the server.');
    const registered = submission.reports.find((report) => report.phase === 'registering');
    assert.strictEqual(registered?.tasks, 2003, 'registering counted the tasks (2,000, the sum, the list, the postprocessing)');
    assert.strictEqual(error.data.dispatchId, registered?.dispatchId);
    assert.strictEqual(error.data.leftOnServer, false);
    const uploads = submission.reports.filter((report): report is SubmissionProgress & { done: number; total: number } => report.phase === 'uploading');
    assert.ok(uploads.length >= 2, 'the uploads were counted as they went');
    const total = uploads[0]?.total ?? 0;
    assert.ok(total >= 7 * 2000, `about seven assets a task (${total})`);
    assert.ok((uploads[uploads.length - 1]?.done ?? total) < total, 'the uploads stopped before the last');
    assert.deepStrictEqual(await getDispatchIds(env.serverAddress), before, 'the server lists no new dispatch');
    assert.strictEqual(api.services.submissions.active().length, 0, 'the notification is gone');
    assert.strictEqual(api.services.store.get(registered?.dispatchId ?? ''), undefined, 'the store tracks no such dispatch');
  });

  it('a cancelled dispatch the bridge could not delete is deleted by the editor, through its own client: nothing is left', async () => {
    // The server refuses the bridge's delete (python-requests), not the editor's.
    const relay = await deleteRefusingRelay(env.serverAddress, (request) => /python/i.test(request.headers['user-agent'] ?? ''));
    try {
      assert.strictEqual(await vscode.commands.executeCommand<string>('covalent.useServer', { address: relay.address }), relay.address);
      const before = await getDispatchIds(env.serverAddress);
      const { api, submission, error: cancelled } = await halfUploaded(scratchFile('big_flat_refused.py'), 600);
      submission.cancel();
      const error = await cancelled();
      assert.ok(error.data?.kind === 'cancelled', `a cancel, got ${String(error)}`);
      assert.strictEqual(error.message, 'Dispatch cancelled; nothing was left on the server.');
      assert.strictEqual(error.data.leftOnServer, false);
      assert.deepStrictEqual([relay.deletes.refused >= 1, relay.deletes.passed], [true, 1], `the bridge's delete was refused, the editor's went through: ${JSON.stringify(relay.deletes)}`);
      assert.deepStrictEqual(await getDispatchIds(env.serverAddress), before, 'the server lists no new dispatch');
      assert.strictEqual(api.services.store.get(error.data.dispatchId ?? ''), undefined, 'the store tracks no such dispatch');
    } finally {
      await vscode.commands.executeCommand('covalent.useServer', { address: env.serverAddress });
      relay.close();
    }
  });
});
