import * as assert from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { choiceParams, describeChoice, ExecutorChoiceError, normalizeChoice, readProfiles } from '../../src/executors/choice';
import { describeExecutor, executorText } from '../../src/executors/describe';
import { hover } from '../../src/languageServer/features';
import { ParsedDocument } from '../../src/languageServer/parsedDocument';
import { executorGroups, liveTasks } from '../../src/webview/model';
import type { DispatchGraph, TaskState } from '../../src/store/types';
import { analyze, pythonParser, symbolNamed } from './detectionHelpers';

describe('Executors: where a task runs, in words', () => {
  it('names a Dask cluster by its scheduler, an SSH host by user and host, and keeps secrets and credentials out', () => {
    const dask = describeExecutor('dask', { short_name: 'dask', attributes: { scheduler_address: 'tcp://10.0.0.5:8786', cache_dir: '/home/ada/.cache', log_stdout: 'stdout.log' } });
    assert.strictEqual(dask && executorText(dask), 'dask · scheduler tcp://10.0.0.5:8786');
    const ssh = describeExecutor('ssh', { attributes: { hostname: 'hpc.example.org', username: 'ada', ssh_key_file: '/k', password: 'hunter2' } });
    assert.strictEqual(ssh && executorText(ssh), 'ssh · host hpc.example.org · user ada');
    // A plugin this list does not know: the settings whose names say where, never those that look secret.
    const other = describeExecutor('nebula', { attributes: { region: 'eu-west-1', endpoint_url: 'https://bob:pw@api.example.org/v1', api_token: 'abc', memory: '4GB' } });
    assert.strictEqual(other && executorText(other), 'nebula · endpoint url https://api.example.org/v1 · region eu-west-1');
    assert.ok(!JSON.stringify(other).includes('pw@') && !JSON.stringify(other).includes('abc'));
  });

  it("says a bare short name runs with the server's own settings (Dask: its own cluster), and that local is local", () => {
    const bare = (name: string) => {
      const description = describeExecutor(name, {});
      return description && executorText(description);
    };
    assert.strictEqual(bare('dask'), "dask · the server's own cluster");
    assert.strictEqual(bare('local'), 'local');
    assert.strictEqual(bare('slurm'), "slurm · the server's settings");
    assert.strictEqual(describeExecutor(undefined, undefined), undefined);
    const daskWithoutAddress = describeExecutor('dask', { attributes: { scheduler_address: '' } });
    assert.strictEqual(daskWithoutAddress && executorText(daskWithoutAddress), "dask · the server's own cluster");
  });
});

describe('Executors: profiles and choices', () => {
  const profiles = readProfiles({
    cluster: { executor: 'dask', scheduler_address: 'tcp://10.0.0.5:8786' },
    laptop: { executor: ' local ' },
    broken: { scheduler_address: 'tcp://x:1' },
    odd: 'dask',
  });

  it('reads profiles from the setting and says how each broken entry should look', () => {
    assert.deepStrictEqual(profiles.profiles.get('cluster'), { executor: 'dask', args: { scheduler_address: 'tcp://10.0.0.5:8786' } });
    assert.deepStrictEqual(profiles.profiles.get('laptop'), { executor: 'local', args: {} });
    assert.match(profiles.problems.get('broken') ?? '', /needs "executor"/);
    assert.match(profiles.problems.get('odd') ?? '', /must be an object/);
    assert.strictEqual(readProfiles(undefined).profiles.size, 0);
  });

  it('turns a choice into what the bridge builds: profiles by their plugin and arguments, other names as plugins', () => {
    assert.deepStrictEqual(choiceParams({ all: 'cluster', electrons: { total: 'local' } }, profiles), {
      all: { label: 'cluster', plugin: 'dask', args: { scheduler_address: 'tcp://10.0.0.5:8786' }, profile: true },
      electrons: { total: { label: 'local', plugin: 'local', args: {}, profile: false } },
    });
    assert.strictEqual(choiceParams(undefined, profiles), undefined);
    assert.strictEqual(choiceParams({}, profiles), undefined, 'nothing chosen: as written');
    assert.throws(() => choiceParams({ all: 'broken' }, profiles), (error: unknown) => error instanceof ExecutorChoiceError && /needs "executor".*nothing was dispatched/.test(error.message));
  });

  it('describes a choice the way the lens row shows it', () => {
    assert.strictEqual(describeChoice(undefined), 'as written');
    assert.strictEqual(describeChoice({ all: 'cluster' }), 'on cluster');
    assert.strictEqual(describeChoice({ electrons: { total: 'cluster', add: 'cluster', mul: 'local' } }), 'add, total on cluster · mul on local');
    assert.strictEqual(describeChoice({ all: 'local', electrons: { add: 'cluster' } }), 'on local · add on cluster');
    assert.deepStrictEqual(normalizeChoice({ all: '', electrons: {} }), undefined);
  });
});

