import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as vscode from 'vscode';
import { AGENT_TOOL_NAMES, TOOL_SPECS } from '../../src/agentTools/catalog';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchSuite, EXTENSION_ID, graphNodes, nothingDispatched, reused } from './support/dispatching';
import { proxyStats } from './support/proxy';

/**
 * The MCP server for agents outside VS Code, started as the README says
 * (`node dist/mcp.js --server URL --python PATH --workspace DIR`, the token in
 * COVALENT_TOKEN), driven by the official MCP client through the same loop as
 * chat's tools: against the real server, behind the authenticating proxy.
 */
describe('MCP server: the same tools over stdio, through the official MCP client', function () {
  this.timeout(240000);
  const { env, scratchFile } = dispatchSuite();
  let client: Client;
  let stderr = '';

  const BROKEN = ['import covalent as ct', '', '', '@ct.electron', 'def double(x):', '    return 2 * x', '', '', '@ct.electron', 'def shaky(x):', '    raise ValueError(f"cannot take {x}")', '', '', '@ct.lattice', 'def loop(a, b=1):', '    return shaky(double(a)) + b', ''].join('\n');

  async function started(token: string | undefined, workspace: string): Promise<Client> {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(extension.extensionPath, 'dist', 'mcp.js'), '--server', env.proxyAddress, '--python', env.clientPython, '--workspace', workspace],
      // The editor's own Node runs it (Electron's, as plain Node, on the desktop).
      env: { ...(process.env as Record<string, string>), ELECTRON_RUN_AS_NODE: '1', ...(token ? { COVALENT_TOKEN: token } : { COVALENT_TOKEN: '' }) },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const connected = new Client({ name: 'covalent-vscode-tests', version: '1.0.0' });
    await connected.connect(transport);
    return connected;
  }

  before(async () => {
    fs.writeFileSync(scratchFile('agent_loop.py'), BROKEN);
    client = await started(env.proxyToken, path.dirname(scratchFile('agent_loop.py')));
  });

  after(async () => {
    await client?.close();
  });

  it('lists the eight tools with the same names, descriptions and input schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepStrictEqual(tools.map((tool) => tool.name), [...AGENT_TOOL_NAMES]);
    for (const spec of TOOL_SPECS) {
      const tool = tools.find((candidate) => candidate.name === spec.name);
      assert.strictEqual(tool?.description, spec.modelDescription);
      assert.deepStrictEqual(tool?.inputSchema, spec.inputSchema);
    }
  });

  it('runs the loop against the real server behind the proxy, with zero refused requests', async () => {
    await proxyStats(env.proxyAddress, true);
    const listed = await call<{ workflows: { file: string; lattice: string; parameters: string[] }[] }>('covalent_listWorkflows', {});
    assert.deepStrictEqual(listed.workflows.find((workflow) => workflow.lattice === 'loop'), { file: 'agent_loop.py', lattice: 'loop', line: 15, parameters: ['a', 'b=1'] });

    const preview = await nothingDispatched(env.serverAddress, () => call<{ nodes: { name: string }[] }>('covalent_previewGraph', { file: 'agent_loop.py', lattice: 'loop', args: '3' }));
    assert.ok(preview.nodes.some((node) => node.name === 'shaky'));

    const { dispatchId } = await call<{ dispatchId: string }>('covalent_dispatch', { file: 'agent_loop.py', lattice: 'loop', args: '3' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'FAILED');

    const read = await call<{ status: string; tasks: { id: number; name: string; status: string; error?: string }[] }>('covalent_getDispatch', { dispatchId });
    assert.strictEqual(read.status, 'FAILED');
    const failed = read.tasks[0];
    assert.strictEqual(failed?.name, 'shaky');
    assert.match(failed.error ?? '', /cannot take 6/);

    const task = await call<{ error: string; inputs: string; source: string; sourceFile: string }>('covalent_getTask', { dispatchId, taskId: failed.id });
    assert.match(task.error, /cannot take 6/);
    assert.match(task.inputs, /6/);
    assert.match(task.source, /^@ct\.electron\ndef shaky\(x\):\n {4}raise ValueError/);
    assert.strictEqual(task.sourceFile, 'agent_loop.py:9');

    const replayed = await call<{ status: string; error: string; sameAsServer: boolean }>('covalent_runTaskLocally', { dispatchId, taskId: failed.id });
    assert.deepStrictEqual([replayed.status, replayed.sameAsServer], ['failed', true]);
    assert.match(replayed.error, /cannot take 6/);

    fs.writeFileSync(scratchFile('agent_loop.py'), BROKEN.replace('    raise ValueError(f"cannot take {x}")', '    return x + 1'));
    const fixed = await call<{ status: string; result: string }>('covalent_runTaskLocally', { dispatchId, taskId: failed.id });
    assert.deepStrictEqual([fixed.status, fixed.result], ['completed', '7']);

    const redispatched = await call<{ dispatchId: string }>('covalent_redispatch', { dispatchId, replaceElectrons: { shaky: 'shaky' }, reusePreviousResults: true });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, redispatched.dispatchId), 'COMPLETED');
    assert.strictEqual(await dispatchResultString(env.serverAddress, redispatched.dispatchId), '8');
    const doubleTask = read.tasks.find((entry) => entry.name === 'double');
    assert.ok(doubleTask && reused(await graphNodes(env.serverAddress, redispatched.dispatchId), doubleTask.id), 'double was reused');

    const stats = await proxyStats(env.proxyAddress);
    assert.strictEqual(stats.refused, 0, `refused: ${stats.refusedPaths.join(', ')}`);
    assert.ok(stats.forwarded > 0);
  });

  it('cancels through the tool: CANCELLED on the server', async () => {
    fs.writeFileSync(scratchFile('sleepy.py'), ['import time', '', 'import covalent as ct', '', '', '@ct.electron', 'def nap(seconds):', '    time.sleep(seconds)', '    return seconds', '', '', '@ct.lattice', 'def sleepy(seconds=30):', '    return nap(seconds)', ''].join('\n'));
    const { dispatchId } = await call<{ dispatchId: string }>('covalent_dispatch', { file: 'sleepy.py', lattice: 'sleepy' });
    const cancelled = await call<{ dispatchId: string; status: string }>('covalent_cancel', { dispatchId });
    assert.strictEqual(cancelled.dispatchId, dispatchId);
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'CANCELLED');
  });

  it('answers bad input as a tool error in words, and says so when the token is missing', async () => {
    const missing = await client.callTool({ name: 'covalent_dispatch', arguments: { file: 'agent_loop.py', lattice: 'nope' } });
    assert.strictEqual(missing.isError, true);
    assert.match(textOf(missing), /agent_loop\.py has no module-level lattice named \\"nope\\"\. Its lattices are: loop\(a, b=1\)/);
    const unknown = await client.callTool({ name: 'covalent_nothing', arguments: {} });
    assert.match(textOf(unknown), /There is no tool covalent_nothing/);
    const withoutToken = await started(undefined, path.dirname(scratchFile('agent_loop.py')));
    try {
      const refused = await withoutToken.callTool({ name: 'covalent_getDispatch', arguments: { dispatchId: '00000000-0000-4000-8000-000000000000' } });
      assert.strictEqual(refused.isError, true);
      assert.match(textOf(refused), /401|token/i);
    } finally {
      await withoutToken.close();
    }
  });

  async function call<T>(name: string, input: Record<string, unknown>): Promise<T> {
    const result = await client.callTool({ name, arguments: input });
    const text = textOf(result);
    assert.notStrictEqual(result.isError, true, `${name} failed: ${text}\n${stderr.slice(-2000)}`);
    return JSON.parse(text) as T;
  }
});

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const content = result.content as { type: string; text?: string }[];
  assert.strictEqual(content.length, 1);
  assert.strictEqual(content[0]?.type, 'text');
  return content[0]?.text ?? '';
}
