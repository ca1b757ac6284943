import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import { algorithmFits, DEFAULT_LAYOUT_OPTIONS, displayName, type GraphLayoutOptions, isPostprocessing } from './graphProtocol';
import { layeredLayout } from './layeredLayout';
import type { GraphLayout, LaidOutEdge, LaidOutNode } from './protocol';

/**
 * Lays out a task graph with the algorithm, direction and node filters the user
 * chose: ELK (elkjs) for its algorithms, our own linear-time layered layout for
 * big graphs. Pure computation without `vscode`: the panel runs it in a worker
 * thread (see layoutWorker.ts) so a 5,000-task graph never blocks the extension
 * host, and unit tests run it in plain Node.
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

/**
 * Above this many nodes "Layered" uses layeredLayout.ts: even with its cheapest
 * strategies ELK needs ~1.3 s for 1,000 tasks and ~2 s for 5,000 on a 2-core
 * machine, ours ~0.05 s and ~0.15 s.
 */
export const LARGE_GRAPH_TASKS = 300;

const NODE_SPACING = 24;
const LAYER_SPACING = 40;
const PADDING = 20;

const BASE_OPTIONS: LayoutOptions = {
  'elk.spacing.nodeNode': String(NODE_SPACING),
  'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_SPACING),
  'elk.spacing.edgeNode': '12',
  'elk.padding': `[top=${PADDING},left=${PADDING},bottom=${PADDING},right=${PADDING}]`,
};

export { displayName };

export function nodeSize(name: string, kind: string): { width: number; height: number } {
  const label = displayName(name, kind);
  if (kind === 'parameter') return { width: Math.min(140, Math.max(36, label.length * 7 + 20)), height: PARAMETER_HEIGHT };
  return { width: Math.min(240, Math.max(90, label.length * 7 + 40)), height: NODE_HEIGHT };
}

let elk: InstanceType<typeof ELK> | undefined;

export async function layoutGraph(input: LayoutInput, options: GraphLayoutOptions = DEFAULT_LAYOUT_OPTIONS): Promise<GraphLayout> {
  const shown = (task: LayoutTask) => (options.showParameters || task.kind !== 'parameter') && (options.showPostprocessing || !isPostprocessing(task.name));
  const tasks = input.tasks.filter(shown);
  const hiddenNodes = input.tasks.filter((task) => !shown(task)).map(({ nodeId, name, kind }) => ({ nodeId, name, kind }));
  const known = new Set(tasks.map((task) => task.nodeId));
  // Edges to nodes the graph does not show would make ELK throw: drop them.
  const usable = input.edges.filter((edge) => known.has(edge.source) && known.has(edge.target) && edge.source !== edge.target);
  // Covalent adds a "waiting" edge from every task to the post-processing node: with
  // 1,000 tasks that one node has 1,000 inputs, which costs ELK most of its time.
  // They only order execution, so the data edges are laid out and these are drawn straight.
  const routed = usable.filter((edge) => !isControlEdge(edge));
  // An algorithm too slow for this many nodes (the page offers it disabled) falls back to layered.
  const algorithm = algorithmFits(options.algorithm, tasks.length) ? options.algorithm : 'layered';
  const own = algorithm === 'layered' && tasks.length > LARGE_GRAPH_TASKS;
  const sizes = tasks.map((task) => nodeSize(task.name, task.kind));
  const placed = own ? layOutOwn(tasks, sizes, routed, usable.filter(isControlEdge), options) : await layOutWithElk(tasks, sizes, routed, { ...options, algorithm });

  const nodes: LaidOutNode[] = tasks.map((task, index) => ({
    nodeId: task.nodeId,
    name: task.name,
    kind: task.kind,
    x: round(placed.x[index]!),
    y: round(placed.y[index]!),
    width: sizes[index]!.width,
    height: sizes[index]!.height,
    subDispatchId: task.subDispatchId,
  }));
  const laidOutEdges: LaidOutEdge[] = routed.map((edge, index) => ({ source: edge.source, target: edge.target, label: edge.label, points: placed.edgePoints[index] ?? [] }));
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  for (const edge of usable) {
    if (!isControlEdge(edge)) continue;
    laidOutEdges.push({ source: edge.source, target: edge.target, label: edge.label, points: straightEdge(byId.get(edge.source)!, byId.get(edge.target)!, options.direction) });
  }
  return { width: placed.width, height: placed.height, nodes, edges: laidOutEdges, hiddenNodes, options: { ...options, algorithm }, engine: own ? 'layered (own)' : `elk ${algorithm}` };
}

