import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { pidWritten } from '../support/processes';
import { waitForTerminalStatus } from './support/covalentRest';
import { dispatchSuite, graphNodes } from './support/dispatching';

/**
 * The last file of the suite (see findTests in index.ts): it leaves user code
 * running as the editor closes — an import that hangs and a task replayed here
 * that sleeps. The harness then checks that no process of the extension (the
 * bridge, a request's process, a replay runner) outlives the editor.
 */
describe('Teardown: work still running when the editor closes', function () {
  this.timeout(180000);
  const { env, scratchFile } = dispatchSuite();

  it('leaves a hung import and a running replayed task behind for the editor to end', async () => {
    const hungPid = scratchFile('hung.pid');
    const hung = path.join(env.workspaceFolder, 'teardown_hangs.py');
    fs.writeFileSync(hung, ['import os, time', `open(${JSON.stringify(hungPid)}, "w").write(str(os.getpid()))`, 'time.sleep(3600)', ''].join('\n'));
    const sleeper = path.join(env.workspaceFolder, 'teardown_sleeper.py');
    const runnerPid = scratchFile('runner.pid');
    const source = (body: string[]) =>
      ['import os, time', 'import covalent as ct', '', '@ct.electron', 'def nap(x):', ...body, '    return x', '', '@ct.lattice', 'def workflow(x):', '    return nap(x)', ''].join('\n');
    fs.writeFileSync(sleeper, source([]));
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: vscode.Uri.file(sleeper).toString(), lattice: 'workflow', args: '1' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    const nap = (await graphNodes(env.serverAddress, dispatchId)).find((node) => node.name === 'nap');
    assert.ok(nap);
    // Replayed with the workspace's current source, which now sleeps.
    fs.writeFileSync(sleeper, source([`    open(${JSON.stringify(runnerPid)}, "w").write(str(os.getpid()))`, '    time.sleep(3600)']));

    void Promise.resolve(vscode.commands.executeCommand('covalent.dispatch', { uri: vscode.Uri.file(hung).toString(), lattice: 'workflow' })).catch(() => undefined);
    void Promise.resolve(vscode.commands.executeCommand('covalent.runTaskLocally', { dispatchId, taskId: nap.node_id, uri: vscode.Uri.file(sleeper).toString() })).catch(() => undefined);
    const pids = [await pidWritten(hungPid), await pidWritten(runnerPid)];
    for (const pid of pids) assert.doesNotThrow(() => process.kill(pid, 0), `process ${pid} runs as the editor closes`);
  });
});
