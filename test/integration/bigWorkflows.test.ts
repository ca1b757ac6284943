import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import { differingAssets, namesAnAddress, SDK_SWEEP_SCRIPT, storedAssets, sweepResult, SWEEP_MODULE, SWEEP_WORKFLOW, uploadedNames } from '../support/sweeps';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchSuite, extensionApi, waitFor } from './support/dispatching';
import { proxyStats } from './support/proxy';

const RUN_TASKS = 200;
const SAVED_TASKS = 2000;

/**
 * A sweep at the sizes users run, through the commands, against the real server
 * behind the authenticating proxy: the bridge uploads the assets itself, and
 * what the server ends with is what the plain SDK's dispatch of the same
 * workflow gives it. The SDK's own dispatches go straight to the server, in a
 * process of their own, started before the tests so that they overlap them.
 */
describe('Big workflows: a sweep through Dispatch and Save Without Running, through the authenticating proxy (real server)', function () {
  this.timeout(900000);
  const { env, scratchFile } = dispatchSuite();
  let api: CovalentExtensionApi;
  let workflow: vscode.Uri;
  let sdkRun: Promise<string[]>;
  let sdkSaved: Promise<string[]>;

  const sdk = (tasks: number, run: boolean): Promise<string[]> =>
    promisify(execFile)(env.clientPython, ['-c', SDK_SWEEP_SCRIPT, env.serverAddress, path.dirname(workflow.fsPath), String(tasks), run ? 'run' : 'register'], {
      timeout: 840000,
    }).then(({ stdout }) => stdout.trim().split('\n'));

  before(async () => {
    api = await extensionApi();
    const file = scratchFile(`${SWEEP_MODULE}.py`);
    fs.writeFileSync(file, SWEEP_WORKFLOW.join('\n') + '\n');
    workflow = vscode.Uri.file(file);
    sdkRun = sdk(RUN_TASKS, true);
    sdkSaved = sdk(SAVED_TASKS, false);
    // Both are awaited by the tests; a failure before then is theirs to report.
    sdkRun.catch(() => undefined);
    sdkSaved.catch(() => undefined);
    await vscode.commands.executeCommand<boolean>('covalent.setServerToken', { address: env.proxyAddress, token: env.proxyToken });
    assert.strictEqual(await vscode.commands.executeCommand<string>('covalent.useServer', { address: env.proxyAddress }), env.proxyAddress);
    await waitFor('the proxied server online', () => api.services.store.connection === 'online', 15000);
    await proxyStats(env.proxyAddress, true);
  });

  after(async () => {
    await Promise.allSettled([sdkRun, sdkSaved]);
    await vscode.commands.executeCommand('covalent.useServer', { address: env.serverAddress });
    await vscode.commands.executeCommand('covalent.setServerToken', { address: env.proxyAddress, token: '' });
  });

  it(`a ${RUN_TASKS}-task sweep dispatched through Dispatch completes with the SDK's result, every upload through the proxy, none refused`, async () => {
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: workflow.toString(), lattice: 'flat', args: String(RUN_TASKS) });
    assert.strictEqual(api.services.store.serverOf(dispatchId), env.proxyAddress);
    const stats = await proxyStats(env.proxyAddress);
    assert.strictEqual(stats.refused, 0, stats.refusedPaths.join('\n'));
    assert.ok(stats.assets >= 7 * RUN_TASKS, `the assets went through the proxy (${stats.assets} asset requests)`);
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId, 600000), 'COMPLETED');
    const [, sdkResult] = await sdkRun;
    assert.deepStrictEqual([await dispatchResultString(env.serverAddress, dispatchId), sdkResult], [sweepResult(RUN_TASKS), sweepResult(RUN_TASKS)]);
  });

  it(`a ${SAVED_TASKS}-task sweep saved without running stores what the SDK's registration stores, where the server reads it`, async () => {
    await proxyStats(env.proxyAddress, true);
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.saveWithoutRunning', { uri: workflow.toString(), lattice: 'flat', args: String(SAVED_TASKS) });
    const stats = await proxyStats(env.proxyAddress);
    assert.strictEqual(stats.refused, 0, stats.refusedPaths.join('\n'));
    assert.ok(stats.assets >= 7 * SAVED_TASKS, `the assets went through the proxy (${stats.assets} asset requests)`);
    const [sdkId = ''] = await sdkSaved;
    const ours = await storedAssets(env.serverAddress, dispatchId);
    const theirs = await storedAssets(env.serverAddress, sdkId);
    assert.ok(ours.size > 7 * SAVED_TASKS, `${ours.size} assets stored`);
    assert.deepStrictEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), 'the same assets, lattice and node by node');
    assert.deepStrictEqual(uploadedNames(ours), uploadedNames(theirs), 'the same assets hold bytes');
    // Pickled functions name their memory address (two processes never agree on them); every
    // other asset (inputs, parameter values, hooks, metadata) is the same bytes.
    assert.deepStrictEqual(differingAssets(ours, theirs).filter((name) => !namesAnAddress(name)), []);
  });
});
