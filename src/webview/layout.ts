import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { GraphLayout, LaidOutEdge, LaidOutNode } from './protocol';

/**
 * Lays out a dispatch's task graph with ELK's layered algorithm (elkjs). Pure
 * computation without `vscode`: the panel runs it in a worker thread (see
 * layoutWorker.ts) so a 5,000-task graph never blocks the extension host, and
 * unit tests run it in plain Node.
 */
export interface LayoutTask {
  readonly nodeId: number;
  readonly name: string;
  readonly kind: string;
  readonly subDispatchId?: string;
}

export interface LayoutEdge {
  readonly source: number;
  readonly target: number;
  readonly label?: string;
}

export interface LayoutInput {
  readonly tasks: readonly LayoutTask[];
  readonly edges: readonly LayoutEdge[];
}

export const NODE_HEIGHT = 30;
export const PARAMETER_HEIGHT = 22;

/** Above this many tasks ELK's cheaper strategies keep layout time near-linear. */
export const LARGE_GRAPH_TASKS = 300;

const BASE_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  'elk.spacing.edgeNode': '12',
  'elk.padding': '[top=20,left=20,bottom=20,right=20]',
};

/** Measured on 1,000 and 5,000 tasks: these cut ELK's time about 5× (bench/panel.bench.ts). */
const LARGE_GRAPH_OPTIONS: LayoutOptions = {
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
  'elk.layered.thoroughness': '1',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.layering.strategy': 'LONGEST_PATH',
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
  'elk.separateConnectedComponents': 'false',
};

/** The label a node shows: parameters show their value, internal nodes lose their prefix. */
export function displayName(name: string, kind: string): string {
  if (kind === 'parameter') return name.replace(/^:parameter:/, '');
  const internal = /^:([a-z_]+):(.*)$/.exec(name);
  if (internal) return internal[2] || internal[1] || name;
  return name;
}

export function nodeSize(name: string, kind: string): { width: number; height: number } {
  const label = displayName(name, kind);
  if (kind === 'parameter') return { width: Math.min(140, Math.max(36, label.length * 7 + 20)), height: PARAMETER_HEIGHT };
  return { width: Math.min(240, Math.max(90, label.length * 7 + 40)), height: NODE_HEIGHT };
}

let elk: InstanceType<typeof ELK> | undefined;

export async function layoutGraph(input: LayoutInput): Promise<GraphLayout> {
  elk ??= new ELK();
  const known = new Set(input.tasks.map((task) => task.nodeId));
  const children: ElkNode[] = input.tasks.map((task) => ({ id: `n${task.nodeId}`, ...nodeSize(task.name, task.kind) }));
  // Edges to nodes the graph does not hold would make ELK throw: drop them.
  const usable = input.edges.filter((edge) => known.has(edge.source) && known.has(edge.target) && edge.source !== edge.target);
  // Covalent adds a "waiting" edge from every task to the post-processing node: with
  // 1,000 tasks that one node has 1,000 inputs, which costs ELK most of its time.
  // They only order execution, so ELK lays out the data edges and these are drawn straight.
  const routed = usable.filter((edge) => !isControlEdge(edge));
  const edges: ElkExtendedEdge[] = routed.map((edge, index) => ({ id: `e${index}`, sources: [`n${edge.source}`], targets: [`n${edge.target}`] }));
  const layoutOptions = input.tasks.length > LARGE_GRAPH_TASKS ? { ...BASE_OPTIONS, ...LARGE_GRAPH_OPTIONS } : BASE_OPTIONS;
  const graph: ElkNode = { id: 'root', layoutOptions, children, edges };
  const root: ElkNode = await elk.layout(graph);

  const positions = new Map<string, ElkNode>();
  for (const child of root.children ?? []) positions.set(child.id, child);
  const nodes: LaidOutNode[] = input.tasks.map((task) => {
    const placed = positions.get(`n${task.nodeId}`);
    return {
      nodeId: task.nodeId,
      name: task.name,
      kind: task.kind,
      x: placed?.x ?? 0,
      y: placed?.y ?? 0,
      width: placed?.width ?? 0,
      height: placed?.height ?? 0,
      subDispatchId: task.subDispatchId,
    };
  });
  const laidOutEdges: LaidOutEdge[] = routed.map((edge, index) => {
    const section = (root.edges)?.[index]?.sections?.[0];
    const points: number[] = [];
    if (section) {
      for (const point of [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]) points.push(round(point.x), round(point.y));
    }
    return { source: edge.source, target: edge.target, label: edge.label, points };
  });
  const placed = new Map(nodes.map((node) => [node.nodeId, node]));
  for (const edge of usable) {
    if (!isControlEdge(edge)) continue;
    const from = placed.get(edge.source)!;
    const to = placed.get(edge.target)!;
    laidOutEdges.push({
      source: edge.source,
      target: edge.target,
      label: edge.label,
      points: [round(from.x + from.width / 2), round(from.y + from.height), round(to.x + to.width / 2), round(to.y)],
    });
  }
  return { width: root.width ?? 0, height: root.height ?? 0, nodes, edges: laidOutEdges };
}

/** An edge that orders execution without carrying a value (Covalent's `!waiting_edge`). */
export function isControlEdge(edge: LayoutEdge): boolean {
  return edge.label === '!waiting_edge';
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
