import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import * as vscode from 'vscode';
import type { RunTaskResult } from '../../src/replay/replayPlan';
import { getJson, waitForTerminalStatus } from './support/covalentRest';
import {
  dispatchSuite,
  dispatchWithPython,
  expectRejection,
  extensionApi,
  graphNodes,
  lastLine,
  replaceInEditor,
  runPython,
  waitFor,
  withUnsavedEditor,
} from './support/dispatching';

/**
 * Replaying a task here with the inputs the server recorded: run, debug (the real
 * debugpy adapter), compare, and the bad inputs, through the public commands.
 */
describe('Replay a task locally', function () {
  this.timeout(240000);
  const { env, howto, scratchFile } = dispatchSuite();
  let failing: vscode.Uri;
  let failedId: string;
  let divideId: number;
  let raiseLine: number;

  const run = (argument: object) => vscode.commands.executeCommand<RunTaskResult>('covalent.runTaskLocally', argument);
  const nodeId = async (dispatchId: string, name: string) => {
    const node = (await graphNodes(env.serverAddress, dispatchId)).find((candidate) => candidate.name === name);
    assert.ok(node, `${name} is a node of ${dispatchId}`);
    return node.node_id;
  };

  before(async () => {
    failing = vscode.Uri.file(path.join(env.workspaceFolder, 'failing_workflow.py'));
    raiseLine = fs.readFileSync(failing.fsPath, 'utf8').split('\n').findIndex((line) => line.includes('raise ZeroDivisionError'));
    // Dispatched from a terminal: the editor knows nothing of it but its id.
    failedId = await dispatchWithPython(env, 'failing_workflow', 'failing_workflow', '[1, 2, 3]');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, failedId), 'FAILED');
    divideId = await nodeId(failedId, 'divide');
  });

  it('runs the failed task here with the recorded inputs and fails with the server’s error', async () => {
    const result = await run({ dispatchId: failedId, taskId: divideId });
    assert.strictEqual(result.status, 'failed');
    assert.strictEqual(result.error, 'ZeroDivisionError: cannot divide 3 values by zero');
    assert.strictEqual(result.sameAsServer, true, 'the server failed with the same exception and message');
    assert.strictEqual(result.functionFrom, 'workspace');
    assert.strictEqual(result.location?.file, fs.realpathSync(failing.fsPath));
    assert.strictEqual(result.location?.line, raiseLine + 1, 'the traceback points at the raise in the workspace file');
    const api = await extensionApi();
    const serverError = await api.services.servers.client(env.serverAddress).details.taskError(failedId, divideId);
    assert.ok(serverError?.includes(result.error ?? '?'), `the server recorded the same error: ${serverError ?? '(none)'}`);

    // As the Dispatch command records it: the failure becomes a Problem at the electron, with quick fixes.
    api.services.store.track(failedId, { fileUri: failing.toString(), latticeName: 'failing_workflow', serverAddress: env.serverAddress, inputs: '[1, 2, 3]', submittedAt: Date.now() });
    const diagnostic = await waitFor('the failed task’s Problem', () => vscode.languages.getDiagnostics(failing).find((candidate) => candidate.source === 'Covalent' && candidate.code === failedId));
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', failing, diagnostic.range)) ?? [];
    const runFix = actions.find((action) => action.title === 'Run divide locally with the inputs the server recorded');
    assert.strictEqual(runFix?.command?.command, 'covalent.runTaskLocally');
    assert.deepStrictEqual({ ...(runFix.command.arguments?.[0] as object) }, { dispatchId: failedId, taskId: divideId });
    assert.ok(actions.some((action) => action.title === 'Debug divide locally with the inputs the server recorded' && action.command?.command === 'covalent.debugTask'));
  });

  it('runs the function the server stored, shipped by value: its failure points at the file and the raise, not at "<dynamic-code>"', async () => {
    // Dispatched from the editor, the file's functions travel by value (cloudpickle 3.1.3 renames their code).
    const editorFailedId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: failing.toString(), lattice: 'failing_workflow', args: '[1, 2, 3]' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, editorFailedId), 'FAILED');
    const result = await run({ dispatchId: editorFailedId, taskId: await nodeId(editorFailedId, 'divide'), useStoredFunction: true });
    assert.deepStrictEqual({ status: result.status, error: result.error, functionFrom: result.functionFrom }, { status: 'failed', error: 'ZeroDivisionError: cannot divide 3 values by zero', functionFrom: 'stored' });
    assert.strictEqual(result.location?.file, fs.realpathSync(failing.fsPath));
    assert.strictEqual(result.location?.line, raiseLine + 1);
  });

  it('debugs the failed task: stops at a breakpoint on the raise with the recorded inputs, then at the uncaught exception', async () => {
    const api = await extensionApi();
    const events: { event?: string; body?: { reason?: string; threadId?: number } }[] = [];
    const tracking = vscode.debug.registerDebugAdapterTrackerFactory('covalent-task', {
      createDebugAdapterTracker: () => ({ onDidSendMessage: (message: { type?: string; event?: string; body?: { reason?: string; threadId?: number } }) => message.type === 'event' && events.push(message) }),
    });
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(failing, new vscode.Position(raiseLine, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    const finished = new Promise<RunTaskResult | undefined>((resolve) => api.services.replay.onDidFinishDebugging(({ result }) => resolve(result)));
    try {
      const name = await vscode.commands.executeCommand<string>('covalent.debugTask', { dispatchId: failedId, taskId: divideId });
      assert.match(name, /^Debug divide \(task \d+ of [0-9a-f]{8}\)$/);
      const session = await waitFor('the debug session', () => vscode.debug.activeDebugSession);
      const stopped = await waitFor('a stop at the breakpoint', () => events.find((event) => event.event === 'stopped'), 90000);
      assert.strictEqual(stopped.body?.reason, 'breakpoint');
      const threadId = stopped.body?.threadId;
      const top = await topFrame(session, threadId);
      assert.strictEqual(top.line, raiseLine + 1, 'stopped on the raise line');
      // A remote host (code-server) hands source paths over as URIs.
      const sourcePath = top.source?.path ?? '';
      assert.strictEqual(fs.realpathSync(/^[a-z][\w+.-]*:\/\//i.test(sourcePath) ? vscode.Uri.parse(sourcePath).path : sourcePath), fs.realpathSync(failing.fsPath));
      const evaluate = async (expression: string) =>
        ((await session.customRequest('evaluate', { expression, frameId: top.id, context: 'watch' })) as { result: string }).result;
      assert.strictEqual(await evaluate('by'), '0', 'the recorded keyword input');
      assert.strictEqual(await evaluate('values'), '[1, 2, 3]', 'the recorded output of prepare');

      await session.customRequest('continue', { threadId });
      const exception = await waitFor('a stop at the uncaught exception', () => events.find((event) => event.event === 'stopped' && event.body?.reason === 'exception'), 60000);
      assert.strictEqual((await topFrame(session, exception.body?.threadId)).line, raiseLine + 1);
      await vscode.debug.stopDebugging(session);
      const result = await finished;
      assert.strictEqual(result?.status, 'failed', 'the outcome of the debugged run');
      assert.strictEqual(result.sameAsServer, true);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
      tracking.dispose();
      if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
    }
  });

  it('runs the electron’s current source: after a fix in the editor the task returns a result', async () => {
    await withUnsavedEditor(failing, async (editor) => {
      await replaceInEditor(editor, 'raise ZeroDivisionError(f"cannot divide {len(values)} values by zero")', 'return list(values)');
      const result = await run({ dispatchId: failedId, taskId: divideId });
      assert.deepStrictEqual({ status: result.status, result: result.result, sameAsServer: result.sameAsServer }, { status: 'completed', result: '[1, 2, 3]', sameAsServer: false });
    });
  });

  it('gives a completed seed task’s result, the same as the server’s, and compares it with another dispatch in the diff editor', async () => {
    const first = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' });
    const second = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 4' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, first), 'COMPLETED');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, second), 'COMPLETED');
    const task2 = await nodeId(first, 'task_2');
    const result = await run({ dispatchId: first, taskId: task2 });
    assert.deepStrictEqual({ status: result.status, result: result.result, sameAsServer: result.sameAsServer }, { status: 'completed', result: '1.5', sameAsServer: true });
    const stored = await run({ dispatchId: first, taskId: task2, useStoredFunction: true });
    assert.deepStrictEqual({ result: stored.result, sameAsServer: stored.sameAsServer, functionFrom: stored.functionFrom }, { result: '1.5', sameAsServer: true, functionFrom: 'stored' });

    const { left, right } = await vscode.commands.executeCommand<{ left: vscode.Uri; right: vscode.Uri }>('covalent.compareTask', { dispatchId: first, otherDispatchId: second, taskId: task2 });
    const input = await waitFor('the diff editor', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return tab instanceof vscode.TabInputTextDiff ? tab : undefined;
    });
    assert.strictEqual(input.original.toString(), left.toString());
    assert.strictEqual(input.modified.toString(), right.toString());
    const leftText = (await vscode.workspace.openTextDocument(left)).getText();
    const rightText = (await vscode.workspace.openTextDocument(right)).getText();
    assert.match(leftText, /── Result ──\n1\.5\n/);
    assert.match(rightText, /── Result ──\n1\.25\n/);
    assert.match(leftText, /── Inputs ──\n.*3/, 'the recorded inputs (task_1 gave 3)');
    assert.match(rightText, /── Stdout ──\n/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('replays a task inside a sublattice under the sublattice’s own dispatch id, its electron taken from the package', async () => {
    const flow = vscode.Uri.file(path.join(env.workspaceFolder, 'pipeline', 'flow.py'));
    const outerId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: flow.toString(), lattice: 'summary', args: 'values=[1, 2, 3], by=1' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, outerId, 120000), 'COMPLETED');
    const outer = await getJson<{ graph: { nodes: { name: string; sublattice_dispatch_id: string | null }[] } }>(`${env.serverAddress}/api/v1/dispatches/${outerId}/graph`);
    const subDispatchId = outer.graph.nodes.find((node) => node.name === ':sublattice:shifted')?.sublattice_dispatch_id;
    assert.ok(subDispatchId, 'the server names the sublattice’s dispatch');
    const shifts = (await graphNodes(env.serverAddress, subDispatchId)).filter((node) => node.name === 'shift');
    assert.strictEqual(shifts.length, 3);
    const results = await Promise.all(shifts.map((node) => run({ dispatchId: subDispatchId, taskId: node.node_id })));
    // shift(value, by) = 2 * value + by, with helpers.double from the project.
    assert.deepStrictEqual(results.map((result) => result.result).sort(), ['3', '5', '7']);
    assert.ok(results.every((result) => result.sameAsServer && result.functionFrom === 'workspace'));
  });

  it('refuses what is not a task of the dispatch, and bad arguments, with what to do', async () => {
    const nodes = await graphNodes(env.serverAddress, failedId);
    const parameter = nodes.find((node) => node.name.startsWith(':parameter:'));
    const postprocess = nodes.find((node) => node.name.startsWith(':postprocess:'));
    await expectRejection(run({ dispatchId: failedId, taskId: 99 }), /has no task 99 \(its tasks: .*divide/);
    await expectRejection(run({ dispatchId: failedId, taskId: parameter?.node_id }), /is a parameter .* not a task: replay a task that takes it/);
    if (postprocess) await expectRejection(run({ dispatchId: failedId, taskId: postprocess.node_id }), /post-processing/);
    await expectRejection(run({ dispatchId: failedId, taskId: await nodeId(failedId, 'total') }), /total has no recorded input .*divide .*FAILED/);
    await expectRejection(run({ dispatchId: failedId }), /Expected `taskId`/);
    await expectRejection(run({ dispatchId: 'not-a-dispatch', taskId: 1 }), /not a Covalent dispatch id/);
    await expectRejection(run({ dispatchId: '4ec8b431-d437-4bf6-b364-f37a4ef5c082', taskId: 1 }), /does not know dispatch 4ec8b431/);
    await expectRejection(vscode.commands.executeCommand('covalent.compareTask', { dispatchId: failedId, taskId: divideId }), /Expected `otherDispatchId`/);
  });

  describe('a dispatch made elsewhere with code and data this workspace lacks', () => {
    let scratchId: string;
    before(async () => {
      const folder = path.dirname(scratchFile('vanishing_lib.py'));
      fs.writeFileSync(scratchFile('vanishing_lib.py'), 'class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n');
      const script = [
        'import sys, covalent as ct',
        'from vanishing_lib import Point',
        '@ct.electron',
        'def doubled(x):',
        '    return x * 2',
        '@ct.electron',
        'def abscissa(point):',
        '    return point.x',
        '@ct.electron',
        'def measured(blob):',
        '    return len(blob)',
        '@ct.lattice',
        'def scratch_flow(point, blob):',
        '    return [doubled(3), abscissa(point), measured(blob)]',
        'print(ct.dispatch(scratch_flow, dispatcher_addr=sys.argv[1])(Point(1, 2), b"x" * 40_000_000))',
      ].join('\n');
      scratchId = lastLine(await runPython(env, script, { morePaths: [folder], timeoutMs: 120000 }));
      assert.match(scratchId, /^[0-9a-f-]{36}$/);
      await waitForTerminalStatus(env.serverAddress, scratchId, 120000);
      // The module the dispatch pickled by reference is gone here.
      fs.rmSync(scratchFile('vanishing_lib.py'));
    });

    it('a function no longer in the workspace: says so; the stored one runs', async () => {
      const doubled = await nodeId(scratchId, 'doubled');
      await expectRejection(run({ dispatchId: scratchId, taskId: doubled }), /No electron named doubled .*useStoredFunction: true/);
      const result = await run({ dispatchId: scratchId, taskId: doubled, useStoredFunction: true });
      assert.deepStrictEqual({ status: result.status, result: result.result, sameAsServer: result.sameAsServer }, { status: 'completed', result: '6', sameAsServer: true });
    });

    it('inputs that do not unpickle here: names the missing module', async () => {
      const error = await expectRejection(run({ dispatchId: scratchId, taskId: await nodeId(scratchId, 'abscissa'), useStoredFunction: true }), /input point of abscissa needs the module 'vanishing_lib'/);
      assert.match(error.message, /install it there/);
    });

    it('large inputs: progress names their size, and cancelling stops the download and keeps nothing', async () => {
      const api = await extensionApi();
      const leftovers = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('covalent-replay-'));
      const before = leftovers();
      const cancel = new vscode.CancellationTokenSource();
      const reports: string[] = [];
      const preparing = api.services.replay.prepare({ dispatchId: scratchId, taskId: await nodeId(scratchId, 'measured'), useStoredFunction: true }, {
        report: ({ message }) => {
          reports.push(message ?? '');
          if (message?.startsWith('downloading the recorded inputs')) cancel.cancel();
        },
      }, cancel.token);
      await expectRejection(preparing, /Cancelled/);
      assert.ok(reports.some((report) => /downloading the recorded inputs \(\d+\.\d MiB\)/.test(report)), `the size was announced: ${reports.join(' | ')}`);
      assert.deepStrictEqual(leftovers(), before, 'the bundle folder is removed');
    });

    it('no debugpy in the interpreter: says so and offers to install it', async () => {
      const settings = vscode.workspace.getConfiguration('covalent');
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-no-debugpy-'));
      const venv = path.join(folder, 'venv');
      execFileSync(env.clientPython, ['-m', 'venv', '--without-pip', venv]);
      const sitePackages = execFileSync(env.clientPython, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).trim();
      const own = execFileSync(path.join(venv, 'bin', 'python'), ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).trim();
      // Covalent from the test environment, and debugpy made unimportable.
      fs.writeFileSync(path.join(own, 'covalent_test.pth'), `${sitePackages}\nimport sys; sys.modules['debugpy'] = None\n`);
      await settings.update('pythonPath', path.join(venv, 'bin', 'python'), vscode.ConfigurationTarget.Global);
      try {
        const error = await expectRejection(
          vscode.commands.executeCommand('covalent.debugTask', { dispatchId: scratchId, taskId: await nodeId(scratchId, 'doubled'), useStoredFunction: true }),
          /Debugging a task needs debugpy in the interpreter .*covalent-no-debugpy-/,
        );
        assert.match(error.message, /Install debugpy/);
      } finally {
        await settings.update('pythonPath', env.clientPython, vscode.ConfigurationTarget.Global);
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });
  });
});

async function topFrame(session: vscode.DebugSession, threadId: number | undefined): Promise<{ id: number; line: number; source?: { path?: string } }> {
  const trace = (await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 })) as { stackFrames: { id: number; line: number; source?: { path?: string } }[] };
  const [top] = trace.stackFrames;
  assert.ok(top, 'a frame');
  return top;
}
