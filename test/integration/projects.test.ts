import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchCount, dispatchSuite, dispatchWithPython, expectRejection, extensionApi, graphNodes, type GraphNode, lastLine, replaceInEditor, reused, runPython, sleep, waitForDespiteErrors, withUnsavedEditor } from './support/dispatching';

/**
 * Workflows shaped like real projects, through the public commands, in the real
 * VS Code with the real bridge and server: the example package (relative imports,
 * a helper module inside electrons, keyword inputs with defaults, a sublattice
 * the server builds in a worker), redispatching them, dispatches made elsewhere,
 * and the project-shaped bad inputs.
 */
describe('Projects: packages, helper modules, sublattices and redispatch', function () {
  this.timeout(240000);
  const { env, scratchFile } = dispatchSuite();
  const flowFile = () => vscode.Uri.file(path.join(env.workspaceFolder, 'pipeline', 'flow.py'));
  const stepsFile = () => path.join(env.workspaceFolder, 'pipeline', 'steps.py');
  let firstDispatch: string;

  async function completedResult(dispatchId: string): Promise<string> {
    const status = await waitForTerminalStatus(env.serverAddress, dispatchId, 120000);
    assert.strictEqual(status, 'COMPLETED', `dispatch ${dispatchId} ended ${status}`);
    return dispatchResultString(env.serverAddress, dispatchId);
  }

  function node(nodes: readonly GraphNode[], name: string): GraphNode {
    const found = nodes.find((candidate) => candidate.name === name);
    assert.ok(found, `a node named ${name} (got ${nodes.map((candidate) => candidate.name).join(', ')})`);
    return found;
  }

  async function nothingDispatched(action: () => Promise<unknown>): Promise<void> {
    const before = await dispatchCount(env.serverAddress);
    await action();
    await sleep(300);
    assert.strictEqual(await dispatchCount(env.serverAddress), before, 'the server holds no new dispatch');
  }

  it('Dispatch on a lattice with required parameters and no remembered inputs: the API call is told which, the lens asks for them prefilled from the signature', async () => {
    await nothingDispatched(() =>
      expectRejection(
        vscode.commands.executeCommand('covalent.dispatch', { uri: flowFile().toString(), lattice: 'summary' }),
        /summary needs a value for values \(its parameters: values=, by=0\).*nothing was dispatched/,
      ),
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(flowFile()));
    const lens = await waitForDespiteErrors('the Dispatch lens of summary', async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', flowFile())) ?? [];
      return lenses.find((candidate) => candidate.command?.command === 'covalent.dispatch' && (candidate.command.arguments?.[0] as { lattice?: string } | undefined)?.lattice === 'summary')?.command;
    });
    const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
    const original = window.showInputBox;
    const asked: (vscode.InputBoxOptions | undefined)[] = [];
    // The person types the values into the box the command shows.
    window.showInputBox = (options) => {
      asked.push(options);
      return Promise.resolve('values=[1, 2, 3], by=1');
    };
    let dispatchId: string;
    try {
      dispatchId = await vscode.commands.executeCommand<string>(lens.command, ...((lens.arguments ?? []) as unknown[]));
    } finally {
      window.showInputBox = original;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    assert.strictEqual(asked.length, 1, 'asked once');
    assert.strictEqual(asked[0]?.value, 'values=, by=0');
    assert.deepStrictEqual(asked[0]?.valueSelection, [7, 7], 'the cursor waits where the first value is missing');
    // The example package: relative imports, the helpers module inside electrons, a sublattice built by the server.
    assert.strictEqual(await completedResult(dispatchId), '3 values, total 15');
    const api = await extensionApi();
    assert.strictEqual(api.services.store.get(dispatchId)?.origin?.inputs, 'values=[1, 2, 3], by=1');
    firstDispatch = dispatchId;
  });

  it('redispatch with the previous keyword inputs, a replaced electron from a project module and reuse: reused tasks have equal start and end times', async () => {
    const original = fs.readFileSync(stepsFile(), 'utf8');
    fs.writeFileSync(stepsFile(), original.replace('return describe(amount, size)', 'return describe(amount, size).upper()'));
    try {
      const redispatchId = await vscode.commands.executeCommand<string>('covalent.redispatch', {
        dispatchId: firstDispatch,
        uri: flowFile().toString(),
        replaceElectrons: ['report'],
        reusePreviousResults: true,
      });
      assert.strictEqual(await completedResult(redispatchId), '3 VALUES, TOTAL 15', 'the previous keywords values=[1, 2, 3], by=1 and the edited report');
      const nodes = await graphNodes(env.serverAddress, redispatchId);
      assert.ok(reused(nodes, node(nodes, 'count').node_id), 'count reused (its input did not change)');
      assert.ok(!reused(nodes, node(nodes, 'report').node_id), 'report (replaced) ran again');
    } finally {
      fs.writeFileSync(stepsFile(), original);
    }
  });

  it('redispatch with new inputs → the new result', async () => {
    const redispatchId = await vscode.commands.executeCommand<string>('covalent.redispatch', {
      dispatchId: firstDispatch,
      args: 'values=[5], by=0',
      reusePreviousResults: false,
    });
    assert.strictEqual(await completedResult(redispatchId), '1 values, total 10');
  });

  it('a sublattice dispatched from the editor’s unsaved text of a package module completes with that text', async () => {
    await withUnsavedEditor(flowFile(), async (editor) => {
      await replaceInEditor(editor, 'return [shift(value, by) for value in values]', 'return [shift(value, by) for value in values] + values');
      const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: flowFile().toString(), lattice: 'summary', args: 'values=[1, 2], by=0' });
      // The buffer's sublattice returns [2, 4] + [1, 2]: total 9 (the file's would give 6).
      assert.strictEqual(await completedResult(dispatchId), '2 values, total 9');
    });
  });

  it('a flat file outside every workspace folder is its own project: its sibling helper is shipped and its sublattice completes', async () => {
    fs.writeFileSync(scratchFile('scratch_helpers.py'), 'def triple(x):\n    return 3 * x\n');
    const file = scratchFile('scratch_flow.py');
    fs.writeFileSync(
      file,
      [
        'import covalent as ct',
        'from scratch_helpers import triple',
        '',
        '@ct.electron',
        'def grow(x):',
        '    return triple(x)',
        '',
        '@ct.electron',
        '@ct.lattice',
        'def inner(x):',
        '    return grow(x)',
        '',
        '@ct.lattice',
        'def outer(x, y=1):',
        '    return inner(x + y)',
        '',
      ].join('\n'),
    );
    assert.strictEqual(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)), undefined);
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: vscode.Uri.file(file).toString(), lattice: 'outer', args: 'x=4' });
    assert.strictEqual(await completedResult(dispatchId), '15');
  });

  it('a dispatch made by a plain Python script is redispatched with new literal inputs, without a file; an unknown id is named', async () => {
    const scriptDispatch = await dispatchWithPython(env, 'redispatch_howto', 'workflow', 'a=1, b=2');
    assert.strictEqual(await completedResult(scriptDispatch), '1.5');
    const api = await extensionApi();
    assert.strictEqual(api.services.store.get(scriptDispatch)?.origin?.fileUri, undefined, 'the editor knows no file for it');
    const redispatchId = await vscode.commands.executeCommand<string>('covalent.redispatch', { dispatchId: scriptDispatch, args: '1, 4' });
    assert.strictEqual(await completedResult(redispatchId), '1.25');
    // Previous keyword inputs, with a replaced electron, for a dispatch made elsewhere.
    const replaced = await vscode.commands.executeCommand<string>('covalent.redispatch', {
      dispatchId: scriptDispatch,
      uri: vscode.Uri.file(path.join(env.workspaceFolder, 'redispatch_howto.py')).toString(),
      replaceElectrons: ['task_2=task_2_redefined'],
    });
    assert.strictEqual(await completedResult(replaced), '6', '(1 + 2) * 2 with the previous keywords a=1, b=2');

    await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.redispatch', { dispatchId: scriptDispatch, args: 'a=SOME_NAME' }), /inputs name `SOME_NAME`.*needs the workflow's file/),
    );
    const unknown = '00000000-0000-4000-8000-000000000000';
    await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.redispatch', { dispatchId: unknown, args: '1, 4' }), new RegExp(`no dispatch ${unknown} on ${env.serverAddress}`)),
    );
  });

  it('a script’s __main__ workflow with a sublattice, redispatched with new literal inputs from the editor', async () => {
    const script = [
      'import sys, covalent as ct',
      '@ct.electron',
      'def square(x):',
      '    return x * x',
      '@ct.electron',
      '@ct.lattice',
      'def squares(n):',
      '    return [square(i) for i in range(n)]',
      '@ct.lattice',
      'def flow(n):',
      '    return squares(n)',
      'print(ct.dispatch(flow, dispatcher_addr=sys.argv[1])(3))',
    ].join('\n');
    const dispatchId = lastLine(await runPython(env, script));
    assert.strictEqual(await completedResult(dispatchId), '[0, 1, 4]');
    const redispatchId = await vscode.commands.executeCommand<string>('covalent.redispatch', { dispatchId, args: '4' });
    assert.strictEqual(await completedResult(redispatchId), '[0, 1, 4, 9]');
  });

  describe('bad input: a clear message, nothing dispatched', () => {
    const project = (name: string, files: Record<string, string>) => {
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(scratchFile(path.join(name, file))), { recursive: true });
        fs.writeFileSync(scratchFile(path.join(name, file)), text);
      }
    };
    const dispatchOf = (file: string, args = '') =>
      vscode.commands.executeCommand('covalent.dispatch', { uri: vscode.Uri.file(scratchFile(file)).toString(), lattice: 'flow', args });

    it('a package whose __init__.py raises', async () => {
      project('bad_init', {
        'pkg/__init__.py': 'raise RuntimeError("the package refuses to import")\n',
        'pkg/flow.py': 'import covalent as ct\n@ct.lattice\ndef flow():\n    return 1\n',
      });
      await nothingDispatched(() => expectRejection(dispatchOf('bad_init/pkg/flow.py'), /flow\.py failed to import: RuntimeError: the package refuses to import.*traceback is in the Covalent output/));
    });

    it('a circular import', async () => {
      project('circular', {
        'pkg/__init__.py': '',
        'pkg/flow.py': 'import covalent as ct\nfrom .helpers import helper\n@ct.lattice\ndef flow():\n    return helper()\n',
        'pkg/helpers.py': 'from .flow import flow\ndef helper():\n    return 1\n',
      });
      await nothingDispatched(() => expectRejection(dispatchOf('circular/pkg/flow.py'), /failed to import: ImportError: .*circular import/));
    });

    it('a project module that shadows the standard library', async () => {
      project('shadowing', {
        'random.py': 'def pick():\n    return 4\n',
        'flow.py': 'import covalent as ct\nfrom random import pick\n@ct.lattice\ndef flow():\n    return pick()\n',
      });
      await nothingDispatched(() => expectRejection(dispatchOf('shadowing/flow.py'), /random\.py shadows the standard library's module of that name, which Python imports instead: rename it/));
    });

    it('a helper module with a value that cannot be pickled by value: names it and says what to do', async () => {
      project('unpicklable', {
        'resources.py': 'import threading\nLOCK = threading.Lock()\ndef guarded(x):\n    with LOCK:\n        return x\n',
        'flow.py': 'import covalent as ct\nfrom resources import guarded\n@ct.electron\ndef task(x):\n    return guarded(x)\n@ct.lattice\ndef flow(x):\n    return task(x)\n',
      });
      await nothingDispatched(() => expectRejection(dispatchOf('unpicklable/flow.py', '1'), /LOCK in resources\.py \(a lock\) cannot be pickled.*Create it inside the function that needs it/));
    });

    it('the views keep working: the example project still dispatches afterwards', async () => {
      const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: flowFile().toString(), lattice: 'summary', args: 'values=[2], by=0' });
      assert.strictEqual(await completedResult(dispatchId), '1 values, total 4');
    });
  });
});
