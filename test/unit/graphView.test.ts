import * as assert from 'assert';
import { DOMParser } from '@xmldom/xmldom';
import { Scene } from '../../src/webview/app/scene';
import { sceneToSvg } from '../../src/webview/app/svgExport';
import type { Theme } from '../../src/webview/app/painter';
import { pictureBytes } from '../../src/webview/graphPicture';
import { DEFAULT_VIEW_STATE, parseGraphViewState } from '../../src/webview/graphProtocol';
import { layeredLayout } from '../../src/webview/layeredLayout';
import { LARGE_GRAPH_TASKS, layoutGraph, type LayoutEdge, type LayoutTask } from '../../src/webview/layout';
import { type GraphLayout, parseHostMessage, parsePersistedState, parseWebviewMessage } from '../../src/webview/protocol';

/** Covalent's shape for a sweep: parameters feeding leaves, layers of joins, every task waited for by post-processing. */
function sweep(width: number, depth: number): { tasks: LayoutTask[]; edges: LayoutEdge[] } {
  const tasks: LayoutTask[] = [];
  const edges: LayoutEdge[] = [];
  let layer: number[] = [];
  for (let index = 0; index < width; index++) {
    const leaf = tasks.length;
    tasks.push({ nodeId: leaf, name: 'leaf', kind: 'function' });
    tasks.push({ nodeId: leaf + 1, name: `:parameter:${index}`, kind: 'parameter' });
    edges.push({ source: leaf + 1, target: leaf, label: 'index' });
    layer.push(leaf);
  }
  for (let level = 1; level < depth; level++) {
    layer = layer.map((_, index) => {
      const join = tasks.length;
      tasks.push({ nodeId: join, name: `join_${level}_${index}`, kind: 'function' });
      edges.push({ source: layer[index]!, target: join, label: 'left' }, { source: layer[(index + 1) % width]!, target: join, label: 'right' });
      return join;
    });
  }
  const post = tasks.length;
  tasks.push({ nodeId: post, name: ':postprocess:reconstruct', kind: 'function' });
  for (const task of tasks) if (task.kind === 'function' && task.nodeId !== post) edges.push({ source: task.nodeId, target: post, label: '!waiting_edge' });
  return { tasks, edges };
}

function assertNoOverlap(layout: GraphLayout): void {
  const sorted = [...layout.nodes].sort((a, b) => a.x - b.x);
  for (let first = 0; first < sorted.length; first++) {
    const a = sorted[first]!;
    for (let second = first + 1; second < sorted.length && sorted[second]!.x < a.x + a.width; second++) {
      const b = sorted[second]!;
      assert.ok(a.y + a.height <= b.y || b.y + b.height <= a.y, `${a.name} and ${b.name} overlap`);
    }
  }
}

const THEME: Theme = {
  background: '#1e1e1e',
  nodeFill: '#252526',
  nodeBorder: '#555',
  text: '#ccc',
  muted: '#999',
  edge: '#888',
  focus: '#007fd4',
  reuse: '#b180d7',
  sublattice: '#b180d7',
  fontFamily: '"Fira Code", monospace',
  status: { completed: '#388a34', failed: '#e51400', running: '#3794ff', waiting: '#888', cancelled: '#d18616', pending: '#b180d7' },
};

