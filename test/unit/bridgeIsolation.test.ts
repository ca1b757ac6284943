import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { BridgePool } from '../../src/bridge/bridgePool';
import { gone, pidWritten } from '../support/processes';
import { bridgePackage, MemoryLogger, rejection, venvPython, writeTree } from './bridgeSupport';

/**
 * Each request that runs user code runs in a process of its own, forked from the
 * bridge's warm fork server: the real bridge and interpreter, no server (a
 * loopback socket that accepts and never answers stands for a stalled one).
 */
describe('Python bridge: a process per request (real interpreter)', function () {
  this.timeout(90000);
  let python: string;
  let workspace: string;
  let pool: BridgePool;
  let logger: MemoryLogger;
  const file = (name: string) => path.join(workspace, name);
  const electrons = (name: string, buildSeconds?: number, token?: CancellationTokenSource) =>
    pool.request(python, 'electrons', { file: file(name), workspaceFolders: [workspace], limits: buildSeconds ? { buildSeconds } : undefined }, token?.token);
  const preview = (root: string, args = '3') =>
    pool.request(python, 'previewGraph', { file: path.join(root, 'flow.py'), lattice: 'flow', args, workspaceFolders: [root] });

  before(() => {
    python = venvPython();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bridge-isolation-'));
    const writesPid = (name: string) => [`import os`, `open(${JSON.stringify(file(name))}, "w").write(str(os.getpid()))`];
    writeTree(workspace, {
      'asks.py': ['import covalent as ct', 'NAME = input("name? ")', '@ct.lattice', 'def flow():', '    return NAME'],
      'hangs.py': [...writesPid('hangs.pid'), 'import time', 'time.sleep(600)'],
      'hangs_for_cancel.py': [...writesPid('cancel.pid'), 'import time', 'time.sleep(600)'],
      'busy.py': [...writesPid('busy.pid'), 'import requests', 'while True:', '    try:', '        requests.get("http://127.0.0.1:9", timeout=1)', '    except Exception:', '        pass'],
      'hangs_at_exit.py': [...writesPid('exit.pid'), 'import time', 'time.sleep(600)'],
      'dies.py': ['import os, signal', 'os.kill(os.getpid(), signal.SIGKILL)'],
      'exits.py': ['import os', 'os._exit(7)'],
      'prints.py': ['import covalent as ct', 'print("PRINTED AT IMPORT")', '@ct.electron', 'def step(x):', '    return x', '@ct.lattice', 'def flow(x):', '    return step(x)'],
      'quick.py': ['import covalent as ct', '@ct.electron', 'def quick(x):', '    return x', '@ct.lattice', 'def flow(x):', '    return quick(x)'],
    });
    // Two projects with a helper module of the same name, and a workflow of the same name.
    for (const project of ['alpha', 'beta']) {
      writeTree(path.join(workspace, project), {
        'helper.py': [
          'import covalent as ct, os, time',
          'time.sleep(0.3)  # both imports under way at once',
          `PROJECT = ${JSON.stringify(project)}`,
          '@ct.electron',
          `def task_${project}(x):`,
          '    return x',
          `task = task_${project}`,
        ],
        'flow.py': [
          'import os, sys',
          'import covalent as ct',
          'from helper import PROJECT, task',
          `assert os.path.basename(os.getcwd()) == ${JSON.stringify(project)}, os.getcwd()`,
          `assert not any(entry.endswith(${JSON.stringify(project === 'alpha' ? 'beta' : 'alpha')}) for entry in sys.path), sys.path`,
          '@ct.lattice',
          'def flow(x):',
          '    return task(x)',
        ],
      });
    }
  });

  beforeEach(() => {
    logger = new MemoryLogger();
    pool = new BridgePool(bridgePackage, logger);
  });

  afterEach(async () => {
    await pool.stopAll();
  });

  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('gives user code an empty standard input: input() at import fails in words, and the next request is answered', async () => {
    const error = await rejection(electrons('asks.py'));
    assert.strictEqual(error.kind, 'importFailed');
    assert.match(error.message, /asks\.py failed to import: EOFError/);
    assert.match(error.message, /reads standard input at import/);
    const answer = await electrons('quick.py');
    assert.deepStrictEqual(
      answer.electrons.map((electron) => electron.name),
      ['quick'],
    );
  });

  it('stops a hung import at the build deadline, kills its process, and answers another file meanwhile', async () => {
    const hung = rejection(electrons('hangs.py', 4));
    const pid = await pidWritten(file('hangs.pid'));
    assert.notStrictEqual(pid, pool.get(python).pid, 'the user code runs in a process of its own');
    const started = Date.now();
    const other = await electrons('quick.py');
    assert.ok(Date.now() - started < 3500, 'the other file was answered while the hung import went on');
    assert.deepStrictEqual(
      other.electrons.map((electron) => electron.name),
      ['quick'],
    );
    const error = await hung;
    assert.strictEqual(error.kind, 'buildTimeout');
    assert.match(error.message, /hangs\.py took longer than covalent\.buildTimeoutSeconds \(4 s\)/);
    assert.match(error.message, /nothing was sent to a server/);
    assert.ok(await gone(pid), 'the hung process was killed');
  });

  it('cancelling a request kills its process', async () => {
    const source = new CancellationTokenSource();
    const hung = rejection(electrons('hangs_for_cancel.py', undefined, source));
    const pid = await pidWritten(file('cancel.pid'));
    source.cancel();
    assert.strictEqual((await hung).kind, 'cancelled');
    assert.ok(await gone(pid), 'the cancelled request’s process was killed');
  });

  it('cancels a request whose process keeps its pipe busy (a loop of server requests)', async () => {
    const source = new CancellationTokenSource();
    const busy = rejection(electrons('busy.py', undefined, source));
    const pid = await pidWritten(file('busy.pid'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    source.cancel();
    assert.strictEqual((await busy).kind, 'cancelled');
    assert.ok(await gone(pid), 'the busy process was killed');
  });

  it('a process that dies fails only its own request, with its exit status in words; the bridge goes on', async () => {
    const bridgePid = pool.get(python).pid;
    const [killed, exited, fine] = await Promise.allSettled([electrons('dies.py'), electrons('exits.py'), electrons('quick.py')]);
    assert.strictEqual(killed.status, 'rejected');
    assert.strictEqual(exited.status, 'rejected');
    const killedError = killed.reason as Error & { kind: string };
    const exitedError = exited.reason as Error & { kind: string };
    assert.strictEqual(killedError.kind, 'requestProcessDied');
    assert.match(killedError.message, /dies\.py ended before it answered: it was killed \(SIGKILL/);
    assert.strictEqual(exitedError.kind, 'requestProcessDied');
    assert.match(exitedError.message, /exits\.py ended before it answered: it exited with code 7/);
    assert.strictEqual(fine.status, 'fulfilled');
    assert.strictEqual(pool.get(python).pid, bridgePid, 'the same bridge answers');
    assert.deepStrictEqual(
      (await electrons('quick.py')).electrons.map((electron) => electron.name),
      ['quick'],
    );
  });

  it('keeps two projects with same-named modules apart while both build at once, round after round', async () => {
    for (let round = 0; round < 3; round++) {
      const [alpha, beta] = await Promise.all([preview(path.join(workspace, 'alpha'), String(round)), preview(path.join(workspace, 'beta'), String(round))]);
      const names = (result: typeof alpha) => result.nodes.filter((node) => node.type === 'function' && !node.name.startsWith(':')).map((node) => node.name);
      assert.deepStrictEqual(names(alpha), ['task_alpha'], `round ${round}`);
      assert.deepStrictEqual(names(beta), ['task_beta'], `round ${round}`);
    }
  });

  it('sends what user code prints to the log, never into the protocol', async () => {
    const answer = await electrons('prints.py');
    assert.deepStrictEqual(
      answer.electrons.map((electron) => electron.name),
      ['step'],
    );
    assert.match(logger.text(), /\[python\] PRINTED AT IMPORT/);
  });

  it('fails a request to a server that accepts and then says nothing within the request timeout', async () => {
    const sockets: net.Socket[] = [];
    const stalled = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(stalled.address() as net.AddressInfo).port}`;
    try {
      const began = Date.now();
      const waiting = await rejection(
        pool.request(python, 'waitForResult', { dispatchId: 'no-such-dispatch', dispatcherAddress: address, limits: { requestSeconds: 1 } }),
      );
      assert.strictEqual(waiting.kind, 'serverUnreachable', waiting.message);
      const cancelling = await rejection(pool.request(python, 'cancel', { dispatchId: 'no-such-dispatch', dispatcherAddress: address, limits: { requestSeconds: 1 } }));
      assert.ok(['serverUnreachable', 'sdkError'].includes(cancelling.kind), cancelling.message);
      assert.match(cancelling.message, /timed out|did not answer/i);
      assert.ok(Date.now() - began < 20000, `both failed within their timeouts (${Date.now() - began} ms)`);
      assert.ok(sockets.length >= 1, 'the server was reached');
    } finally {
      for (const socket of sockets) socket.destroy();
      stalled.close();
    }
  });

  it('ends every request’s process when the bridge stops', async () => {
    const hung = rejection(electrons('hangs_at_exit.py'));
    const pid = await pidWritten(file('exit.pid'));
    await pool.stopAll();
    assert.strictEqual((await hung).kind, 'bridgeDied');
    assert.ok(await gone(pid), 'no request’s process outlives the bridge');
  });
});
