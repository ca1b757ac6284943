import * as assert from 'assert';
import {
  ArgumentError,
  isDispatchId,
  readCancelRequest,
  readDispatchId,
  readDispatchIds,
  readDispatchRequest,
  readExecutorChoiceRequest,
  readFilter,
  readRedispatchRequest,
  readServerChoice,
  readTarget,
  readToken,
} from '../../src/commands/arguments';
import { fromPerson, invocationOf } from '../../src/util/invocation';
import { addressProblem } from '../../src/covalent/servers';

const ID = '4ec8b431-d437-4bf6-b364-f37a4ef5c082';

describe('Commands: who is calling', () => {
  it('tells the palette, a marked lens/row/panel argument and an API call apart by an explicit mark, not by shape', () => {
    assert.deepStrictEqual(invocationOf(undefined), { source: 'palette', argument: undefined, interactive: true });
    const row = fromPerson('tree', { kind: 'dispatch', dispatchId: ID });
    assert.strictEqual(invocationOf(row).source, 'tree');
    assert.strictEqual(invocationOf(row).interactive, true);
    // The same shape without the mark is another extension's call: no prompts.
    const api = invocationOf({ kind: 'dispatch', dispatchId: ID });
    assert.strictEqual(api.source, 'api');
    assert.strictEqual(api.interactive, false);
    assert.strictEqual(invocationOf(fromPerson('panel', { dispatchId: ID })).source, 'panel');
  });

  it('keeps the mark out of what the argument looks like (JSON, keys, equality)', () => {
    const lens = fromPerson('lens', { uri: 'file:///w/flow.py', lattice: 'workflow' });
    assert.deepStrictEqual(Object.keys(lens), ['uri', 'lattice']);
    assert.strictEqual(JSON.stringify(lens), '{"uri":"file:///w/flow.py","lattice":"workflow"}');
    assert.deepStrictEqual(lens, { uri: 'file:///w/flow.py', lattice: 'workflow' });
    // Marking again (a row re-used by another view) is allowed.
    assert.strictEqual(invocationOf(fromPerson('tree', lens)).source, 'tree');
  });
});