describe('Graph view: layout choices', () => {
  it('lays out a big graph with its own layered layout: every node placed once, no overlaps, every edge downwards', async () => {
    const graph = sweep(20, 30);
    assert.ok(graph.tasks.length > LARGE_GRAPH_TASKS);
    const layout = await layoutGraph(graph);
    assert.strictEqual(layout.engine, 'layered (own)');
    assert.strictEqual(layout.nodes.length, graph.tasks.length);
    assert.strictEqual(layout.edges.length, graph.edges.length);
    assertNoOverlap(layout);
    const byId = new Map(layout.nodes.map((node) => [node.nodeId, node]));
    for (const edge of layout.edges) {
      assert.ok(edge.points.length >= 4, 'an edge has a start and an end');
      assert.ok(byId.get(edge.target)!.y > byId.get(edge.source)!.y, 'top-down: a task sits below its inputs');
    }
    // A parameter sits right above the task it feeds, not in a row of its own at the top.
    const parameter = byId.get(21)!;
    assert.ok(byId.get(20)!.y - parameter.y < 80, 'the parameter is next to its task');
  });

  it('turns the flow left-to-right, hides parameters and post-processing when asked', async () => {
    const graph = sweep(20, 30);
    const layout = await layoutGraph(graph, { direction: 'RIGHT', algorithm: 'layered', showParameters: false, showPostprocessing: false });
    assert.ok(layout.nodes.every((node) => node.kind !== 'parameter' && !node.name.startsWith(':postprocess:')));
    assert.strictEqual(layout.nodes.length, graph.tasks.length - 20 - 1);
    assert.ok(layout.edges.every((edge) => edge.label !== '!waiting_edge'), 'no edge to a hidden node');
    const byId = new Map(layout.nodes.map((node) => [node.nodeId, node]));
    for (const edge of layout.edges) assert.ok(byId.get(edge.target)!.x > byId.get(edge.source)!.x, 'left-right: a task sits right of its inputs');
    assert.deepStrictEqual(layout.options, { direction: 'RIGHT', algorithm: 'layered', showParameters: false, showPostprocessing: false });
  });

  it('uses the ELK algorithm chosen, and layered where that one is too slow for the graph', async () => {
    const small = sweep(3, 3);
    const box = await layoutGraph(small, { ...DEFAULT_VIEW_STATE, algorithm: 'box' });
    assert.strictEqual(box.engine, 'elk box');
    assert.ok(box.edges.every((edge) => edge.points.length >= 4), 'edges an algorithm does not route are drawn straight');
    const big = await layoutGraph(sweep(20, 30), { ...DEFAULT_VIEW_STATE, algorithm: 'force' });
    assert.strictEqual(big.options?.algorithm, 'layered');
  });

  it('keeps cycles and lone nodes in the picture', () => {
    const nodes = Array.from({ length: 4 }, () => ({ width: 90, height: 30 }));
    const result = layeredLayout(nodes, [{ source: 0, target: 1 }, { source: 1, target: 2 }, { source: 2, target: 0 }, { source: 1, target: 1 }], { direction: 'DOWN', nodeSpacing: 24, layerSpacing: 40, padding: 20 });
    assert.ok([...result.x, ...result.y].every(Number.isFinite));
    assert.strictEqual(result.edgePoints[3]!.length, 0, 'a self-loop is not drawn');
    assert.ok(result.edgePoints.slice(0, 3).every((points) => points.length >= 4));
  });
});

describe('Graph view: the scene the canvas draws', () => {
  const layout: GraphLayout = {
    width: 400,
    height: 200,
    nodes: [
      { nodeId: 1, name: 'task_a', kind: 'function', x: 20, y: 20, width: 100, height: 30 },
      { nodeId: 2, name: ':parameter:5', kind: 'parameter', x: 200, y: 20, width: 40, height: 22 },
      { nodeId: 3, name: 'task_b', kind: 'function', x: 20, y: 120, width: 100, height: 30 },
      { nodeId: 4, name: 'a_task', kind: 'function', x: 200, y: 120, width: 100, height: 30 },
    ],
    edges: [
      { source: 1, target: 3, points: [70, 50, 70, 120] },
      { source: 2, target: 3, points: [220, 42, 70, 120] },
      { source: 3, target: 9, points: [0, 0, 1, 1] },
    ],
  };

  it('finds nodes in an area and under a point, and edges crossing an area', () => {
    const scene = new Scene(layout);
    assert.strictEqual(scene.edges.length, 2, 'an edge to an unknown node is left out');
    const inTop: number[] = [];
    scene.nodesIn({ x: 0, y: 0, width: 400, height: 60 }, (node) => inTop.push(node.nodeId));
    assert.deepStrictEqual(inTop, [1, 2]);
    assert.strictEqual(scene.nodeAt(30, 130)?.nodeId, 3);
    assert.strictEqual(scene.nodeAt(150, 100), undefined);
    const crossing: number[] = [];
    scene.edgesIn({ x: 60, y: 80, width: 20, height: 10 }, (edge) => crossing.push(edge.source.nodeId));
    assert.deepStrictEqual(crossing, [1], 'the diagonal edge passes elsewhere although its box covers the area');
  });

  it('reports only the nodes whose look changed, and moves a node with its edges', () => {
    const scene = new Scene(layout);
    const changed = scene.applyStatuses([
      { nodeId: 1, status: 'NEW_OBJECT', reused: false },
      { nodeId: 3, status: 'RUNNING', reused: false },
      { nodeId: 4, status: 'COMPLETED', reused: true },
    ]);
    assert.deepStrictEqual(changed.map((node) => node.nodeId), [3, 4]);
    assert.strictEqual(scene.applyStatuses([{ nodeId: 3, status: 'RUNNING', reused: false }]).length, 0);
    const node = scene.node(3)!;
    const area = scene.moveNode(node, 300, 170);
    assert.deepStrictEqual(scene.edgesAt(node)[0]?.points, [70, 50, 350, 170], 'the edge now ends on the moved node');
    assert.ok(area.x <= 20 && area.y <= 50 && area.x + area.width >= 400 && area.y + area.height >= 200, 'the repaint covers before and after');
  });

  it('finds tasks by name: exact first, then prefix, then anywhere', () => {
    const scene = new Scene(layout);
    assert.deepStrictEqual(scene.find('task_b').map((node) => node.nodeId), [3]);
    assert.deepStrictEqual(scene.find('TASK').map((node) => node.nodeId), [1, 3, 4]);
    assert.deepStrictEqual(scene.find('5').map((node) => node.nodeId), [2], 'a parameter by its value');
    assert.deepStrictEqual(scene.find('  '), []);
  });

  it('exports an SVG that parses, holds every node and edge, and keeps hostile names as text', () => {
    const hostile: GraphLayout = { ...layout, nodes: [...layout.nodes, { nodeId: 5, name: '<script>alert(1)</script>&"', kind: 'function', x: 20, y: 170, width: 100, height: 30 }] };
    const scene = new Scene(hostile);
    scene.applyStatuses([{ nodeId: 1, status: 'FAILED', reused: false }]);
    const svg = sceneToSvg(scene, THEME, { labels: true, title: 'graph' });
    const errors: string[] = [];
    const document = new DOMParser({ onError: (level, message) => errors.push(`${level}: ${message}`) }).parseFromString(svg, 'image/svg+xml');
    assert.deepStrictEqual(errors, []);
    const groups = Array.from(document.getElementsByTagName('g')).filter((group) => group.getAttribute('class') === 'node');
    assert.deepStrictEqual(groups.map((group) => group.getAttribute('data-node')), ['1', '2', '3', '4', '5']);
    assert.strictEqual(groups[0]!.getAttribute('data-status'), 'FAILED');
    assert.strictEqual(document.getElementsByTagName('script').length, 0);
    assert.ok(Array.from(document.getElementsByTagName('text')).some((text) => text.textContent === '<script>alert(1)</script>&"'));
    assert.strictEqual(Array.from(document.getElementsByTagName('path')).filter((path) => path.getAttribute('data-source')).length, 2);
    assert.strictEqual(sceneToSvg(scene, THEME, { labels: false }).includes('<text'), false, 'labels off: no text');
  });
});

