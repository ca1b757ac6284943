import type { Rect, Scene, SceneEdge, SceneNode } from './scene';

/**
 * Draws part of a scene onto a 2D canvas context whose transform maps graph
 * units to pixels. Level of detail follows the zoom: tiny nodes are coloured
 * blocks and edges plain lines; at a readable size nodes get borders, status
 * bars, labels and arrowheads.
 */
export type Detail = 'full' | 'boxes' | 'dots';

/** A node 30 units high is ~4 px at 0.15 and ~12 px at 0.4: below that text is unreadable. */
export function detailFor(scale: number): Detail {
  if (scale < 0.15) return 'dots';
  if (scale < 0.4) return 'boxes';
  return 'full';
}

export interface Theme {
  readonly background: string;
  readonly nodeFill: string;
  readonly nodeBorder: string;
  readonly text: string;
  readonly muted: string;
  readonly edge: string;
  readonly focus: string;
  readonly reuse: string;
  readonly sublattice: string;
  readonly fontFamily: string;
  readonly status: Readonly<Record<StatusTone, string>>;
}

export type StatusTone = 'completed' | 'failed' | 'running' | 'waiting' | 'cancelled' | 'pending';

export function statusTone(status: string): StatusTone {
  switch (status) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
    case 'POSTPROCESSING_FAILED':
      return 'failed';
    case 'RUNNING':
    case 'DISPATCHING':
    case 'POSTPROCESSING':
      return 'running';
    case 'CANCELLED':
      return 'cancelled';
    case 'PENDING_REUSE':
    case 'PENDING_REPLACEMENT':
      return 'pending';
    default:
      return 'waiting';
  }
}

/** A node's colour: its status bar (and the whole node far out); the canvas and the SVG picture share it. */
export function nodeColor(theme: Theme, node: SceneNode): string {
  if (node.kind === 'parameter') return theme.muted;
  if (node.reused) return theme.reuse;
  return theme.status[statusTone(node.status)];
}

/** A node's border: a waiting task's is neutral, the rest take their colour. */
export function nodeBorder(theme: Theme, node: SceneNode): string {
  return node.kind !== 'parameter' && !node.reused && statusTone(node.status) === 'waiting' ? theme.nodeBorder : nodeColor(theme, node);
}

export interface PaintOptions {
  readonly labels: boolean;
  /** Nodes (and their edges) drawn elsewhere, e.g. one being dragged. */
  readonly skip?: ReadonlySet<SceneNode>;
}

export interface PaintCount {
  nodes: number;
  labels: number;
}

const LABEL_FONT_SIZE = 12;
const PARAMETER_FONT_SIZE = 11;

export class Painter {
  /** Labels cut to fit their box, measured once per node. */
  private readonly fitted = new Map<SceneNode, string>();

  constructor(
    private readonly scene: Scene,
    public theme: Theme,
  ) {}

  forgetLabels(): void {
    this.fitted.clear();
  }

  nodeColor(node: SceneNode): string {
    return nodeColor(this.theme, node);
  }

  /** Paints everything within `area` (graph units); `scale` is pixels per unit on the target. */
  paint(context: CanvasRenderingContext2D, area: Rect, scale: number, detail: Detail, options: PaintOptions): PaintCount {
    const edges: SceneEdge[] = [];
    this.scene.edgesIn(area, (edge) => {
      if (!options.skip || (!options.skip.has(edge.source) && !options.skip.has(edge.target))) edges.push(edge);
    });
    const nodes: SceneNode[] = [];
    this.scene.nodesIn(area, (node) => {
      if (!options.skip?.has(node)) nodes.push(node);
    });
    return this.paintItems(context, nodes, edges, scale, detail, options.labels);
  }

  paintItems(context: CanvasRenderingContext2D, nodes: readonly SceneNode[], edges: readonly SceneEdge[], scale: number, detail: Detail, labels: boolean, edgeColor = this.theme.edge): PaintCount {
    this.paintEdges(context, edges, scale, detail, edgeColor);
    const count: PaintCount = { nodes: nodes.length, labels: 0 };
    if (detail === 'dots') {
      for (const node of nodes) {
        context.fillStyle = this.nodeColor(node);
        context.fillRect(node.x, node.y, node.width, node.height);
      }
      return count;
    }
    const pixel = 1 / scale;
    for (const node of nodes) this.paintNodeBox(context, node, detail, pixel);
    if (detail === 'full' && labels) {
      context.textBaseline = 'middle';
      for (const node of nodes) {
        this.paintLabel(context, node);
        count.labels++;
      }
    }
    return count;
  }

  private paintEdges(context: CanvasRenderingContext2D, edges: readonly SceneEdge[], scale: number, detail: Detail, color: string): void {
    if (edges.length === 0) return;
    const pixel = 1 / scale;
    context.strokeStyle = color;
    context.fillStyle = color;
    // Waiting edges (every task → post-processing) only order execution: thousands of
    // long lines that veil the graph from afar. They appear when labels do.
    for (const control of detail === 'full' ? [false, true] : [false]) {
      context.beginPath();
      let count = 0;
      for (const edge of edges) {
        if (edge.control !== control) continue;
        count++;
        const points = edge.points;
        context.moveTo(points[0]!, points[1]!);
        for (let index = 2; index < points.length; index += 2) context.lineTo(points[index]!, points[index + 1]!);
      }
      if (count === 0) continue;
      context.globalAlpha = control ? 0.3 : 1;
      context.lineWidth = detail === 'full' ? Math.max(1.2, pixel) : pixel;
      // Dashes cost a lot per segment in software rendering (and long waiting edges have
      // many): dashed only where a few can be seen.
      context.setLineDash(control && count <= 100 ? [4, 3] : []);
      context.stroke();
    }
    context.setLineDash([]);
    context.globalAlpha = 1;
    if (detail !== 'full') return;
    context.beginPath();
    for (const edge of edges) {
      if (edge.control) continue;
      const points = edge.points;
      const last = points.length - 2;
      arrowHead(context, points[last - 2]!, points[last - 1]!, points[last]!, points[last + 1]!);
    }
    context.fill();
  }

