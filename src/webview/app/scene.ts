import { displayName, type GraphDirection } from '../graphProtocol';
import type { GraphLayout, TaskLive } from '../protocol';

/**
 * The graph as the canvas draws it: nodes and edges in graph units, each node's
 * live status, and the questions drawing asks (what lies in this rectangle, what
 * is under the pointer, which nodes match a search). No DOM here: unit tests use
 * it in plain Node.
 */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface SceneNode {
  readonly index: number;
  readonly nodeId: number;
  readonly name: string;
  readonly kind: string;
  readonly label: string;
  x: number;
  y: number;
  readonly width: number;
  readonly height: number;
  readonly subDispatchId?: string;
  status: string;
  reused: boolean;
  /** Where it ran (short name and what matters of its settings), once the server says. */
  executor?: string;
}

export interface SceneEdge {
  readonly source: SceneNode;
  readonly target: SceneNode;
  /** An edge that only orders execution (Covalent's waiting edges): drawn dashed. */
  readonly control: boolean;
  points: number[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The status a node has before the server says anything (and in a graph that never ran). */
export const NO_STATUS = 'NEW_OBJECT';

export class Scene {
  readonly nodes: SceneNode[];
  readonly edges: SceneEdge[];
  private readonly byId = new Map<number, SceneNode>();
  private readonly edgesOf: SceneEdge[][];
  bounds: Rect;

  constructor(
    layout: GraphLayout,
    readonly direction: GraphDirection = layout.options?.direction ?? 'DOWN',
  ) {
    this.nodes = layout.nodes.map((node, index) => ({
      index,
      nodeId: node.nodeId,
      name: node.name,
      kind: node.kind,
      label: displayName(node.name, node.kind),
      x: node.x,
      y: node.y,
      width: node.width,
      height: node.height,
      subDispatchId: node.subDispatchId,
      status: NO_STATUS,
      reused: false,
    }));
    for (const node of this.nodes) this.byId.set(node.nodeId, node);
    this.edgesOf = this.nodes.map(() => []);
    this.edges = [];
    for (const edge of layout.edges) {
      const source = this.byId.get(edge.source);
      const target = this.byId.get(edge.target);
      if (!source || !target || edge.points.length < 4) continue;
      const drawn: SceneEdge = { source, target, control: edge.label === '!waiting_edge', points: [...edge.points], minX: 0, minY: 0, maxX: 0, maxY: 0 };
      measureEdge(drawn);
      this.edges.push(drawn);
      this.edgesOf[source.index]!.push(drawn);
      this.edgesOf[target.index]!.push(drawn);
    }
    this.bounds = { x: 0, y: 0, width: layout.width, height: layout.height };
  }

  node(nodeId: number): SceneNode | undefined {
    return this.byId.get(nodeId);
  }

  edgesAt(node: SceneNode): readonly SceneEdge[] {
    return this.edgesOf[node.index] ?? [];
  }

  /** Nodes overlapping `rect`, in drawing order. */
  nodesIn(rect: Rect, visit: (node: SceneNode) => void): void {
    const right = rect.x + rect.width;
    const bottom = rect.y + rect.height;
    for (const node of this.nodes) {
      if (node.x < right && node.x + node.width > rect.x && node.y < bottom && node.y + node.height > rect.y) visit(node);
    }
  }

  /** Edges with a segment crossing `rect`. */
  edgesIn(rect: Rect, visit: (edge: SceneEdge) => void): void {
    const right = rect.x + rect.width;
    const bottom = rect.y + rect.height;
    for (const edge of this.edges) {
      if (edge.maxX < rect.x || edge.minX > right || edge.maxY < rect.y || edge.minY > bottom) continue;
      const points = edge.points;
      for (let index = 2; index < points.length; index += 2) {
        if (segmentMeetsRect(points[index - 2]!, points[index - 1]!, points[index]!, points[index + 1]!, rect.x, rect.y, right, bottom)) {
          visit(edge);
          break;
        }
      }
    }
  }

  /** The node under a point (the last drawn wins, as on screen). */
  nodeAt(x: number, y: number): SceneNode | undefined {
    for (let index = this.nodes.length - 1; index >= 0; index--) {
      const node = this.nodes[index];
      if (node && x >= node.x && x <= node.x + node.width && y >= node.y && y <= node.y + node.height) return node;
    }
    return undefined;
  }

  /** Applies live statuses; returns the nodes whose look changed. */
  applyStatuses(tasks: readonly TaskLive[]): SceneNode[] {
    const changed: SceneNode[] = [];
    for (const task of tasks) {
      const node = this.byId.get(task.nodeId);
      if (!node) continue;
      const reused = task.reused && task.status === 'COMPLETED';
      // Where it ran is shown on hover and in the details, not painted: it needs no repaint.
      if (task.executor) node.executor = task.executor;
      if (node.status === task.status && node.reused === reused) continue;
      node.status = task.status;
      node.reused = reused;
      changed.push(node);
    }
    return changed;
  }

  /**
   * Moves a node (a drag); its edges become straight lines between the facing
   * sides. Returns the area whose drawing changed (before and after).
   */
  moveNode(node: SceneNode, x: number, y: number): Rect {
    let area = union(nodeRect(node), ...this.edgesOf[node.index]!.map(edgeRect));
    node.x = x;
    node.y = y;
    for (const edge of this.edgesOf[node.index]!) {
      edge.points = straightLine(edge.source, edge.target, this.direction);
      measureEdge(edge);
    }
    area = union(area, nodeRect(node), ...this.edgesOf[node.index]!.map(edgeRect));
    this.bounds = union(this.bounds, nodeRect(node));
    return area;
  }

  /**
   * Nodes whose label or name contains `query` (case-insensitive): exact
   * matches first, then those starting with it, then the rest, each in layout order.
   */
  find(query: string): SceneNode[] {
    const wanted = query.trim().toLowerCase();
    if (!wanted) return [];
    const scored: [number, SceneNode][] = [];
    for (const node of this.nodes) {
      const label = node.label.toLowerCase();
      const name = node.name.toLowerCase();
      const score = label === wanted || name === wanted ? 0 : label.startsWith(wanted) || name.startsWith(wanted) ? 1 : label.includes(wanted) || name.includes(wanted) ? 2 : -1;
      if (score >= 0) scored.push([score, node]);
    }
    return scored.sort((a, b) => a[0] - b[0] || a[1].index - b[1].index).map(([, node]) => node);
  }
}

export function nodeRect(node: SceneNode): Rect {
  return { x: node.x, y: node.y, width: node.width, height: node.height };
}

export function edgeRect(edge: SceneEdge): Rect {
  return { x: edge.minX, y: edge.minY, width: edge.maxX - edge.minX, height: edge.maxY - edge.minY };
}

export function union(...rects: Rect[]): Rect {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const rect of rects) {
    left = Math.min(left, rect.x);
    top = Math.min(top, rect.y);
    right = Math.max(right, rect.x + rect.width);
    bottom = Math.max(bottom, rect.y + rect.height);
  }
  return left === Infinity ? { x: 0, y: 0, width: 0, height: 0 } : { x: left, y: top, width: right - left, height: bottom - top };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && a.x + a.width > b.x && a.y < b.y + b.height && a.y + a.height > b.y;
}

function measureEdge(edge: SceneEdge): void {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let index = 0; index < edge.points.length; index += 2) {
    minX = Math.min(minX, edge.points[index]!);
    maxX = Math.max(maxX, edge.points[index]!);
    minY = Math.min(minY, edge.points[index + 1]!);
    maxY = Math.max(maxY, edge.points[index + 1]!);
  }
  Object.assign(edge, { minX, minY, maxX, maxY });
}

function straightLine(from: SceneNode, to: SceneNode, direction: GraphDirection): number[] {
  switch (direction) {
    case 'DOWN':
      return [from.x + from.width / 2, from.y + from.height, to.x + to.width / 2, to.y];
    case 'UP':
      return [from.x + from.width / 2, from.y, to.x + to.width / 2, to.y + to.height];
    case 'RIGHT':
      return [from.x + from.width, from.y + from.height / 2, to.x, to.y + to.height / 2];
    case 'LEFT':
      return [from.x, from.y + from.height / 2, to.x + to.width, to.y + to.height / 2];
  }
}

/** Whether segment (x1,y1)-(x2,y2) touches the rectangle (Liang–Barsky clipping). */
export function segmentMeetsRect(x1: number, y1: number, x2: number, y2: number, left: number, top: number, right: number, bottom: number): boolean {
  let low = 0;
  let high = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const edges: [number, number][] = [
    [-dx, x1 - left],
    [dx, right - x1],
    [-dy, y1 - top],
    [dy, bottom - y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > high) return false;
      if (t > low) low = t;
    } else {
      if (t < low) return false;
      if (t < high) high = t;
    }
  }
  return true;
}
