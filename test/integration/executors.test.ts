import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import type { DispatchTreeNode } from '../../src/views/dispatchesTree';
import { harness, type HarnessDaskCluster } from '../support/harness';
import { daskCluster } from './support/cluster';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchCount, dispatchSuite, expectRejection, extensionApi, sleep, waitFor, waitForDespiteErrors } from './support/dispatching';

/**
 * Where tasks run, through the public commands, on a real Dask cluster (the
 * harness's scheduler and two workers on loopback): the tasks say which worker
 * ran them, so the cluster itself tells where they ran; the tree, the result
 * panel and the lens row show it; bad executor choices dispatch nothing.
 */
describe('Executors: choose where a workflow runs, on a real Dask cluster', function () {
  this.timeout(240000);
  const { env, scratchFile } = dispatchSuite();
  let api: CovalentExtensionApi;
  let cluster: HarnessDaskCluster;
  let probe: vscode.Uri;
  let closedPort: number;
  /** The first test's dispatch, made on the cluster profile. */
  let onCluster: string;

  /** Each task answers where it ran; the sublattice and the electron that names its own executor say whether a choice reaches them. */
  const PROBE = [
    'import json',
    '',
    'import covalent as ct',
    '',
    '',
    '@ct.electron',
    'def where(index):',
    '    try:',
    '        from distributed import get_worker',
    '',
    '        return get_worker().address',
    '    except (ImportError, ValueError):',
    '        return "not on a Dask worker"',
    '',
    '',
    '@ct.electron(executor="local")',
    'def pinned():',
    '    return where(0)  # outside a lattice an electron is a plain call',
    '',
    '',
    '@ct.electron',
    'def report(direct, pinned, nested):',
    '    return json.dumps({"direct": sorted(set(direct)), "pinned": pinned, "nested": nested})',
    '',
    '',
    '@ct.lattice',
    'def spread(n):',
    '    return [where(index) for index in range(n)]',
    '',
    '',
    'nested = ct.electron(spread)',
    '',
    '',
    '@ct.lattice',
    'def probe(n=4):',
    '    return report([where(index) for index in range(n)], pinned(), nested(2))',
    '',
  ].join('\n');

  interface WhereItRan {
    readonly direct: string[];
    readonly pinned: string;
    readonly nested: string[];
  }

  async function run(request: Record<string, unknown>): Promise<{ dispatchId: string; ran: WhereItRan }> {
    const outcome = await vscode.commands.executeCommand<{ dispatchId: string; status: string; result: string }>('covalent.dispatchSync', { uri: probe.toString(), lattice: 'probe', ...request });
    assert.strictEqual(outcome.status, 'COMPLETED', JSON.stringify(outcome));
    return { dispatchId: outcome.dispatchId, ran: JSON.parse(outcome.result) as WhereItRan };
  }

  const onOurWorkers = (address: string) => cluster.workerAddresses.includes(address);

  before(async () => {
    api = await extensionApi();
    cluster = await daskCluster();
    closedPort = await harness('covalentServer').freePort();
    const runDir = path.dirname(env.serverHome);
    await vscode.workspace.getConfiguration('covalent').update(
      'executors',
      {
        // The worker writes results where the executor says: keep them in the run's folder.
        cluster: { executor: 'dask', scheduler_address: cluster.schedulerAddress, cache_dir: path.join(runDir, 'dask-results') },
        gone: { executor: 'dask', scheduler_address: `tcp://127.0.0.1:${closedPort}`, cache_dir: path.join(runDir, 'dask-results') },
        hpc: { executor: 'slurm', address: 'login.example.org', username: 'ada' },
        typo: { executor: 'dask', scheduler_adress: cluster.schedulerAddress },
        unfinished: { scheduler_address: cluster.schedulerAddress },
      },
      vscode.ConfigurationTarget.Global,
    );
    await waitFor('the profiles in the settings', () => Object.keys(api.services.settings.current.executors).length === 5);
    probe = vscode.Uri.file(scratchFile('executor_probe.py'));
    fs.writeFileSync(probe.fsPath, PROBE);
  });

  after(async () => {
    for (const panel of api.services.panels.all()) panel.close();
    await vscode.workspace.getConfiguration('covalent').update('executors', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs every task on the cluster profile — sublattice and an electron pinned to local too — and says so in the tree, the panel and the lens row', async function () {
    // The first workflow on a cluster just started: once in five fresh runs here Covalent's own Dask
    // task wrapper failed the sublattice ("cannot access local variable 'result_summary'", raised in
    // covalent/executor/utils/wrappers.py when a worker task ends with a BaseException). Another try
    // runs the same workflow again; the next test builds on its dispatch.
    this.retries(1);
    const { dispatchId, ran } = await run({ args: '4', executor: 'cluster' });
    onCluster = dispatchId;
    // From the cluster's side: each task returned the address of the worker that ran it.
    assert.ok(ran.direct.length > 0 && ran.direct.every(onOurWorkers), `the tasks ran on ${ran.direct.join(', ')}; the cluster's workers are ${cluster.workerAddresses.join(', ')}`);
    assert.ok(onOurWorkers(ran.pinned), `the electron written with executor="local" ran on ${ran.pinned}`);
    assert.ok(ran.nested.length > 0 && ran.nested.every(onOurWorkers), `the sublattice's tasks ran on ${ran.nested.join(', ')}`);

    const where = `dask · scheduler ${cluster.schedulerAddress}`;
    // The Dispatches tree: each task's tooltip names the executor and the scheduler.
    const tree = api.services.liveViews.tree;
    const row = await waitFor('the dispatch in the tree', () => tree.rootNodes().find((node): node is Extract<DispatchTreeNode, { kind: 'dispatch' }> => node.kind === 'dispatch' && node.dispatchId === dispatchId));
    assert.match(tooltipText(tree.getTreeItem(row)), /Dispatched on cluster/);
    const tooltips = await waitFor('the executor in the task tooltips', async () => {
      const texts = (await tree.getChildren(row)).map((node) => tooltipText(tree.getTreeItem(node)));
      return texts.length > 0 && texts.every((text) => text.includes(where)) ? texts : undefined;
    });
    assert.ok(tooltips.some((text) => text.startsWith('**where**')), 'the fan-out tasks are rows');

    // The result panel: the graph's data, the header's summary and the task's details.
    await vscode.commands.executeCommand('covalent.openResult', { dispatchId });
    const panel = api.services.panels.get(dispatchId);
    assert.ok(panel);
    const report = await waitForDespiteErrors(
      'the executor in the panel',
      async () => {
        const drawn = await panel.probe(5000);
        return drawn.nodes.some((node) => node.name === 'where' && node.executor === where) && drawn.header.includes(`Runs on${where}`) ? drawn : undefined;
      },
      60000,
      300,
    );
    panel.select(report.nodes.find((node) => node.name === 'pinned')!.nodeId);
    await waitForDespiteErrors('the executor in the task details', async () => ((await panel.probe(5000)).detailsText.includes(`Executor${where}`) ? true : undefined), 30000, 300);

    // The choice is remembered for the lattice and shown in its lens row.
    await vscode.window.showTextDocument(probe);
    const lens = await waitForDespiteErrors('the lens row to say where it runs', async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', probe)) ?? [];
      return lenses.find((candidate) => candidate.command?.command === 'covalent.chooseExecutor' && candidate.command.title.includes('on cluster'));
    }, 30000, 200);
    assert.strictEqual(lens.command?.title, '$(server-environment) on cluster');
  });

  it('runs chosen electrons on the cluster and leaves the rest as written; a redispatch moves everything to local', async () => {
    const { ran } = await run({ args: '2', executors: { pinned: 'cluster' } });
    assert.ok(onOurWorkers(ran.pinned), `pinned ran on ${ran.pinned}`);
    // As written: the server's own Dask cluster, whose workers are not ours.
    assert.ok(ran.direct.every((address) => address.startsWith('tcp://') && !onOurWorkers(address)), `the others ran on ${ran.direct.join(', ')}`);
    assert.ok(ran.nested.every((address) => !onOurWorkers(address)));

    // The first dispatch again, with its previous inputs, on the local executor: the graph is built again with the choice.
    const redispatched = await vscode.commands.executeCommand<string>('covalent.redispatch', { dispatchId: onCluster, executor: 'local' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, redispatched), 'COMPLETED');
    const local = JSON.parse(await dispatchResultString(env.serverAddress, redispatched)) as WhereItRan;
    assert.deepStrictEqual(local, { direct: ['not on a Dask worker'], pinned: 'not on a Dask worker', nested: ['not on a Dask worker', 'not on a Dask worker'] });
    const redispatchedTasks = await api.services.servers.client(env.serverAddress).details.taskExecutors(redispatched);
    assert.ok([...redispatchedTasks.values()].every((executor) => executor.name === 'local'), 'the redispatch ran every task on local');
  });

  it('a person’s Dispatch with Inputs… runs where the lattice’s lens row says: chosen once, remembered, no code edited', async () => {
    const fanOut = vscode.Uri.file(path.join(env.workspaceFolder, 'cluster_fanout.py'));
    await vscode.commands.executeCommand('covalent.chooseExecutor', { uri: fanOut.toString(), lattice: 'fan_out', executor: 'cluster' });
    await vscode.window.showTextDocument(fanOut);
    await waitForDespiteErrors('the lens row to say on cluster', async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fanOut)) ?? [];
      return lenses.some((lens) => lens.command?.title === '$(server-environment) on cluster') || undefined;
    }, 30000, 200);
    const document = await vscode.workspace.openTextDocument(fanOut);
    const hoverAt = async (name: string) => {
      const line = document.getText().split('\n').findIndex((text) => text.startsWith(`def ${name}(`));
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', fanOut, new vscode.Position(line, 5))) ?? [];
      return hovers.flatMap((hover) => hover.contents.map((part) => (typeof part === 'string' ? part : part.value))).join('\n');
    };
    assert.match(await hoverAt('fan_out'), /it runs \*\*on cluster\*\* instead of as written/);
    const whereHover = await hoverAt('where');
    assert.match(whereHover, /Runs on Covalent's default executor .*neither its decorator nor `fan_out`, which calls it, names an executor/, 'as written');
    assert.match(whereHover, /Dispatched from this editor: `fan_out` runs on cluster/, 'and where the editor sends it');
    // The Workflows row is what a person right-clicks; its inputs box is accepted as offered (empty: the defaults, 16 tasks).
    const row = await waitFor('fan_out in the Workflows view', async () =>
      (await api.services.workflows.fileElements()).find((file) => file.uri.fsPath === fanOut.fsPath)?.lattices.find((lattice) => lattice.lattice === 'fan_out'),
    );
    const dispatched = vscode.commands.executeCommand<string>('covalent.dispatchWithInputs', row);
    let settled = false;
    void Promise.resolve(dispatched).finally(() => (settled = true));
    for (const deadline = Date.now() + 30000; !settled && Date.now() < deadline; ) {
      await sleep(400);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const dispatchId = await dispatched;
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    const workers = (await dispatchResultString(env.serverAddress, dispatchId)).match(/tcp:\/\/[\d.]+:\d+/g) ?? [];
    assert.ok(workers.length > 0 && workers.every(onOurWorkers), `the fan-out ran on ${workers.join(', ')}`);
    assert.deepStrictEqual(api.services.store.get(dispatchId)?.origin?.executors, { all: 'cluster' });
  });

  it('bad choices: a plugin not installed, arguments the plugin refuses, an unknown name, an unfinished profile — nothing is dispatched', async () => {
    const dispatch = (executor: string) => vscode.commands.executeCommand('covalent.dispatch', { uri: probe.toString(), lattice: 'probe', args: '1', executor });
    const before = await dispatchCount(env.serverAddress);
    await expectRejection(dispatch('hpc'), /profile 'hpc' names the plugin 'slurm', which is not installed .*pip install covalent-slurm-plugin.*Nothing was dispatched/);
    await expectRejection(dispatch('typo'), /'typo' \(DaskExecutor\) refuses the arguments scheduler_adress=.*unexpected keyword argument 'scheduler_adress'/);
    await expectRejection(dispatch('clustr'), /'clustr' is neither a profile of the covalent\.executors setting nor an executor plugin installed .*\(installed: dask, local\).*Profiles: cluster, gone, hpc, typo\./);
    await expectRejection(dispatch('unfinished'), /covalent\.executors\["unfinished"\] needs "executor"/);
    await expectRejection(
      vscode.commands.executeCommand('covalent.dispatch', { uri: probe.toString(), lattice: 'probe', args: '1', executors: { wher: 'cluster' } }),
      /probe has no task named wher \(its tasks: .*where.*\)/,
    );
    await expectRejection(vscode.commands.executeCommand('covalent.chooseExecutor', { uri: probe.toString(), lattice: 'probe', executor: 'clustr' }), /clustr: neither a profile/);
    await sleep(300);
    assert.strictEqual(await dispatchCount(env.serverAddress), before, 'the server holds no new dispatch');
  });

  it('a cluster the server cannot reach: the failed task’s error names the executor and its address', async () => {
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: probe.toString(), lattice: 'probe', args: '1', executors: { pinned: 'gone' } });
    const watching = api.services.store.watchGraph(dispatchId);
    try {
      assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'FAILED');
      const error = await waitFor('the failed task’s error', () => api.services.store.taskErrors(dispatchId).find((candidate) => candidate.taskName === 'pinned'), 60000);
      assert.strictEqual(error.executor, `dask · scheduler tcp://127.0.0.1:${closedPort}`);
      assert.match(error.text, new RegExp(`pinned failed on the executor dask · scheduler tcp://127\\.0\\.0\\.1:${closedPort}.*could not reach that executor`));
      // Problems says it too, at the electron.
      const diagnostic = await waitFor('the failure in Problems', () =>
        vscode.languages.getDiagnostics(probe).find((candidate) => candidate.source === 'Covalent' && candidate.message.startsWith(`pinned failed in dispatch ${dispatchId}`)),
      );
      assert.match(diagnostic.message, new RegExp(`It ran on dask · scheduler tcp://127\\.0\\.0\\.1:${closedPort}\\.`));
    } finally {
      watching.dispose();
    }
  });
});

function tooltipText(item: vscode.TreeItem): string {
  const tooltip = item.tooltip;
  return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
}