  private paintNodeBox(context: CanvasRenderingContext2D, node: SceneNode, detail: Detail, pixel: number): void {
    const theme = this.theme;
    const parameter = node.kind === 'parameter';
    const tone = statusTone(node.status);
    const radius = parameter ? node.height / 2 : 5;
    context.beginPath();
    if (detail === 'full') context.roundRect(node.x, node.y, node.width, node.height, radius);
    else context.rect(node.x, node.y, node.width, node.height);
    context.fillStyle = parameter ? theme.background : theme.nodeFill;
    context.fill();
    const emphasised = !parameter && (tone === 'failed' || tone === 'running');
    context.lineWidth = Math.max(emphasised ? 2 : 1, pixel);
    context.strokeStyle = nodeBorder(theme, node);
    if (detail === 'full' && (parameter || node.reused)) context.setLineDash(parameter ? [3, 2] : [5, 3]);
    context.stroke();
    context.setLineDash([]);
    if (parameter) return;
    context.fillStyle = this.nodeColor(node);
    context.fillRect(node.x, node.y, 5, node.height);
    if (detail === 'full' && node.kind === 'sublattice') {
      context.strokeStyle = theme.sublattice;
      context.lineWidth = 1;
      context.beginPath();
      context.roundRect(node.x + 3, node.y + 3, node.width - 6, node.height - 6, 4);
      context.stroke();
    }
  }

  private paintLabel(context: CanvasRenderingContext2D, node: SceneNode): void {
    const parameter = node.kind === 'parameter';
    context.font = `${parameter ? PARAMETER_FONT_SIZE : LABEL_FONT_SIZE}px ${this.theme.fontFamily}`;
    context.fillStyle = parameter ? this.theme.muted : this.theme.text;
    let text = this.fitted.get(node);
    if (text === undefined) {
      text = fitText(context, node.label, node.width - (parameter ? 10 : 30));
      this.fitted.set(node, text);
    }
    context.textAlign = parameter ? 'center' : 'left';
    context.fillText(text, parameter ? node.x + node.width / 2 : node.x + 12, node.y + node.height / 2 + 1);
    if (node.reused) {
      context.fillStyle = this.theme.reuse;
      context.textAlign = 'left';
      context.fillText('↻', node.x + node.width - 15, node.y + node.height / 2 + 1);
    }
  }

  /** The selected node and its edges, drawn over everything. */
  paintHighlight(context: CanvasRenderingContext2D, node: SceneNode, scale: number, detail: Detail, labels: boolean): void {
    const edges = this.scene.edgesAt(node);
    this.paintItems(context, [node], edges, scale, detail === 'dots' ? 'boxes' : detail, labels, this.theme.focus);
    context.strokeStyle = this.theme.focus;
    context.lineWidth = Math.max(3, 2 / scale);
    context.beginPath();
    context.roundRect(node.x - 1, node.y - 1, node.width + 2, node.height + 2, 6);
    context.stroke();
  }
}

function arrowHead(context: CanvasRenderingContext2D, fromX: number, fromY: number, toX: number, toY: number): void {
  const angle = Math.atan2(toY - fromY, toX - fromX);
  const size = 7;
  context.moveTo(toX, toY);
  context.lineTo(toX - size * Math.cos(angle - 0.45), toY - size * Math.sin(angle - 0.45));
  context.lineTo(toX - size * Math.cos(angle + 0.45), toY - size * Math.sin(angle + 0.45));
  context.closePath();
}

function fitText(context: CanvasRenderingContext2D, text: string, width: number): string {
  if (context.measureText(text).width <= width) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (context.measureText(`${text.slice(0, middle)}…`).width <= width) low = middle;
    else high = middle - 1;
  }
  return `${text.slice(0, low)}…`;
}

/** Colours from VS Code's theme variables (the canvas needs concrete colours, CSS has them). */
export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const css = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: css('--vscode-editor-background', '#1e1e1e'),
    nodeFill: css('--vscode-editorWidget-background', '#252526'),
    nodeBorder: css('--vscode-editorWidget-border', '#555555'),
    text: css('--vscode-foreground', '#cccccc'),
    muted: css('--vscode-descriptionForeground', '#999999'),
    edge: css('--vscode-editorWidget-border', '#888888'),
    focus: css('--vscode-focusBorder', '#007fd4'),
    reuse: css('--vscode-charts-purple', '#b180d7'),
    sublattice: css('--vscode-charts-purple', '#b180d7'),
    fontFamily: css('--vscode-editor-font-family', 'monospace'),
    status: {
      completed: css('--vscode-testing-iconPassed', '#388a34'),
      failed: css('--vscode-testing-iconFailed', '#e51400'),
      running: css('--vscode-charts-blue', '#3794ff'),
      waiting: css('--vscode-disabledForeground', '#888888'),
      cancelled: css('--vscode-charts-orange', '#d18616'),
      pending: css('--vscode-charts-purple', '#b180d7'),
    },
  };
}
