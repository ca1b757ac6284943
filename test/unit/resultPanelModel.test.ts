import * as assert from 'assert';
import type { DispatchGraph, TaskState } from '../../src/store/types';
import { displayName, layoutGraph, nodeSize } from '../../src/webview/layout';
import { compareWithParent, liveTasks, panelHeader, topologyKey } from '../../src/webview/model';
import { parseHostMessage, parsePersistedState, parseWebviewMessage } from '../../src/webview/protocol';

function task(nodeId: number, name: string, extra: Partial<TaskState> = {}): TaskState {
  return { nodeId, name, kind: name.startsWith(':parameter:') ? 'parameter' : 'function', status: 'COMPLETED', reused: false, startedAt: 1000, completedAt: 2000 + nodeId, ...extra };
}

const seed: DispatchGraph = {
  dispatchId: 'parent',
  fetchedAt: 0,
  tasks: [task(0, 'task_0'), task(1, ':parameter:1'), task(2, 'task_1'), task(3, ':parameter:2'), task(4, 'task_2'), task(5, ':parameter:2')],
  edges: [
    { source: 1, target: 0, label: 'a' },
    { source: 0, target: 2, label: 'a' },
    { source: 3, target: 2, label: 'b' },
    { source: 2, target: 4, label: 'a' },
    { source: 5, target: 4, label: 'b' },
  ],
};