describe('Graph view: messages and saved state', () => {
  it('reads a view state with defaults for what is missing or wrong', () => {
    assert.deepStrictEqual(parseGraphViewState({}), DEFAULT_VIEW_STATE);
    assert.deepStrictEqual(parseGraphViewState({ direction: 'RIGHT', algorithm: 'rm -rf', labels: 'no', minimap: true }), { ...DEFAULT_VIEW_STATE, direction: 'RIGHT', minimap: true });
    assert.strictEqual(parseGraphViewState('RIGHT'), undefined);
    assert.deepStrictEqual(parsePersistedState({ dispatchId: 'a-1', view: { showParameters: false } })?.view, { ...DEFAULT_VIEW_STATE, showParameters: false });
  });

  it('validates the graph messages both ways', () => {
    assert.deepStrictEqual(parseWebviewMessage({ type: 'graphView', view: { direction: 'UP' } }), { type: 'graphView', view: { ...DEFAULT_VIEW_STATE, direction: 'UP' } });
    assert.deepStrictEqual(parseWebviewMessage({ type: 'exported', format: 'svg', data: '<svg/>', requestId: 2 }), { type: 'exported', format: 'svg', data: '<svg/>', requestId: 2 });
    assert.strictEqual(parseWebviewMessage({ type: 'exported', format: 'exe', data: 'MZ' }), undefined);
    assert.strictEqual(parseWebviewMessage({ type: 'exported', format: 'png', data: 5 }), undefined);
    assert.ok(parseHostMessage({ type: 'pressControl', control: 'minimap' }));
    assert.strictEqual(parseHostMessage({ type: 'pressControl', control: 'shell' }), undefined);
    assert.ok(parseHostMessage({ type: 'dragNode', nodeId: 1, dx: 5, dy: 0 }));
    assert.strictEqual(parseHostMessage({ type: 'exportGraph', requestId: 1, format: 'pdf' }), undefined);
  });

  it('writes only pictures that are what they claim to be', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
    assert.strictEqual(pictureBytes({ format: 'png', data: png })?.length, 12);
    assert.strictEqual(pictureBytes({ format: 'png', data: Buffer.from('GIF89a').toString('base64') }), undefined);
    assert.strictEqual(pictureBytes({ format: 'png', data: 'not base64!' }), undefined);
    assert.ok(pictureBytes({ format: 'svg', data: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>' }));
    assert.strictEqual(pictureBytes({ format: 'svg', data: '<html><script>1</script></html>' }), undefined);
  });
});