interface Placement {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly edgePoints: readonly (readonly number[])[];
  readonly width: number;
  readonly height: number;
}

function layOutOwn(tasks: readonly LayoutTask[], sizes: readonly { width: number; height: number }[], edges: readonly LayoutEdge[], control: readonly LayoutEdge[], options: GraphLayoutOptions): Placement {
  const index = new Map(tasks.map((task, position) => [task.nodeId, position]));
  const indexed = (list: readonly LayoutEdge[]) => list.map((edge) => ({ source: index.get(edge.source)!, target: index.get(edge.target)! }));
  return layeredLayout(sizes, indexed(edges), { direction: options.direction, nodeSpacing: NODE_SPACING, layerSpacing: LAYER_SPACING, padding: PADDING }, indexed(control));
}

async function layOutWithElk(tasks: readonly LayoutTask[], sizes: readonly { width: number; height: number }[], routed: readonly LayoutEdge[], options: GraphLayoutOptions): Promise<Placement> {
  elk ??= new ELK();
  const children: ElkNode[] = tasks.map((task, index) => ({ id: `n${task.nodeId}`, ...sizes[index] }));
  const edges: ElkExtendedEdge[] = routed.map((edge, index) => ({ id: `e${index}`, sources: [`n${edge.source}`], targets: [`n${edge.target}`] }));
  const layoutOptions: LayoutOptions = { ...BASE_OPTIONS, 'elk.algorithm': options.algorithm, 'elk.direction': options.direction };
  const root: ElkNode = await elk.layout({ id: 'root', layoutOptions, children, edges });
  const positions = new Map<string, ElkNode>();
  for (const child of root.children ?? []) positions.set(child.id, child);
  const boxes = tasks.map((task, index): Box => {
    const placed = positions.get(`n${task.nodeId}`);
    return { x: placed?.x ?? 0, y: placed?.y ?? 0, width: sizes[index]?.width ?? 0, height: sizes[index]?.height ?? 0 };
  });
  const x = boxes.map((box) => box.x);
  const y = boxes.map((box) => box.y);
  const byId = new Map(tasks.map((task, index) => [task.nodeId, boxes[index]!]));
  const edgePoints = routed.map((edge, index) => {
    const section = (root.edges)?.[index]?.sections?.[0];
    // Not every ELK algorithm routes edges: those that do not get a straight line.
    if (!section) return straightEdge(byId.get(edge.source)!, byId.get(edge.target)!, options.direction);
    const points: number[] = [];
    for (const point of [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]) points.push(round(point.x), round(point.y));
    return points;
  });
  return { x, y, edgePoints, width: root.width ?? 0, height: root.height ?? 0 };
}

type Box = { readonly x: number; readonly y: number; readonly width: number; readonly height: number };

/** From the side of `from` that faces the flow to the opposite side of `to`. */
export function straightEdge(from: Box, to: Box, direction: GraphLayoutOptions['direction']): number[] {
  const ends: Record<GraphLayoutOptions['direction'], [number, number, number, number]> = {
    DOWN: [from.x + from.width / 2, from.y + from.height, to.x + to.width / 2, to.y],
    UP: [from.x + from.width / 2, from.y, to.x + to.width / 2, to.y + to.height],
    RIGHT: [from.x + from.width, from.y + from.height / 2, to.x, to.y + to.height / 2],
    LEFT: [from.x, from.y + from.height / 2, to.x + to.width, to.y + to.height / 2],
  };
  return ends[direction].map(round);
}

/** An edge that orders execution without carrying a value (Covalent's `!waiting_edge`). */
export function isControlEdge(edge: LayoutEdge): boolean {
  return edge.label === '!waiting_edge';
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