describe('Executors: in the result panel’s data', () => {
  const task = (nodeId: number, name: string, executor: string): TaskState => ({ nodeId, name, kind: 'function', status: 'COMPLETED', executor, reused: false });
  const graph: DispatchGraph = { dispatchId: 'd', tasks: [task(0, 'add', 'dask'), task(1, ':parameter:1', 'dask'), task(2, 'add', 'dask'), task(3, 'total', 'local')], edges: [], fetchedAt: 0 };
  const cluster = { name: 'dask', settings: [{ key: 'scheduler', value: 'tcp://127.0.0.1:8786' }], serverDefaults: false };

  it('sends each task’s executor in words once known (its short name before), and groups the user’s tasks by it', () => {
    assert.deepStrictEqual(liveTasks(graph).map((live) => live.executor), ['dask', 'dask', 'dask', 'local']);
    const lookup = (nodeId: number) => (nodeId === 3 ? undefined : cluster);
    assert.strictEqual(liveTasks(graph, lookup)[0]?.executor, 'dask · scheduler tcp://127.0.0.1:8786');
    assert.deepStrictEqual(executorGroups(graph, lookup), [
      { label: 'dask · scheduler tcp://127.0.0.1:8786', tasks: 2 },
      { label: 'local', tasks: 1 },
    ]);
  });
});

describe('Executors: as written, in the language server', () => {
  const source = [
    'import covalent as ct',
    'from covalent import electron',
    '',
    'cluster = ct.executor.DaskExecutor(scheduler_address="tcp://10.0.0.5:8786")',
    '',
    '@ct.electron(',
    '    executor=cluster,',
    ')',
    'def remote(x):',
    '    return x',
    '',
    '@electron(backend="local")',
    'def old_style(x):',
    '    return x',
    '',
    '@ct.electron',
    'def plain(x):',
    '    return x',
    '',
    '@ct.electron',
    'def orphan(x):',
    '    return x',
    '',
    '@ct.lattice(executor=ct.executor.SSHExecutor(hostname="hpc", password="hunter2"), workflow_executor="local")',
    'def flow(x):',
    '    return plain(remote(old_style(x)))',
    '',
    '@ct.lattice',
    'def other(x):',
    '    return plain(x)',
    '',
  ].join('\n');

  it('reads the executor each decorator names, and the lattices that call an electron naming none', async () => {
    const analysis = await analyze(source);
    assert.strictEqual(symbolNamed(analysis, 'remote').executor, 'cluster');
    assert.strictEqual(symbolNamed(analysis, 'old_style').executor, '"local"', 'the older backend= too');
    assert.strictEqual(symbolNamed(analysis, 'flow').workflowExecutor, '"local"');
    assert.deepStrictEqual(symbolNamed(analysis, 'plain').callers, [
      { lattice: 'flow', executor: 'ct.executor.SSHExecutor(hostname="hpc", password="hunter2")' },
      { lattice: 'other' },
    ]);
    assert.strictEqual(symbolNamed(analysis, 'orphan').callers, undefined);
  });

  it('shows it in the hover: the decorator’s, else the lattice’s, else the default; never a password', async () => {
    const parser = await pythonParser();
    const document = new ParsedDocument('file:///executors.py', 1, source, parser);
    const at = (needle: string) => {
      const position = TextDocument.create('file:///x.py', 'python', 0, source).positionAt(source.indexOf(needle));
      return JSON.stringify(hover(document.analysis(), document.syntaxTree, position)?.contents);
    };
    assert.match(at('def remote'.slice(4)), /Runs on `cluster` \(its decorator's `executor`\)/);
    assert.match(at('plain(x):'), /runs on its lattice's — `ct\.executor\.SSHExecutor\(hostname=\\"hpc\\", password=…\)` in `flow`/);
    assert.doesNotMatch(at('plain(x):'), /hunter2/);
    assert.match(at('orphan(x):'), /Covalent's default executor \(`dask`: the Covalent server's own Dask cluster\)/);
    assert.match(at('def flow'.slice(4)), /Post-processing runs on `\\"local\\"`/);
    assert.match(at('other(x):'), /Names no executor: its electrons that name none run on Covalent's default/);
    document.dispose();
  });
});
