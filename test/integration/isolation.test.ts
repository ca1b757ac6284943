import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { alive, gone, pidWritten } from '../support/processes';
import type { RunTaskResult } from '../../src/replay/replayPlan';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchSuite, expectRejection, extensionApi, graphNodes, nothingDispatched } from './support/dispatching';

function write(file: string, lines: string[]): vscode.Uri {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return vscode.Uri.file(file);
}

/**
 * User code runs in a process of its own for each request, through the public
 * commands against the real server: what it reads, how long it may take, what
 * it sees of other projects, and what a server's recorded data can do to it.
 */
describe('Isolation: each request’s user code in a process of its own, with deadlines', function () {
  this.timeout(240000);
  const { env, howto, scratchFile } = dispatchSuite();
  const settings = () => vscode.workspace.getConfiguration('covalent');
  const dispatch = (uri: vscode.Uri, lattice: string, args?: string) => vscode.commands.executeCommand<string>('covalent.dispatch', { uri: uri.toString(), lattice, args });

  it('input() at import: the message says the file reads standard input, and nothing is dispatched', async () => {
    const asks = write(scratchFile('asks/asks_at_import.py'), ['import covalent as ct', 'NAME = input("Your name? ")', '', '@ct.lattice', 'def workflow():', '    return NAME']);
    const error = await nothingDispatched(env.serverAddress, () => expectRejection(dispatch(asks, 'workflow'), /asks_at_import\.py failed to import: EOFError/));
    assert.match(error.message, /reads standard input at import/);
    // The bridge reads the next request as ever.
    const dispatchId = await dispatch(howto, 'workflow', '1, 2');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
  });

  it('a hung import is stopped at covalent.buildTimeoutSeconds while another file dispatches', async () => {
    const pidFile = scratchFile('hung/pid');
    const hung = write(scratchFile('hung/hangs_at_import.py'), [
      'import os, time',
      'import covalent as ct',
      `open(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))`,
      'time.sleep(3600)  # a network call that never answers',
      '@ct.lattice',
      'def workflow():',
      '    return 1',
    ]);
    await settings().update('buildTimeoutSeconds', 8, vscode.ConfigurationTarget.Global);
    try {
      const stopped = expectRejection(dispatch(hung, 'workflow'), /hangs_at_import\.py took longer than covalent\.buildTimeoutSeconds \(8 s\)/);
      const pid = await pidWritten(pidFile);
      const api = await extensionApi();
      assert.notStrictEqual(pid, api.services.bridges.peek(env.clientPython)?.pid, 'the import runs in a process of its own');
      const other = await dispatch(howto, 'workflow', '2, 3');
      assert.ok(alive(pid), 'the other file was dispatched while the hung import went on');
      assert.strictEqual(await waitForTerminalStatus(env.serverAddress, other), 'COMPLETED');
      const error = await stopped;
      assert.match(error.message, /nothing was dispatched/);
      assert.ok(await gone(pid), 'its process was killed');
    } finally {
      await settings().update('buildTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('two projects with same-named helper modules, dispatched at once, round after round: each gets its own result', async () => {
    const projects = ['north', 'south'].map((name) => {
      write(scratchFile(`${name}/helpers.py`), ['import time', 'time.sleep(0.5)  # both imports under way at once', `LABEL = ${JSON.stringify(name)}`]);
      return {
        name,
        uri: write(scratchFile(`${name}/workflow.py`), [
          'import os',
          'import covalent as ct',
          'from helpers import LABEL',
          '',
          '@ct.electron',
          'def label(x):',
          '    return f"{LABEL}-{x}-{os.path.basename(os.getcwd())}"',
          '',
          '@ct.lattice',
          'def workflow(x):',
          '    return label(x)',
        ]),
      };
    });
    for (let round = 0; round < 3; round++) {
      const ids = await Promise.all(projects.map((project) => dispatch(project.uri, 'workflow', String(round))));
      for (const [index, project] of projects.entries()) {
        const id = ids[index] ?? '';
        assert.strictEqual(await waitForTerminalStatus(env.serverAddress, id), 'COMPLETED');
        const result = await dispatchResultString(env.serverAddress, id);
        assert.ok(result.includes(`${project.name}-${round}-`), `round ${round}: ${project.name}'s dispatch computed ${result}`);
      }
    }
  });

  it('a recorded input whose unpickling ends its process: the replay fails in words, a preview building meanwhile answers, the next dispatch works', async () => {
    const folder = scratchFile('hostile');
    // Harmless where the server unpickles it; on this side (the bridge's package loaded) it ends the process.
    write(path.join(folder, 'payload.py'), [
      'import os, sys',
      '',
      'def explode():',
      '    if any(name.startswith("covalent_bridge") for name in sys.modules):',
      '        os._exit(3)',
      '    return "harmless"',
      '',
      'class Payload:',
      '    def __reduce__(self):',
      '        return (explode, ())',
    ]);
    const workflow = write(path.join(folder, 'hostile_workflow.py'), [
      'import covalent as ct',
      'from payload import Payload',
      '',
      '@ct.electron',
      'def consume(value):',
      '    return str(value)',
      '',
      '@ct.lattice',
      'def workflow(value):',
      '    return consume(value)',
    ]);
    const slow = write(path.join(folder, 'slow_preview.py'), [
      'import time',
      'import covalent as ct',
      'time.sleep(3)',
      '',
      '@ct.electron',
      'def step(x):',
      '    return x',
      '',
      '@ct.lattice',
      'def workflow(x):',
      '    return step(x)',
    ]);
    const dispatchId = await dispatch(workflow, 'workflow', 'Payload()');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    const consume = (await graphNodes(env.serverAddress, dispatchId)).find((node) => node.name === 'consume');
    assert.ok(consume, 'the dispatch has the consume task');
    const api = await extensionApi();
    const bridgePid = api.services.bridges.peek(env.clientPython)?.pid;
    const preview = vscode.commands.executeCommand('covalent.previewGraph', { uri: slow.toString(), lattice: 'workflow', args: '5' });
    const error = await expectRejection(
      vscode.commands.executeCommand<RunTaskResult>('covalent.runTaskLocally', { dispatchId, taskId: consume.node_id, uri: workflow.toString() }),
      /ended before it answered: it exited with code 3/,
    );
    assert.match(error.message, /Nothing else was affected/);
    await preview;
    assert.strictEqual(api.services.bridges.peek(env.clientPython)?.pid, bridgePid, 'the same bridge goes on');
    const next = await dispatch(howto, 'workflow', '3, 4');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, next), 'COMPLETED');
  });

  it('a server that accepts and then says nothing: the dispatch fails within the request timeout', async () => {
    const sockets: net.Socket[] = [];
    const stalled = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(stalled.address() as net.AddressInfo).port}`;
    await settings().update('requestTimeoutMs', 2000, vscode.ConfigurationTarget.Global);
    await settings().update('dispatcherAddress', address, vscode.ConfigurationTarget.Global);
    try {
      const began = Date.now();
      const error = await expectRejection(dispatch(howto, 'workflow', '1, 2'), /did not answer|timed out|slow or unreachable/i);
      const took = Date.now() - began;
      assert.ok(took < 60000, `failed after ${took} ms: ${error.message}`);
      assert.ok(sockets.length >= 1, 'the stalled server was reached');
    } finally {
      await settings().update('dispatcherAddress', env.serverAddress, vscode.ConfigurationTarget.Global);
      await settings().update('requestTimeoutMs', undefined, vscode.ConfigurationTarget.Global);
      for (const socket of sockets) socket.destroy();
      stalled.close();
    }
  });
});
