import * as assert from 'assert';
import { cancelledOutcome, describeProgress, ProgressIncrements, Submissions } from '../../src/dispatch/submissions';

/** A submission's progress notification as data: its words, its bar, what a cancel left, the submissions under way. */
describe('Submission progress', () => {
  it('says each phase with its counts', () => {
    assert.strictEqual(describeProgress({ phase: 'waiting', dispatchId: 'd1', status: 'RUNNING' }).message, 'waiting for dispatch d1 to finish (RUNNING)…');
    assert.strictEqual(describeProgress({ phase: 'building' }).message, 'building the graph…');
    assert.strictEqual(describeProgress({ phase: 'serializing', tasks: 2003 }).message, 'serializing 2,003 tasks…');
    assert.strictEqual(describeProgress({ phase: 'serializing', tasks: 1 }).message, 'serializing 1 task…');
    assert.strictEqual(describeProgress({ phase: 'serializing', tasks: null }).message, 'serializing…');
    assert.strictEqual(describeProgress({ phase: 'registering', tasks: 303, dispatchId: 'x' }).message, 'registering 303 tasks…');
    assert.strictEqual(describeProgress({ phase: 'uploading', done: 7000, total: 14021 }).message, 'uploading assets: 7,000 of 14,021');
    assert.strictEqual(describeProgress({ phase: 'starting', dispatchId: 'x' }).message, 'starting…');
    assert.strictEqual(describeProgress({ phase: 'deleting', dispatchId: 'x' }).message, 'cancelled: deleting what was registered…');
  });

  it('goes forward through the phases, the uploads filling most of the bar', () => {
    const percents = [
      describeProgress({ phase: 'building' }),
      describeProgress({ phase: 'serializing', tasks: 10 }),
      describeProgress({ phase: 'registering', tasks: 10 }),
      describeProgress({ phase: 'uploading', done: 0, total: 70 }),
      describeProgress({ phase: 'uploading', done: 35, total: 70 }),
      describeProgress({ phase: 'uploading', done: 70, total: 70 }),
      describeProgress({ phase: 'starting' }),
    ].map((described) => described.percent);
    assert.deepStrictEqual(
      percents,
      [...percents].sort((a, b) => a - b),
    );
    assert.strictEqual(percents[4], 60, 'half the uploads: halfway through their span');
    assert.ok((percents[6] ?? 0) <= 100);
    // More done than total (never sent) is shown as all.
    assert.strictEqual(describeProgress({ phase: 'uploading', done: 9, total: 7 }).message, 'uploading assets: 7 of 7');
  });

  it('turns "how far along" into increments that never go back nor past 100', () => {
    const bar = new ProgressIncrements();
    assert.deepStrictEqual([bar.to(5), bar.to(20), bar.to(10), bar.to(20), bar.to(150)], [5, 15, 0, 0, 80]);
  });

  it('says what a cancel left on the server', () => {
    assert.deepStrictEqual(cancelledOutcome('Dispatch', {}), { message: 'Dispatch cancelled; nothing was left on the server.', leftOnServer: false });
    assert.deepStrictEqual(cancelledOutcome('Dispatch', { dispatchId: 'abc', leftOnServer: false }), {
      message: 'Dispatch cancelled; nothing was left on the server.',
      leftOnServer: false,
    });
    const left = cancelledOutcome('Redispatch', { dispatchId: 'abc', leftOnServer: true, error: 'ReadTimeout' });
    assert.strictEqual(left.leftOnServer, true);
    assert.match(left.message, /^Redispatch cancelled, but dispatch abc could not be deleted from the server \(ReadTimeout\)/);
  });

  it('lists the submissions under way with their reports and their cancel, until each ends', () => {
    const submissions = new Submissions();
    let cancelled = 0;
    const first = submissions.begin('Dispatching flat…', () => cancelled++);
    const second = submissions.begin('Redispatching…', () => undefined);
    first.report({ phase: 'building' });
    first.report({ phase: 'uploading', done: 1, total: 2 });
    assert.deepStrictEqual(
      submissions.active().map((submission) => [submission.title, submission.reports.length]),
      [
        ['Dispatching flat…', 2],
        ['Redispatching…', 0],
      ],
    );
    submissions.active()[0]?.cancel();
    assert.strictEqual(cancelled, 1);
    first.end();
    first.end();
    assert.deepStrictEqual(
      submissions.active().map((submission) => submission.title),
      ['Redispatching…'],
    );
    second.end();
    assert.strictEqual(submissions.active().length, 0);
  });
});