describe('Commands: the public API arguments', () => {
  const rejects = (run: () => unknown, message: RegExp) => assert.throws(run, (error: unknown) => error instanceof Error && message.test(error.message));

  it('reads a dispatch request and says which field is wrong', () => {
    assert.deepStrictEqual(readDispatchRequest({ uri: 'file:///w/flow.py', lattice: ' workflow ', args: '1, 2' }), {
      uri: 'file:///w/flow.py',
      lattice: 'workflow',
      args: '1, 2',
      disableRun: undefined,
      executors: undefined,
    });
    rejects(() => readDispatchRequest({ uri: 'file:///w/flow.py' }), /Expected `lattice`/);
    rejects(() => readDispatchRequest({ lattice: 'workflow' }), /Expected `uri`/);
    rejects(() => readDispatchRequest({ uri: 'file:///w/flow.py', lattice: 'workflow', args: [1, 2] }), /`args` are the inputs/);
    rejects(() => readDispatchRequest({ uri: 'file:///w/flow.py', lattice: 'workflow', disableRun: 'yes' }), /`disableRun` must be true or false/);
    rejects(() => readDispatchRequest('workflow'), /Expected \{ uri, lattice/);
    assert.throws(() => readDispatchRequest(null), ArgumentError);
  });

  it('reads where to run (`executor`, `executors`) as one choice, and refuses names that are not text', () => {
    const base = { uri: 'file:///w/flow.py', lattice: 'workflow' };
    assert.deepStrictEqual(readDispatchRequest({ ...base, executor: ' cluster ' }).executors, { all: 'cluster' });
    assert.deepStrictEqual(readDispatchRequest({ ...base, executors: { add: 'cluster', total: 'local' } }).executors, { electrons: { add: 'cluster', total: 'local' } });
    assert.deepStrictEqual(readDispatchRequest({ ...base, executor: 'local', executors: { add: 'cluster' } }).executors, { all: 'local', electrons: { add: 'cluster' } });
    assert.strictEqual(readDispatchRequest({ ...base, executors: {} }).executors, undefined, 'nothing chosen: as written');
    rejects(() => readDispatchRequest({ ...base, executor: '' }), /`executor` must name a profile/);
    rejects(() => readDispatchRequest({ ...base, executor: { executor: 'dask' } }), /`executor` must name a profile/);
    rejects(() => readDispatchRequest({ ...base, executors: { add: 3 } }), /`executors` must map electron names/);
    rejects(() => readDispatchRequest({ ...base, executors: ['cluster'] }), /`executors` must map electron names/);
    assert.deepStrictEqual(readRedispatchRequest({ dispatchId: ID, executor: 'cluster' }).executors, { all: 'cluster' });
    rejects(() => readRedispatchRequest({ dispatchId: ID, executor: 'cluster', isPending: true }), /cannot be given with `isPending`/);
    assert.deepStrictEqual(readExecutorChoiceRequest({ ...base, executors: { add: 'cluster' } }), { ...base, executors: { electrons: { add: 'cluster' } } });
  });

  it('reads a redispatch request, its replacements in every accepted form, and refuses the rest', () => {
    const request = readRedispatchRequest({ dispatchId: ID, replaceElectrons: ['task_2', 'task_1=task_1_fixed'], reusePreviousResults: true });
    assert.deepStrictEqual(request.replaceElectrons, { task_2: 'task_2', task_1: 'task_1_fixed' });
    assert.strictEqual(request.reusePreviousResults, true);
    assert.strictEqual(request.uri, undefined, 'uri stays optional');
    assert.deepStrictEqual(readRedispatchRequest({ dispatchId: ID, replaceElectrons: { task_2: 'task_2_redefined' } }).replaceElectrons, { task_2: 'task_2_redefined' });
    rejects(() => readRedispatchRequest({ dispatchId: ID, replaceElectrons: ['task 2'] }), /not a Python name/);
    rejects(() => readRedispatchRequest({ replaceElectrons: ['task_2'] }), /Expected `dispatchId`/);
    rejects(() => readRedispatchRequest({ dispatchId: ID, reusePreviousResults: 'no' }), /`reusePreviousResults` must be true or false/);
    rejects(() => readRedispatchRequest({ dispatchId: ID, args: 4 }), /new inputs in Python call syntax/);
  });

  it('reads dispatch ids one way for the API, rows and panels', () => {
    assert.strictEqual(readDispatchId({ dispatchId: ` ${ID} ` }), ID);
    assert.strictEqual(readDispatchId(fromPerson('tree', { kind: 'task', dispatchId: ID, nodeId: 3 })), ID);
    assert.strictEqual(readDispatchId(ID), ID);
    rejects(() => readDispatchId({ id: 1 }), /Expected `dispatchId`/);
    rejects(() => readDispatchId(''), /Expected \{ dispatchId \}/);
    assert.ok(isDispatchId(ID));
    assert.ok(!isDispatchId('<img src=x>'));
  });

  it('reads cancel, stop-triggers, filter, token and lens/row targets', () => {
    assert.deepStrictEqual(readCancelRequest({ dispatchId: ID, taskIds: [1, 2] }), { dispatchId: ID, taskIds: [1, 2] });
    assert.deepStrictEqual(readCancelRequest({ kind: 'task', dispatchId: ID, nodeId: 4 }), { dispatchId: ID, taskIds: [4] });
    rejects(() => readCancelRequest({ dispatchId: ID, taskIds: [1, -2] }), /list of task \(node\) numbers/);
    assert.deepStrictEqual(readDispatchIds({ dispatchIds: [ID] }), [ID]);
    assert.deepStrictEqual(readDispatchIds({ kind: 'dispatch', dispatchId: ID }), [ID]);
    rejects(() => readDispatchIds({ dispatchIds: [] }), /non-empty list/);
    assert.deepStrictEqual(readFilter({ search: 'wf', status: 'FAILED' }), { search: 'wf', status: 'FAILED' });
    rejects(() => readFilter({ status: 'BROKEN' }), /"status" must be one of/);
    assert.deepStrictEqual(readToken({ address: 'http://a:1', token: '  ' }), { address: 'http://a:1', token: undefined });
    assert.deepStrictEqual(readTarget({ uri: 'file:///w/a.py', lattice: 'wf' }), { uri: 'file:///w/a.py', lattice: 'wf', dispatchId: undefined, args: undefined, askForInputs: undefined });
    // A graph preview's panel names the inputs it shows.
    assert.deepStrictEqual(readTarget({ uri: 'file:///w/a.py', lattice: 'wf', args: '1, 2' }).args, '1, 2');
    rejects(() => readTarget({ uri: 'file:///w/a.py', args: [1] }), /`args` are the inputs/);
    assert.strictEqual(addressProblem('ftp://x'), 'The address must start with http:// or https://.');
    assert.strictEqual(addressProblem('http://localhost:48008'), undefined);
    assert.deepStrictEqual(readServerChoice({ name: ' team ' }), { name: 'team' });
    assert.deepStrictEqual(readServerChoice({ address: 'https://c.example.org/' }), { address: 'https://c.example.org/' });
    rejects(() => readServerChoice({}), /either \{ name \}.*or \{ address \}/);
    rejects(() => readServerChoice({ name: 'a', address: 'http://b' }), /not both/);
    rejects(() => readServerChoice({ name: 3 }), /`name` must be the name of a server/);
  });
});