describe('Result panel: messages from the webview are validated', () => {
  it('accepts the messages the page sends', () => {
    assert.deepStrictEqual(parseWebviewMessage({ type: 'select', nodeId: 3 }), { type: 'select', nodeId: 3 });
    assert.deepStrictEqual(parseWebviewMessage({ type: 'showAll', nodeId: null, field: 'result' }), { type: 'showAll', nodeId: null, field: 'result' });
    assert.deepStrictEqual(parseWebviewMessage({ type: 'action', action: 'openInUi' }), { type: 'action', action: 'openInUi' });
    assert.deepStrictEqual(parseWebviewMessage({ type: 'ready', extra: 'dropped' }), { type: 'ready' });
  });

  it('refuses anything else', () => {
    for (const bad of [
      null,
      'select',
      [],
      { type: 'select', nodeId: '3' },
      { type: 'select', nodeId: -1 },
      { type: 'select', nodeId: 1.5 },
      { type: 'showAll', nodeId: 1, field: 'function' },
      { type: 'action', action: 'runShell' },
      { type: 'openUrl', url: 'https://evil.example' },
      { type: 'rendered', requestId: 1, report: { nodes: 'x' } },
      { type: '__proto__' },
    ]) {
      assert.strictEqual(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('checks what the page receives and what it restores', () => {
    assert.ok(parseHostMessage({ type: 'tasks', tasks: [] }));
    assert.strictEqual(parseHostMessage({ type: 'tasks', tasks: 'no' }), undefined);
    assert.strictEqual(parseHostMessage({ type: 'eval', code: '1' }), undefined);
    assert.strictEqual(parseHostMessage({ type: 'showTab', tab: 'settings' }), undefined);
    assert.deepStrictEqual(parsePersistedState({ dispatchId: 'abc-123', selectedNodeId: 4, tab: 'timeline' }), { dispatchId: 'abc-123', selectedNodeId: 4, tab: 'timeline' });
    assert.strictEqual(parsePersistedState({ dispatchId: '"><script>' }), undefined);
    // The dispatch's server comes back with it; anything but an http(s) address is dropped.
    assert.strictEqual(parsePersistedState({ dispatchId: 'abc-123', serverAddress: 'https://covalent.example:8443' })?.serverAddress, 'https://covalent.example:8443');
    for (const serverAddress of ['javascript:alert(1)', 'not a url', 42, 'file:///etc/passwd']) {
      assert.deepStrictEqual(parsePersistedState({ dispatchId: 'abc-123', serverAddress }), { dispatchId: 'abc-123', selectedNodeId: undefined, tab: undefined });
    }
    assert.strictEqual(parsePersistedState(undefined), undefined);
  });
});

describe('Result panel: model', () => {
  it('keeps the layout when only statuses change, and lays out again when the shape changes', () => {
    const running: DispatchGraph = { ...seed, tasks: seed.tasks.map((entry) => ({ ...entry, status: 'RUNNING' as const })) };
    assert.strictEqual(topologyKey(running), topologyKey(seed));
    const grown: DispatchGraph = { ...seed, tasks: [...seed.tasks, task(6, 'task_3')] };
    assert.notStrictEqual(topologyKey(grown), topologyKey(seed));
    const rewired: DispatchGraph = { ...seed, edges: seed.edges.map((edge, index) => (index === 0 ? { ...edge, source: 3 } : edge)) };
    assert.notStrictEqual(topologyKey(rewired), topologyKey(seed));
    assert.deepStrictEqual(liveTasks(seed)[0], { nodeId: 0, status: 'COMPLETED', startedAt: 1000, completedAt: 2000, reused: false, executor: undefined });
  });

  it('fills the header from the store, counting tasks from the graph when the server gave no count', () => {
    const header = panelHeader('abc', { dispatchId: 'abc', status: 'RUNNING', name: 'workflow', startedAt: 5 }, { ...seed, tasks: [...seed.tasks.slice(0, 2), task(2, 'task_1', { status: 'RUNNING' })] }, 'http://s');
    assert.strictEqual(header.latticeName, 'workflow');
    assert.strictEqual(header.totalTasks, 2);
    assert.strictEqual(header.completedTasks, 1);
    assert.strictEqual(header.terminal, false);
    assert.strictEqual(header.serverAddress, 'http://s');
    assert.strictEqual(panelHeader('x', undefined, undefined, 'http://s').status, 'UNKNOWN');
  });

  it('compares a redispatch with its parent: reused, replaced, rerun', () => {
    const redispatch: DispatchGraph = {
      ...seed,
      dispatchId: 'child',
      tasks: seed.tasks.map((entry) =>
        entry.nodeId === 4 ? task(4, 'task_2_redefined', { startedAt: 3000, completedAt: 3100 }) : entry.nodeId === 2 ? { ...entry, startedAt: 2500, completedAt: 2600 } : { ...entry, reused: entry.kind !== 'parameter', completedAt: entry.startedAt },
      ),
    };
    const compare = compareWithParent(redispatch, seed, new Map([[4, '6']]), new Map([[4, '1.5']]));
    assert.strictEqual(compare.parentDispatchId, 'parent');
    assert.deepStrictEqual(
      compare.rows.map((row) => [row.name, row.change]),
      [
        ['task_0', 'reused'],
        ['task_1', 'rerun'],
        ['task_2_redefined', 'replaced'],
      ],
    );
    const replaced = compare.rows[2]!;
    assert.strictEqual(replaced.parentName, 'task_2');
    assert.strictEqual(replaced.result, '6');
    assert.strictEqual(replaced.parentResult, '1.5');
    assert.strictEqual(replaced.durationMs, 100);
    assert.strictEqual(replaced.parentDurationMs, 1004);
  });
});

describe('Result panel: layout with ELK', () => {
  it('places every node without overlaps and routes every edge', async () => {
    const layout = await layoutGraph({ tasks: seed.tasks, edges: seed.edges });
    assert.strictEqual(layout.nodes.length, 6);
    assert.strictEqual(layout.edges.length, 5);
    for (const edge of layout.edges) assert.ok(edge.points.length >= 4, 'an edge has a start and an end');
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        assert.ok(apart, `${a.name} and ${b.name} overlap`);
      }
    }
    const byName = new Map(layout.nodes.map((node) => [node.nodeId, node]));
    // Layered top-down: a task sits below what it depends on.
    assert.ok(byName.get(2)!.y > byName.get(0)!.y);
    assert.ok(byName.get(4)!.y > byName.get(2)!.y);
  });

  it('draws parameters smaller, names Covalent’s own nodes readably, and ignores edges to unknown nodes', async () => {
    assert.ok(nodeSize(':parameter:1', 'parameter').height < nodeSize('task_0', 'function').height);
    assert.strictEqual(displayName(':parameter:1', 'parameter'), '1');
    assert.strictEqual(displayName(':postprocess:reconstruct', 'function'), 'reconstruct');
    assert.strictEqual(displayName(':electron_list:', 'electron_list'), 'electron_list');
    const layout = await layoutGraph({ tasks: seed.tasks.slice(0, 2), edges: [{ source: 1, target: 0 }, { source: 7, target: 0 }, { source: 0, target: 0 }] });
    assert.strictEqual(layout.edges.length, 1);
  });

  it('draws Covalent’s waiting edges straight instead of giving them to ELK', async () => {
    const edges = [...seed.edges, { source: 0, target: 6, label: '!waiting_edge' }, { source: 2, target: 6, label: '!waiting_edge' }, { source: 4, target: 6, label: 'retval' }];
    const layout = await layoutGraph({ tasks: [...seed.tasks, task(6, ':postprocess:reconstruct')], edges });
    assert.strictEqual(layout.edges.length, 8, 'every edge is drawn');
    const waiting = layout.edges.filter((edge) => edge.label === '!waiting_edge');
    assert.strictEqual(waiting.length, 2);
    for (const edge of waiting) assert.strictEqual(edge.points.length, 4, 'a straight line');
    const post = layout.nodes.find((node) => node.nodeId === 6)!;
    assert.ok(Math.abs(waiting[0]!.points[2]! - (post.x + post.width / 2)) < 0.1 && Math.abs(waiting[0]!.points[3]! - post.y) < 0.1, 'it ends at the top of the post-processing node');
  });

  it('lays out a 1,000-task graph', async () => {
    const tasks = Array.from({ length: 1000 }, (_, index) => task(index, `task_${index}`));
    const edges = tasks.slice(30).map((entry) => ({ source: entry.nodeId - 30, target: entry.nodeId }));
    const layout = await layoutGraph({ tasks, edges });
    assert.strictEqual(layout.nodes.length, 1000);
    assert.ok(layout.nodes.every((node) => node.width > 0 && Number.isFinite(node.x) && Number.isFinite(node.y)));
  });
});
