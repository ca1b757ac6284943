import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AgentBackend } from '../../src/agentTools/backend';
import { AGENT_TOOL_NAMES, TOOL_SPECS, TOOL_TAGS } from '../../src/agentTools/catalog';
import { answerTool, cut, resolvePath, shownPath } from '../../src/agentTools/toolbox';
import { UnknownDispatchError } from '../../src/covalent/errors';
import type { DispatchManifest } from '../../src/covalent/manifest';
import type { ResultDetailsReader } from '../../src/covalent/resultDetails';
import { confirmationOf } from '../../src/languageModelTools/confirmations';
import { readArguments, readToken } from '../../src/mcp/main';
import { definitionIn } from '../../src/mcp/workspaceDefinitions';

/** The agent tools' pure parts: the catalog against package.json, input checks in words, answers cut, confirmations. */

const root = path.resolve(__dirname, '../../..');
const DISPATCH = '4ec8b431-d437-4bf6-b364-f37a4ef5c082';

describe('Agent tools: catalog, inputs and answers', () => {
  let folder: string;
  let backend: AgentBackend;
  let called: string[];

  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-tools-'));
    fs.writeFileSync(path.join(folder, 'flow.py'), 'import covalent as ct\n');
    fs.writeFileSync(path.join(folder, 'empty.py'), '\n');
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  beforeEach(() => {
    called = [];
    const manifest: DispatchManifest = {
      dispatchId: DISPATCH,
      status: 'FAILED',
      name: 'flow',
      assets: {},
      latticeAssets: {},
      links: [],
      nodes: new Map([
        [0, { nodeId: 0, name: 'ok', status: 'COMPLETED', assets: {} }],
        [1, { nodeId: 1, name: ':parameter:2', status: 'COMPLETED', assets: {} }],
        [2, { nodeId: 2, name: 'bad', status: 'FAILED', assets: {} }],
      ]),
    };
    const reader = {
      manifest: (dispatchId: string) =>
        dispatchId === DISPATCH ? Promise.resolve(manifest) : Promise.reject(new UnknownDispatchError(`http://server/api/v2/dispatches/${dispatchId}`, dispatchId, 'not found')),
      forget: () => undefined,
      taskError: () => Promise.resolve('ValueError: no\n' + 'x'.repeat(10000)),
      workflow: () => Promise.resolve({ dispatchId: DISPATCH, fields: { inputs: { text: '', truncated: false }, result: { text: '', truncated: false }, error: { text: 'a task failed', truncated: false } } }),
    } as unknown as ResultDetailsReader;
    backend = {
      workspaceFolder: folder,
      workflows: () => Promise.resolve([{ path: path.join(folder, 'flow.py'), lattice: 'flow', line: 4, parameters: ['a', 'b=1'] }]),
      preview: () => {
        called.push('preview');
        return Promise.reject(new Error('not here'));
      },
      dispatch: () => {
        called.push('dispatch');
        return Promise.resolve(DISPATCH);
      },
      redispatch: () => Promise.resolve(DISPATCH),
      cancel: () => Promise.resolve(),
      runTaskLocally: () => Promise.resolve({ status: 'failed', error: 'no', functionFrom: 'workspace', serverStatus: 'FAILED' }),
      serverOf: () => 'http://server',
      reader: () => reader,
      currentSource: () => Promise.resolve(undefined),
      explain: (error) => `explained: ${(error as Error).message}`,
    };
  });

  it('contributes exactly the catalog in package.json (names, reference names, descriptions, schemas, tags)', () => {
    const manifestJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { languageModelTools: Record<string, unknown>[] } };
    const contributed = manifestJson.contributes.languageModelTools;
    assert.deepStrictEqual(contributed.map((tool) => tool.name), [...AGENT_TOOL_NAMES]);
    for (const spec of TOOL_SPECS) {
      const tool = contributed.find((candidate) => candidate.name === spec.name);
      assert.ok(tool);
      assert.strictEqual(tool.toolReferenceName, spec.toolReferenceName);
      assert.strictEqual(tool.displayName, spec.displayName);
      assert.strictEqual(tool.modelDescription, spec.modelDescription);
      assert.deepStrictEqual(tool.inputSchema, spec.inputSchema);
      assert.deepStrictEqual(tool.tags, [...TOOL_TAGS]);
    }
    assert.deepStrictEqual(TOOL_SPECS.filter((spec) => spec.confirms).map((spec) => spec.name), ['covalent_dispatch', 'covalent_redispatch', 'covalent_cancel', 'covalent_runTaskLocally']);
    assert.deepStrictEqual(TOOL_SPECS.filter((spec) => spec.readOnly).map((spec) => spec.name), ['covalent_listWorkflows', 'covalent_getDispatch', 'covalent_getTask']);
  });

  it('names the lattices a file has when the one asked for is missing, and the file when it is not there', async () => {
    assert.deepStrictEqual(await answerTool('covalent_dispatch', { file: 'flow.py', lattice: 'nope' }, backend), { error: 'flow.py has no module-level lattice named "nope". Its lattices are: flow(a, b=1).' });
    assert.match(String((await answerTool('covalent_dispatch', { file: 'empty.py', lattice: 'flow' }, backend)).error), /empty\.py has no module-level @ct\.lattice function/);
    assert.match(String((await answerTool('covalent_dispatch', { file: 'gone.py', lattice: 'flow' }, backend)).error), /There is no file gone\.py/);
    assert.match(String((await answerTool('covalent_dispatch', { lattice: 'flow' }, backend)).error), /"file" is missing/);
    assert.deepStrictEqual(called, []);
  });

  it('checks ids before asking a server, and says when the server has no such dispatch or task', async () => {
    assert.match(String((await answerTool('covalent_getDispatch', { dispatchId: 'abc' }, backend)).error), /"abc" is not a Covalent dispatch id/);
    assert.match(String((await answerTool('covalent_getDispatch', { dispatchId: '00000000-0000-4000-8000-000000000000' }, backend)).error), /The server http:\/\/server has no dispatch/);
    assert.strictEqual((await answerTool('covalent_getTask', { dispatchId: DISPATCH, taskId: 7 }, backend)).error, `Dispatch ${DISPATCH} has no task 7. Its tasks are 0 (ok), 2 (bad).`);
    assert.match(String((await answerTool('covalent_getTask', { dispatchId: DISPATCH, taskId: -1 }, backend)).error), /"taskId" must be/);
    assert.match(String((await answerTool('covalent_getTask', [1, 2], backend)).error), /must be a JSON object/);
  });

  it('lists failed tasks first, without parameters, each error cut with its length said', async () => {
    const answer = await answerTool('covalent_getDispatch', { dispatchId: DISPATCH }, backend);
    const tasks = answer.tasks as { id: number; name: string; error?: string }[];
    assert.deepStrictEqual(tasks.map((task) => task.name), ['bad', 'ok']);
    assert.match(tasks[0]?.error ?? '', /^ValueError: no\nx+… \[cut: 10015 characters in all\]$/);
    assert.strictEqual(answer.error, 'a task failed');
  });

  it('answers a failure of the host in its own words', async () => {
    assert.deepStrictEqual(await answerTool('covalent_previewGraph', { file: 'flow.py', lattice: 'flow' }, backend), { error: 'explained: not here' });
  });

  it('reads paths as the model gives them, and shows them relative to the workspace', () => {
    assert.strictEqual(resolvePath('a/b.py', '/w'), path.join('/w', 'a/b.py'));
    assert.strictEqual(resolvePath('file:///x/y.py', '/w'), '/x/y.py');
    assert.strictEqual(resolvePath('rel.py', undefined), undefined);
    assert.strictEqual(shownPath('/w/a/b.py', '/w'), 'a/b.py');
    assert.strictEqual(shownPath('/elsewhere/b.py', '/w'), '/elsewhere/b.py');
    assert.strictEqual(cut('abc', 2), 'ab… [cut: 3 characters in all]');
  });

  it('asks before acting, naming the lattice or dispatch, the inputs and the server', () => {
    const context = { workspaceFolder: '/w', serverOf: () => 'http://localhost:48008', latticeOf: () => 'flow' };
    const dispatch = confirmationOf('covalent_dispatch', { file: 'flow.py', lattice: 'flow', args: '1, 2' }, context);
    assert.strictEqual(dispatch?.title, 'Dispatch flow?');
    assert.match(dispatch?.message ?? '', /`flow` of `flow\.py` with the inputs `1, 2` to the Covalent server `http:\/\/localhost:48008`/);
    const redispatch = confirmationOf('covalent_redispatch', { dispatchId: DISPATCH, replaceElectrons: { bad: 'bad' }, reusePreviousResults: true }, context);
    assert.match(redispatch?.message ?? '', new RegExp(`dispatch \`${DISPATCH}\` \\(\`flow\`\\).*previous inputs, replacing \`bad\` with the electron \`bad\`.*reusing`));
    assert.match(confirmationOf('covalent_cancel', { dispatchId: DISPATCH }, context)?.message ?? '', /Cancel dispatch/);
    assert.match(confirmationOf('covalent_runTaskLocally', { dispatchId: DISPATCH, taskId: 2 }, context)?.message ?? '', /Run task `2`/);
    assert.strictEqual(confirmationOf('covalent_getDispatch', { dispatchId: DISPATCH }, context), undefined);
  });

  it('builds the MCP server without vscode: its bundle requires no vscode module', () => {
    const bundle = path.join(root, 'dist', 'mcp.js');
    assert.ok(fs.existsSync(bundle), 'npm run build made dist/mcp.js');
    assert.doesNotMatch(fs.readFileSync(bundle, 'utf8'), /require\(["']vscode["']\)/);
  });

  it('reads the MCP server\'s arguments, and its token only from the environment', () => {
    assert.deepStrictEqual(readArguments(['--server', 'http://h:1', '--python=/py', '--workspace', folder], '/'), { server: 'http://h:1', python: '/py', workspace: folder });
    assert.strictEqual(readArguments([], folder).workspace, folder);
    assert.throws(() => readArguments(['--token', 'secret'], folder), /readable by other users.*COVALENT_TOKEN/);
    assert.throws(() => readArguments(['--verbose'], folder), /Unknown argument --verbose/);
    assert.throws(() => readArguments(['--workspace', path.join(folder, 'none')], '/'), /is not a folder/);
    fs.writeFileSync(path.join(folder, 'token'), 'from-file\n');
    assert.strictEqual(readToken({ COVALENT_TOKEN: ' abc ' }), 'abc');
    assert.strictEqual(readToken({ COVALENT_TOKEN_FILE: path.join(folder, 'token') }), 'from-file');
    assert.strictEqual(readToken({}), undefined);
    assert.throws(() => readToken({ COVALENT_TOKEN_FILE: path.join(folder, 'missing') }), /cannot be read/);
  });

  it('finds a definition on disk with its decorators and body (the MCP server\'s source of a task)', () => {
    const text = ['import covalent as ct', '', '@ct.electron', 'def shaky(x):', '    y = x', '', '    return y', '', 'def other():', '    pass'].join('\n');
    assert.deepStrictEqual(definitionIn(text, 'shaky'), { line: 3, text: '@ct.electron\ndef shaky(x):\n    y = x\n\n    return y' });
    assert.strictEqual(definitionIn(text, 'missing'), undefined);
  });
});
