import * as assert from 'assert';
import * as path from 'path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { SubmissionProgress } from '../../src/bridge/protocol';
import { CovalentClient } from '../../src/covalent/client';
import { deleteRefusingRelay } from '../support/deleteRefusingRelay';
import { SWEEP_WORKFLOW } from '../support/sweeps';
import { realServerSuite, rejection, venvPython } from './bridgeSupport';

/**
 * A big dispatch's progress and its cancel, through the real bridge against a
 * real Covalent server: the phases come with their counts; a cancel while the
 * graph is built stops the request's process, and a cancel during the uploads
 * stops them and deletes what was registered: the server is left as it was.
 */

const WORKFLOW = [
  'import time',
  ...SWEEP_WORKFLOW,
  '',
  '',
  '@ct.lattice',
  'def slow_to_build(n):',
  '    time.sleep(600)',
  '    return inc(n)',
  '',
  '',
  '@ct.electron',
  'def nap(seconds):',
  '    time.sleep(seconds)',
  '    return seconds',
  '',
  '',
  '@ct.lattice',
  'def napping(seconds):',
  '    return nap(seconds)',
];

interface Listed {
  readonly dispatches: readonly { readonly dispatch_id: string }[];
}

describe('Bridge: a big dispatch’s progress and its cancel (real server)', function () {
  this.timeout(300000);
  const python = venvPython();

  const suite = realServerSuite('progress', { 'flatwork.py': WORKFLOW });

  const params = (lattice: string, args: string, disableRun = true) => ({
    file: path.join(suite.folder, 'flatwork.py'),
    workspaceFolders: [suite.folder],
    lattice,
    args,
    dispatcherAddress: suite.server.address,
    disableRun,
  });

  async function listed(): Promise<string[]> {
    const response = await fetch(`${suite.server.address}/api/v2/dispatches?count=100000&status_only=true`);
    assert.strictEqual(response.status, 200);
    return ((await response.json()) as Listed).dispatches.map((dispatch) => dispatch.dispatch_id);
  }

  it('reports each phase with its counts for a 300-task dispatch: building, serializing and registering 303 tasks, uploading n of m assets, starting', async () => {
    const reports: { at: number; report: SubmissionProgress }[] = [];
    const { dispatchId } = await suite.pool.request(python, 'dispatch', params('flat', '300', false), undefined, (report) => reports.push({ at: Date.now(), report }));
    const phases = reports.map(({ report }) => report.phase).filter((phase, index, all) => all.indexOf(phase) === index);
    assert.deepStrictEqual(phases, ['building', 'serializing', 'registering', 'uploading', 'starting']);
    // 300 tasks, the one that sums them, the list it is given and the postprocessing (the inputs' nodes are not tasks).
    const serializing = reports.find(({ report }) => report.phase === 'serializing')?.report;
    assert.strictEqual(serializing?.tasks, 303);
    const registering = reports.find(({ report }) => report.phase === 'registering')?.report;
    assert.strictEqual(registering?.tasks, 303);
    assert.strictEqual(registering?.dispatchId, dispatchId, 'the id chosen before registering is the one the server kept');
    const uploads = reports.filter(({ report }) => report.phase === 'uploading');
    const total = uploads[0]?.report.total ?? 0;
    assert.ok(total >= 7 * 300, `about seven assets a task (${total})`);
    assert.ok(
      uploads.every(({ report }) => report.total === total),
      'every upload report has the same total',
    );
    const counts = uploads.map(({ report }) => report.done ?? -1);
    assert.deepStrictEqual(
      counts,
      [...counts].sort((a, b) => a - b),
      'the counts never go back',
    );
    assert.strictEqual(counts[0], 0);
    assert.strictEqual(counts[counts.length - 1], total, 'the last report counts every asset');
    // At most ten a second (and the first and last), however many assets there are.
    const seconds = Math.max(((uploads[uploads.length - 1]?.at ?? 0) - (uploads[0]?.at ?? 0)) / 1000, 0.001);
    assert.ok(uploads.length <= 10 * seconds + 4, `${uploads.length} upload reports in ${seconds.toFixed(2)} s`);
    assert.strictEqual(reports.find(({ report }) => report.phase === 'starting')?.report.dispatchId, dispatchId);
    assert.ok((await listed()).includes(dispatchId));
    // Its 300 tasks would keep the server busy for the tests after this one.
    await suite.pool.request(python, 'cancel', { dispatchId, dispatcherAddress: suite.server.address });
  });

  it('reports a redispatch’s phases too: the wait for its running dispatch to finish, its graph built again with new inputs, its new id chosen before it is registered', async () => {
    const { dispatchId: parent } = await suite.pool.request(python, 'dispatch', params('napping', '4', false));
    const reports: SubmissionProgress[] = [];
    const { dispatchId } = await suite.pool.request(
      python,
      'redispatch',
      { dispatchId: parent, dispatcherAddress: suite.server.address, file: path.join(suite.folder, 'flatwork.py'), workspaceFolders: [suite.folder], args: '0' },
      undefined,
      (report) => reports.push(report),
    );
    assert.notStrictEqual(dispatchId, parent);
    const phases = reports.map((report) => report.phase).filter((phase, index, all) => all.indexOf(phase) === index);
    assert.deepStrictEqual(phases, ['waiting', 'building', 'serializing', 'registering', 'uploading', 'starting']);
    const waits = reports.filter((report) => report.phase === 'waiting');
    assert.ok(
      waits.every((report) => report.dispatchId === parent && typeof report.status === 'string'),
      JSON.stringify(waits),
    );
    assert.strictEqual(reports.find((report) => report.phase === 'registering')?.dispatchId, dispatchId);
    assert.ok((await listed()).includes(dispatchId));
  });

  it('refuses, within seconds, to redispatch a dispatch saved without running (the SDK would wait for it forever), and says how to start it', async () => {
    const { dispatchId: saved } = await suite.pool.request(python, 'dispatch', params('flat', '3'));
    const before = await listed();
    const started = Date.now();
    const error = await rejection(
      suite.pool.request(python, 'redispatch', { dispatchId: saved, dispatcherAddress: suite.server.address, file: path.join(suite.folder, 'flatwork.py'), workspaceFolders: [suite.folder], args: '10' }),
    );
    assert.strictEqual(error.kind, 'dispatchNotFinished', error.message);
    assert.match(error.message, /saved without running/);
    assert.match(error.message, /Run Saved Dispatch/);
    assert.ok(Date.now() - started < 30000, `answered in ${Date.now() - started} ms`);
    assert.deepStrictEqual(await listed(), before, 'nothing was registered');
  });

  it('a cancel while the graph is built stops the request’s process: nothing was registered', async () => {
    const before = await listed();
    const source = new CancellationTokenSource();
    const started = Date.now();
    const error = await rejection(
      suite.pool.request(python, 'dispatch', params('slow_to_build', '1'), source.token, (report) => {
        if (report.phase === 'building') setTimeout(() => source.cancel(), 500);
      }),
    );
    assert.strictEqual(error.kind, 'cancelled');
    assert.strictEqual(error.data.dispatchId, undefined, 'nothing was registered');
    assert.ok(Date.now() - started < 30000, 'the build was not waited for');
    assert.deepStrictEqual(await listed(), before);
  });

  it('cancelling a 2,000-task submission halfway through its uploads stops them and deletes the registered dispatch', async () => {
    const before = await listed();
    const source = new CancellationTokenSource();
    let registered: string | undefined;
    let last: SubmissionProgress | undefined;
    const error = await rejection(
      suite.pool.request(python, 'dispatch', params('flat', '2000', false), source.token, (report) => {
        last = report;
        if (report.phase === 'registering') registered = report.dispatchId;
        if (report.phase === 'uploading' && (report.done ?? 0) >= (report.total ?? 0) / 2) source.cancel();
      }),
    );
    assert.strictEqual(error.kind, 'cancelled');
    assert.ok(registered, 'the dispatch was registered before the cancel');
    assert.strictEqual(error.data.dispatchId, registered);
    assert.strictEqual(error.data.leftOnServer, false, `deleted (${error.data.error ?? ''})`);
    assert.strictEqual(last?.phase, 'deleting');
    assert.deepStrictEqual(await listed(), before, 'the server lists no new dispatch');
    const summary = await fetch(`${suite.server.address}/api/v1/dispatches/list?count=100&offset=0`);
    const body = (await summary.json()) as { items?: { dispatch_id: string }[] };
    assert.ok(!(body.items ?? []).some((item) => item.dispatch_id === registered), 'the UI’s list does not have it either');
  });

  it('a cancelled submission the server would not delete says which dispatch is left, and the client’s delete removes it', async () => {
    const relay = await deleteRefusingRelay(suite.server.address);
    try {
      const before = await listed();
      const source = new CancellationTokenSource();
      const error = await rejection(
        suite.pool.request(python, 'dispatch', { ...params('flat', '500'), dispatcherAddress: relay.address }, source.token, (report) => {
          if (report.phase === 'uploading' && (report.done ?? 0) >= (report.total ?? 0) / 2) source.cancel();
        }),
      );
      assert.strictEqual(error.kind, 'cancelled');
      assert.ok(error.data.dispatchId, 'the registered dispatch is named');
      assert.strictEqual(error.data.leftOnServer, true);
      assert.match(error.data.error ?? '', /500/);
      assert.ok((await listed()).includes(error.data.dispatchId), 'it is on the server');
      // What the dispatch service does next: the delete through the server's own client.
      const deleted = await new CovalentClient({ baseUrl: suite.server.address, timeoutMs: 30000 }).deleteDispatches([error.data.dispatchId]);
      assert.deepStrictEqual(deleted, [error.data.dispatchId]);
      assert.deepStrictEqual(await listed(), before);
    } finally {
      relay.close();
    }
  });
});
