import * as assert from 'assert';
import * as path from 'path';
import type { BridgeError } from '../../src/bridge/protocol';
import { harness } from '../support/harness';
import { sweepResult, SWEEP_WORKFLOW } from '../support/sweeps';
import { MemoryLogger, realServerSuite, sdkSweep, venvPython } from './bridgeSupport';
import { slowRegisterRelay } from './tcpRelay';

/**
 * The bridge's asset uploads between it and a real Covalent server, through what
 * stands in between: a register post the server answers late gets time by its
 * size, and an authenticating proxy gets the call's token with every upload.
 * This is the bridge's own HTTP handling, the same whatever the client's
 * libraries: the first bridge pass runs it, the matrix passes do not.
 */
describe('Bridge: a dispatch’s uploads through a slow server and an authenticating proxy (real server)', function () {
  this.timeout(300000);
  const logger = new MemoryLogger();
  const python = venvPython();

  const suite = realServerSuite('uploads-through', { 'flatwork.py': [...SWEEP_WORKFLOW] }, { logger });

  const source = () => ({ file: path.join(suite.folder, 'flatwork.py'), workspaceFolders: [suite.folder], lattice: 'flat' });

  it('gives a big manifest’s register post time by its size: a 1,000-task registration the server answers after 3 s completes under a 1 s request timeout', async () => {
    const relay = await slowRegisterRelay(suite.server.address, 3000);
    try {
      const limits = { buildSeconds: 120, requestSeconds: 1 };
      const { dispatchId } = await suite.pool.request(python, 'dispatch', { ...source(), args: '1000', dispatcherAddress: relay.address, disableRun: true, limits });
      assert.strictEqual(relay.delayed(), 1, 'the register post went through the slow relay');
      const stored = await fetch(`${suite.server.address}/api/v2/dispatches/${dispatchId}`);
      assert.strictEqual(stored.status, 200, 'the server holds the registered dispatch');
      // A small request keeps the call's own timeout: a 2-task registration held back as long fails within it.
      await assert.rejects(suite.pool.request(python, 'dispatch', { ...source(), args: '2', dispatcherAddress: relay.address, disableRun: true, limits }), (error: BridgeError) => {
        assert.deepStrictEqual([error.kind, error.data.timedOut], ['serverUnreachable', true], error.message);
        return true;
      });
    } finally {
      relay.close();
    }
  });

  it('sends the call’s token with every upload to an authenticating proxy, and a started workflow ends with the SDK’s result', async () => {
    const proxy = await harness('authProxy').startAuthProxy(suite.server.address);
    try {
      const tasks = 50;
      const params = { dispatcherAddress: proxy.address, tokens: { [proxy.address]: proxy.token } };
      const { dispatchId } = await suite.pool.request(python, 'dispatch', { ...source(), ...params, args: String(tasks) });
      const answer = await suite.pool.request(python, 'waitForResult', { ...params, dispatchId, pollIntervalMs: 250 });
      const [, sdkResult] = await sdkSweep(suite, python, tasks, true);
      const expected = sweepResult(tasks);
      assert.deepStrictEqual([answer.status, answer.result, sdkResult], ['COMPLETED', expected, expected]);
      assert.strictEqual(proxy.stats.refused, 0, proxy.stats.refusedPaths.join('\n'));
      assert.ok(proxy.stats.assets >= 7 * tasks, `the uploads went through the proxy (${proxy.stats.assets} asset requests)`);
      assert.ok(!logger.text().includes(proxy.token), 'the token is in no log line');
    } finally {
      await proxy.stop();
    }
  });
});
