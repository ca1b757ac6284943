import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { AGENT_TOOL_NAMES, type AgentToolName } from '../../src/agentTools/catalog';
import type { CovalentExtensionApi } from '../../src/extension';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchSuite, extensionApi, graphNodes, nothingDispatched, reused, waitFor } from './support/dispatching';

/**
 * The agent tools as agent mode calls them (`vscode.lm.invokeTool`), against the
 * real server through the real bridge, with the server's truth read over REST.
 * VS Code answers its own confirmation dialogs Yes in an extension test run, so
 * the question a tool asks is read from the tool (what VS Code shows) beside it.
 */
describe('Agent tools: the fix loop through vscode.lm.invokeTool', function () {
  this.timeout(240000);
  const { env, howto, scratchFile } = dispatchSuite();
  let api: CovalentExtensionApi;
  let loopFile: string;

  const BROKEN = [
    'import covalent as ct',
    '',
    '',
    '@ct.electron',
    'def double(x):',
    '    return 2 * x',
    '',
    '',
    '@ct.electron',
    'def shaky(x):',
    '    raise ValueError(f"cannot take {x}")',
    '',
    '',
    '@ct.lattice',
    'def loop(a, b=1):',
    '    return shaky(double(a)) + b',
    '',
  ].join('\n');

  // The suites after this one find the store and the remembered inputs as they were (lenses and dispatch lists read them).
  const INPUTS_KEY = 'covalent.inputsByLattice';
  let knownBefore: Set<string>;
  let rememberedBefore: unknown;

  before(async () => {
    api = await extensionApi();
    knownBefore = new Set(api.services.store.all().map((state) => state.dispatchId));
    rememberedBefore = api.services.extension.workspaceState.get(INPUTS_KEY);
    loopFile = scratchFile('agent_loop.py');
    fs.writeFileSync(loopFile, BROKEN);
  });

  after(async () => {
    if (!api) return;
    for (const state of api.services.store.all()) if (!knownBefore.has(state.dispatchId)) api.services.store.remove(state.dispatchId);
    await api.services.extension.workspaceState.update(INPUTS_KEY, rememberedBefore);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('contributes the eight tools, all registered', () => {
    const ours = vscode.lm.tools.filter((tool) => tool.name.startsWith('covalent_')).map((tool) => tool.name).sort();
    assert.deepStrictEqual(ours, [...AGENT_TOOL_NAMES].sort());
    const dispatch = vscode.lm.tools.find((tool) => tool.name === 'covalent_dispatch');
    assert.deepStrictEqual((dispatch?.inputSchema as { required?: string[] } | undefined)?.required, ['file', 'lattice']);
  });

  it('runs the loop: list, preview, dispatch, read the failure, replay it, fix the source, redispatch with reuse', async () => {
    // 1. List: the examples' lattices with their parameters.
    const listed = await invoke<ListAnswer>('covalent_listWorkflows', {});
    const seed = listed.workflows.find((workflow) => workflow.file === 'redispatch_howto.py' && workflow.lattice === 'workflow');
    assert.deepStrictEqual(seed, { file: 'redispatch_howto.py', lattice: 'workflow', line: 31, parameters: ['a', 'b'] }, JSON.stringify(listed).slice(0, 2000));

    // 2. Preview: the graph, nothing dispatched, and no question asked (it changes no server).
    assert.strictEqual(api.agentTools.prepare('covalent_previewGraph', { file: loopFile, lattice: 'loop' }).confirmationMessages, undefined);
    const preview = await nothingDispatched(env.serverAddress, () => invoke<PreviewAnswer>('covalent_previewGraph', { file: loopFile, lattice: 'loop', args: '3' }));
    const names = preview.nodes.map((node) => node.name);
    assert.ok(names.includes('double') && names.includes('shaky'), JSON.stringify(preview));
    const shakyNode = preview.nodes.find((node) => node.name === 'shaky');
    assert.strictEqual(shakyNode?.line, 9, 'where shaky is defined');
    assert.ok(preview.edges.length >= 2);

    // 3. Dispatch: the person is asked, with the lattice, the inputs and the server named.
    const dispatched = await confirmed('covalent_dispatch', { file: loopFile, lattice: 'loop', args: '3' });
    assert.match(dispatched.dialog, /loop/);
    assert.match(dispatched.dialog, /`?3`?/);
    assert.ok(dispatched.dialog.includes(env.serverAddress), dispatched.dialog);
    const dispatchId = dispatched.answer.dispatchId ?? '';
    assert.match(dispatchId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'FAILED');

    // 4. getDispatch: FAILED, the failed task named first, with its error. Reading asks nothing.
    assert.strictEqual(api.agentTools.prepare('covalent_getDispatch', { dispatchId }).confirmationMessages, undefined);
    const read = await invoke<DispatchAnswer>('covalent_getDispatch', { dispatchId });
    assert.strictEqual(read.status, 'FAILED');
    assert.strictEqual(read.lattice, 'loop');
    const failed = read.tasks[0];
    assert.ok(failed);
    assert.strictEqual(failed.name, 'shaky');
    assert.strictEqual(failed.status, 'FAILED');
    assert.match(failed.error ?? '', /ValueError: cannot take 6/);

    // 5. getTask: its error, inputs and current source.
    const task = await invoke<TaskAnswer>('covalent_getTask', { dispatchId, taskId: failed.id });
    assert.strictEqual(task.status, 'FAILED');
    assert.match(task.error ?? '', /cannot take 6/);
    assert.match(task.inputs, /6/);
    assert.match(task.source, /def shaky\(x\):\n\s+raise ValueError/);
    assert.ok(task.sourceFile.endsWith('agent_loop.py:9') || task.sourceFile.endsWith('agent_loop.py:10'), task.sourceFile);

    // 6. runTaskLocally reproduces the error, as on the server.
    const replayed = await confirmed<RunAnswer>('covalent_runTaskLocally', { dispatchId, taskId: failed.id });
    assert.match(replayed.dialog, new RegExp(`task .?${failed.id}`));
    assert.strictEqual(replayed.answer.status, 'failed');
    assert.match(replayed.answer.error ?? '', /cannot take 6/);
    assert.strictEqual(replayed.answer.sameAsServer, true);

    // 7. The fix, on disk.
    fs.writeFileSync(loopFile, BROKEN.replace('    raise ValueError(f"cannot take {x}")', '    return x + 1'));

    // 8. Redispatch with the electron replaced and reuse: COMPLETED with the new result, double reused.
    const redispatched = await confirmed('covalent_redispatch', { dispatchId, replaceElectrons: { shaky: 'shaky' }, reusePreviousResults: true });
    assert.match(redispatched.dialog, /shaky/);
    assert.match(redispatched.dialog, /reusing/);
    const newId = redispatched.answer.dispatchId ?? '';
    assert.notStrictEqual(newId, dispatchId);
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, newId), 'COMPLETED');
    assert.strictEqual(await dispatchResultString(env.serverAddress, newId), '8');
    const doubleTask = read.tasks.find((entry) => entry.name === 'double');
    assert.ok(doubleTask);
    assert.ok(reused(await graphNodes(env.serverAddress, newId), doubleTask.id), 'double was reused');
    const done = await invoke('covalent_getDispatch', { dispatchId: newId });
    assert.strictEqual(done.status, 'COMPLETED');
    assert.strictEqual(done.result, '8');
    assert.ok(api.services.gettingStarted.completed.has('covalent.agentToolAnswered'), 'the walkthrough\'s "Ask the agent" step is done');
  });

  it('cancels a running dispatch: CANCELLED on the server', async () => {
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: path.join(env.workspaceFolder, 'long_running.py'), lattice: 'long_running', args: 'seconds=30, steps=2' });
    await waitFor('the dispatch running', async () => (await invoke('covalent_getDispatch', { dispatchId })).status === 'RUNNING', 60000, 500);
    const cancelled = await confirmed('covalent_cancel', { dispatchId });
    assert.match(cancelled.dialog, new RegExp(dispatchId));
    assert.match(cancelled.dialog, /long_running/);
    assert.strictEqual(cancelled.answer.dispatchId, dispatchId);
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'CANCELLED');
    assert.strictEqual((await invoke('covalent_getDispatch', { dispatchId })).status, 'CANCELLED');
  });

  it('answers bad input in words the model can act on', async () => {
    const missing = await invoke('covalent_previewGraph', { file: 'redispatch_howto.py', lattice: 'nope' });
    assert.match(missing.error ?? '', /redispatch_howto\.py has no module-level lattice named "nope"\. Its lattices are: workflow\(a, b\)/);
    const noFile = await invoke('covalent_dispatch', { file: 'no_such_file.py', lattice: 'workflow' });
    assert.match(noFile.error ?? '', /There is no file no_such_file\.py/);
    const badInputs = await nothingDispatched(env.serverAddress, () => confirmed('covalent_dispatch', { file: 'redispatch_howto.py', lattice: 'workflow', args: '1, (' }));
    assert.match(badInputs.answer.error ?? '', /column/i);
    assert.match((await invoke('covalent_getDispatch', { dispatchId: 'abc' })).error ?? '', /not a Covalent dispatch id/);
    const unknown = await invoke('covalent_getDispatch', { dispatchId: '00000000-0000-4000-8000-000000000000' });
    assert.match(unknown.error ?? '', /has no dispatch 00000000-0000-4000-8000-000000000000/);
    const seedId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: howto.toString(), lattice: 'workflow', args: '1, 2' });
    const noTask = await invoke('covalent_getTask', { dispatchId: seedId, taskId: 999 });
    assert.match(noTask.error ?? '', /has no task 999\. Its tasks are 0 \(task_0\)/);
    assert.match((await invoke('covalent_getTask', { dispatchId: seedId, taskId: 'first' })).error ?? '', /"taskId" must be/);
    await waitForTerminalStatus(env.serverAddress, seedId);
  });

  it('says the server is down, and which', async () => {
    const config = vscode.workspace.getConfiguration('covalent');
    const previous = config.inspect<string>('dispatcherAddress')?.workspaceValue;
    const dead = `http://127.0.0.1:${await deadPort()}`;
    await config.update('dispatcherAddress', dead, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the new server address', () => api.services.settings.current.dispatcherAddress === dead, 5000);
      const answer = await invoke('covalent_getDispatch', { dispatchId: '00000000-0000-4000-8000-000000000001' });
      assert.ok(answer.error?.includes('127.0.0.1'), answer.error);
      assert.match(answer.error ?? '', /reach|refused|not running|start/i);
    } finally {
      await config.update('dispatcherAddress', previous, vscode.ConfigurationTarget.Workspace);
    }
  });

  /** Calls a tool as agent mode does, outside a chat session; the answer's one text part, parsed. */
  async function invoke<T = Answer>(name: string, input: object): Promise<T> {
    const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
    assert.strictEqual(result.content.length, 1, 'one part');
    const part = result.content[0] as { value?: unknown };
    assert.strictEqual(typeof part.value, 'string', 'a text part');
    return JSON.parse(part.value as string) as T;
  }

  /** A tool that acts: the question VS Code asks before it runs (title and message), then its answer. */
  async function confirmed<T = Answer>(name: AgentToolName, input: Record<string, unknown>): Promise<{ answer: T; dialog: string }> {
    const prepared = api.agentTools.prepare(name, input);
    const question = prepared.confirmationMessages;
    assert.ok(question, `${name} asks before it acts`);
    const message = typeof question.message === 'string' ? question.message : question.message.value;
    return { answer: await invoke<T>(name, input), dialog: `${question.title}\n${message}` };
  }
});

/** What the tools answer, as far as these tests read it. */
interface Answer {
  readonly error?: string;
  readonly dispatchId?: string;
  readonly status?: string;
  readonly result?: string;
}
interface ListAnswer {
  readonly workflows: readonly { file: string; lattice: string; line: number; parameters: string[] }[];
}
interface PreviewAnswer {
  readonly nodes: readonly { id: number; name: string; kind: string; file?: string; line?: number }[];
  readonly edges: readonly { source: number; target: number }[];
}
interface DispatchAnswer extends Answer {
  readonly lattice: string;
  readonly tasks: readonly { id: number; name: string; status: string; error?: string }[];
}
interface TaskAnswer extends Answer {
  readonly inputs: string;
  readonly source: string;
  readonly sourceFile: string;
}
interface RunAnswer extends Answer {
  readonly sameAsServer?: boolean;
}

/** A loopback port nothing listens on. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}
