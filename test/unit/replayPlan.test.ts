import * as assert from 'assert';
import type { DispatchManifest, ManifestNode } from '../../src/covalent/manifest';
import { inputBytes, lastErrorLine, matchingTask, replayableTask, ReplayRefused, runTaskResult, sameErrorAsServer } from '../../src/replay/replayPlan';

function manifest(dispatchId: string, nodes: Partial<ManifestNode>[], links: DispatchManifest['links'] = []): DispatchManifest {
  return {
    dispatchId,
    assets: {},
    latticeAssets: {},
    links,
    nodes: new Map(nodes.map((node, index) => [node.nodeId ?? index, { nodeId: node.nodeId ?? index, name: node.name ?? `task${index}`, assets: node.assets ?? {}, subDispatchId: node.subDispatchId }])),
  };
}

describe('Replay plan (which nodes replay, and how outcomes compare)', () => {
  const flow = manifest(
    'd1',
    [
      { name: ':parameter:[1, 2, 3]', assets: { value: { size: 40 }, output: { size: 0 } } },
      { name: 'prepare', assets: { output: { size: 300 } } },
      { name: 'divide' },
      { name: ':sublattice:shifted', subDispatchId: 'sub-1' },
      { name: ':postprocess:' },
      { name: ':electron_list:' },
    ],
    [
      { source: 0, target: 1, name: 'values', paramType: 'arg', argIndex: 0 },
      { source: 1, target: 2, name: 'values', paramType: 'arg', argIndex: 0 },
      { source: 0, target: 2, name: 'by', paramType: 'kwarg' },
    ],
  );

  it('replays tasks and refuses what Covalent made, saying what to do instead', () => {
    assert.strictEqual(replayableTask(flow, 2).name, 'divide');
    assert.throws(() => replayableTask(flow, 42), (error: Error) => error instanceof ReplayRefused && /has no task 42 \(its tasks: 1 prepare, 2 divide\)/.test(error.message));
    assert.throws(() => replayableTask(flow, 0), /is a parameter .*\[1, 2, 3\].*replay a task that takes it/);
    assert.throws(() => replayableTask(flow, 3), /sublattice shifted.*Open its dispatch sub-1/);
    assert.throws(() => replayableTask(flow, 4), /post-processing/);
    assert.throws(() => replayableTask(flow, 5), /made by Covalent/);
  });

  it('weighs the recorded inputs: each parent once, a parameter by its value', () => {
    assert.strictEqual(inputBytes(flow, 2), 340);
    assert.strictEqual(inputBytes(flow, 1), 40);
  });

  it('finds the same task in another dispatch by id, else by name and place', () => {
    const other = manifest('d2', [{ name: 'prepare' }, { name: 'extra' }, { name: 'prepare' }, { name: 'divide' }]);
    assert.strictEqual(matchingTask(flow, 2, other).nodeId, 3);
    assert.strictEqual(matchingTask(flow, 1, manifest('d3', [{ name: 'x' }, { name: 'prepare' }])).nodeId, 1);
    assert.throws(() => matchingTask(flow, 2, manifest('d4', [{ name: 'x' }])), /Dispatch d4 has no task divide/);
  });

  it('calls a failure the server’s when the exception and message match', () => {
    const server = 'Traceback (most recent call last):\n  File "x.py", line 3, in divide\n    raise ZeroDivisionError(...)\nZeroDivisionError: cannot divide 3 values by zero\n';
    assert.strictEqual(lastErrorLine(server), 'ZeroDivisionError: cannot divide 3 values by zero');
    assert.ok(sameErrorAsServer('ZeroDivisionError: cannot divide 3 values by zero', server));
    assert.ok(!sameErrorAsServer('ZeroDivisionError: cannot divide 4 values by zero', server));
    assert.ok(!sameErrorAsServer('ZeroDivisionError: x', undefined));
    const failed = runTaskResult(
      { status: 'failed', error: 'ValueError: bad', frames: [{ file: '/ws/flow.py', line: 3, function: 'task' }, { file: '/venv/lib/python3.11/site-packages/numpy/core.py', line: 9, function: 'f' }] },
      'workspace',
      'FAILED',
      'ValueError: bad',
    );
    assert.deepStrictEqual(failed.location, { file: '/ws/flow.py', line: 3 }, 'the deepest frame in the user’s own files');
    assert.strictEqual(failed.sameAsServer, true);
  });
});
