import * as assert from 'assert';
import { mapWithConcurrency } from '../../src/util/concurrency';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithConcurrency', () => {
  it('runs at most `limit` at once and keeps the results in the order of the items', async () => {
    let open = 0;
    let most = 0;
    const started: number[] = [];
    const results = await mapWithConcurrency(
      Array.from({ length: 20 }, (_, index) => index),
      3,
      async (item, index) => {
        assert.strictEqual(item, index);
        started.push(item);
        most = Math.max(most, ++open);
        // Later items finish first: the order of the results must not follow the finishing order.
        await sleep(20 - item);
        open--;
        return item * 10;
      },
    );
    assert.deepStrictEqual(results, Array.from({ length: 20 }, (_, index) => index * 10));
    assert.strictEqual(most, 3);
    assert.deepStrictEqual(started, Array.from({ length: 20 }, (_, index) => index), 'started in order');
  });

  it('fails with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    const failure = new Error('task 2 failed');
    await assert.rejects(
      mapWithConcurrency([0, 1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
        started.push(item);
        await sleep(item === 2 ? 1 : 30);
        if (item === 2) throw failure;
        return item;
      }),
      (error: unknown) => error === failure,
    );
    await sleep(80);
    assert.deepStrictEqual(started, [0, 1, 2], 'nothing was started once an item had failed');
  });

  it('fails at once, without waiting for the items still running', async () => {
    const begun = Date.now();
    await assert.rejects(mapWithConcurrency([0, 1], 2, async (item) => (item === 0 ? sleep(500) : Promise.reject(new Error('no')))), /no/);
    assert.ok(Date.now() - begun < 400, 'the slow item was not waited for');
  });

  it('takes an empty list and fewer items than the limit, and refuses a limit below one', async () => {
    assert.deepStrictEqual(await mapWithConcurrency([], 8, () => Promise.resolve(1)), []);
    assert.deepStrictEqual(await mapWithConcurrency(['a'], 8, (item) => Promise.resolve(item.toUpperCase())), ['A']);
    await assert.rejects(mapWithConcurrency([1], 0, () => Promise.resolve(1)), RangeError);
    await assert.rejects(mapWithConcurrency([1], 1.5, () => Promise.resolve(1)), RangeError);
  });
});
