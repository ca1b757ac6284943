import * as assert from 'assert';
import type { PreviewResult } from '../../src/bridge/protocol';
import { readPreviewRequest } from '../../src/commands/arguments';
import { previewGraphOf, taskCount } from '../../src/preview/previewGraph';
import { layoutInputOf, previewNodeView, summaryLabel, summaryRows } from '../../src/webview/previewView';
import { topologyKey } from '../../src/webview/model';
import { parsePersistedPreview } from '../../src/webview/previewProtocol';
import { parseHostMessage, parseWebviewMessage } from '../../src/webview/protocol';

/** The seed workflow's graph as the bridge sends it for workflow(1, 2). */
const SEED: PreviewResult = {
  lattice: 'workflow',
  nodeCount: 7,
  edgeCount: 9,
  truncated: false,
  nodes: [
    { id: 0, node_id: 0, name: 'task_0', type: 'function', function: 'task_0', file: '/w/redispatch_howto.py', line: 10 },
    { id: 1, node_id: 1, name: ':parameter:1', type: 'parameter' },
    { id: 2, node_id: 2, name: 'task_1', type: 'function', function: 'task_1', file: '/w/redispatch_howto.py', line: 15 },
    { id: 3, node_id: 3, name: ':parameter:2', type: 'parameter' },
    { id: 4, node_id: 4, name: 'task_2', type: 'function', function: 'task_2', file: '/w/redispatch_howto.py', line: 20 },
    { id: 5, node_id: 5, name: ':parameter:2', type: 'parameter' },
    { id: 6, node_id: 6, name: ':postprocess:reconstruct', type: 'function', function: 'workflow', file: '/w/redispatch_howto.py', line: 30 },
  ],
  links: [
    { source: 0, target: 2, edge_name: 'a', parameter_type: 'arg', arg_index: 0 },
    { source: 0, target: 6, edge_name: '!waiting_edge', parameter_type: null, arg_index: null },
    { source: 1, target: 0, edge_name: 'a', parameter_type: 'arg', arg_index: 0 },
    { source: 2, target: 4, edge_name: 'a', parameter_type: 'arg', arg_index: 0 },
    { source: 2, target: 6, edge_name: '!waiting_edge', parameter_type: null, arg_index: null },
    { source: 3, target: 2, edge_name: 'b', parameter_type: 'arg', arg_index: 1 },
    { source: 4, target: 6, edge_name: 'retval', parameter_type: 'arg', arg_index: 0 },
    { source: 4, target: 6, edge_name: 'node:4', parameter_type: 'kwarg', arg_index: null },
    { source: 5, target: 4, edge_name: 'b', parameter_type: 'arg', arg_index: 1 },
  ],
  summary: [
    { name: 'task_0', type: 'function', count: 1 },
    { name: 'task_1', type: 'function', count: 1 },
    { name: 'task_2', type: 'function', count: 1 },
    { name: ':postprocess:reconstruct', type: 'function', count: 1 },
    { name: '', type: 'parameter', count: 3 },
  ],
};

describe('Graph preview: the model the panel shows (no VS Code)', () => {
  it('reads the bridge’s graph into the tasks and edges a dispatch’s graph has, each node with its source', () => {
    const graph = previewGraphOf(SEED);
    assert.strictEqual(graph.tasks.length, 7);
    assert.deepStrictEqual(graph.tasks[0], { nodeId: 0, name: 'task_0', kind: 'function', source: { function: 'task_0', file: '/w/redispatch_howto.py', line: 10 } });
    assert.deepStrictEqual(graph.tasks[1], { nodeId: 1, name: ':parameter:1', kind: 'parameter' });
    assert.strictEqual(graph.edges.length, 9, 'every link, the two between task_2 and post-processing included');
    assert.deepStrictEqual(graph.edges[5], { source: 3, target: 2, label: 'b' });
    assert.strictEqual(taskCount(graph), 4);
    // The layout sees the same shape as for a dispatch of that graph.
    const dispatched = { tasks: graph.tasks.map(({ nodeId, name, kind }) => ({ nodeId, name, kind, status: 'COMPLETED' })), edges: graph.edges };
    assert.strictEqual(topologyKey(layoutInputOf(graph)), topologyKey(dispatched));
  });

  it('names the summary’s rows for people', () => {
    assert.deepStrictEqual(
      summaryRows(previewGraphOf(SEED)).map((row) => row.label),
      ['task_0', 'task_1', 'task_2', 'post-processing', 'parameters (inputs and constants)'],
    );
    assert.strictEqual(summaryLabel(':sublattice:shifted', 'sublattice'), 'shifted (sublattice)');
    assert.strictEqual(summaryLabel(':electron_list:', 'electron_list'), 'electron list (made by Covalent)');
  });

  it('says what flows into and out of a node, without Covalent’s waiting edges', () => {
    const view = previewNodeView(previewGraphOf(SEED), 2, 'redispatch_howto.py:15');
    assert.deepStrictEqual(view, {
      nodeId: 2,
      name: 'task_1',
      kind: 'function',
      function: 'task_1',
      where: 'redispatch_howto.py:15',
      inputs: [
        { edge: 'a', node: 'task_0' },
        { edge: 'b', node: ':parameter:2' },
      ],
      outputs: [{ edge: 'a', node: 'task_2' }],
    });
    assert.strictEqual(previewNodeView(previewGraphOf(SEED), 99), undefined);
  });

  it('checks the preview’s messages both ways and the state a page keeps', () => {
    assert.deepStrictEqual(parseWebviewMessage({ type: 'previewAction', action: 'dispatch' }), { type: 'previewAction', action: 'dispatch' });
    assert.strictEqual(parseWebviewMessage({ type: 'previewAction', action: 'rm -rf' }), undefined);
    assert.deepStrictEqual(parseWebviewMessage({ type: 'openFrame', index: 1 }), { type: 'openFrame', index: 1 });
    assert.strictEqual(parseWebviewMessage({ type: 'openFrame', index: -1 }), undefined);
    assert.ok(parseHostMessage({ type: 'previewHeader', header: { uri: 'file:///w/a.py', latticeName: 'wf', file: 'a.py', args: '', state: 'ready' } }));
    assert.strictEqual(parseHostMessage({ type: 'previewHeader', header: { latticeName: 3 } }), undefined);
    assert.ok(parseHostMessage({ type: 'pressPreviewAction', action: 'refresh' }));
    assert.deepStrictEqual(parsePersistedPreview({ preview: { uri: 'file:///w/a.py', lattice: 'wf', args: '1, 2' }, selectedNodeId: 2 }), {
      uri: 'file:///w/a.py',
      lattice: 'wf',
      args: '1, 2',
      selectedNodeId: 2,
    });
    assert.strictEqual(parsePersistedPreview({ preview: { uri: 'file:///w/a.py', lattice: 'wf(); import os', args: '' } }), undefined);
    assert.strictEqual(parsePersistedPreview({ dispatchId: 'abc' }), undefined);
  });

  it('reads the public API’s argument', () => {
    assert.deepStrictEqual(readPreviewRequest({ uri: 'file:///w/a.py', lattice: ' wf ', args: '1, 2' }), { uri: 'file:///w/a.py', lattice: 'wf', args: '1, 2' });
    assert.throws(() => readPreviewRequest({ uri: 'file:///w/a.py' }), /Expected `lattice`/);
    assert.throws(() => readPreviewRequest({ lattice: 'wf' }), /Expected `uri`/);
    assert.throws(() => readPreviewRequest({ uri: 'file:///w/a.py', lattice: 'wf', args: 12 }), /`args` are the inputs/);
  });
});
