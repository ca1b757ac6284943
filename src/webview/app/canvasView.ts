import { type Detail, detailFor, type Painter, type Theme } from './painter';
import { edgeRect, intersects, nodeRect, type Rect, type Scene, type SceneNode, union } from './scene';

/**
 * The graph on a canvas. The scene is painted into a cache canvas that covers
 * the visible area and as much again around it, at the current zoom; a frame
 * while panning copies that cache (one image copy, however many nodes), a
 * frame while zooming scales it, and the cache is painted afresh only when the
 * view leaves it or the zoom has settled. A live status change repaints just
 * that node's rectangle in the cache. The selection, a dragged node and its
 * edges are drawn over the cache each frame.
 */
export interface Transform {
  x: number;
  y: number;
  scale: number;
}

interface Cache {
  readonly canvas: HTMLCanvasElement;
  readonly context: CanvasRenderingContext2D;
  /** The graph area it holds, and at which zoom. */
  readonly area: Rect;
  readonly scale: number;
  readonly ratio: number;
  readonly detail: Detail;
  readonly labels: boolean;
  /** What it holds, counted while painting. */
  nodes: number;
  labelsPainted: number;
}

/** After the wheel stops this long, a zoomed (scaled) cache is painted sharp again. */
const ZOOM_SETTLE_MS = 140;

export class CanvasView {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private cache: Cache | undefined;
  transform: Transform = { x: 0, y: 0, scale: 1 };
  private width = 0;
  private height = 0;
  private ratio = 1;
  private frameRequested = false;
  private lastZoomAt = 0;
  private settleTimer: number | undefined;
  labels = true;
  selected: SceneNode | undefined;
  /** A node being dragged: not in the cache, drawn over it. */
  private floating: SceneNode | undefined;
  fullRepaints = 0;
  nodeRepaints = 0;
  /** Called after each frame (the minimap follows). */
  onFrame: () => void = () => undefined;

  constructor(
    readonly scene: Scene,
    readonly painter: Painter,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'graph-canvas';
    const context = this.canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('this webview cannot draw on a canvas');
    this.context = context;
  }

  get viewportSize(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  get detail(): Detail {
    return detailFor(this.transform.scale);
  }

  /** Nodes in view, and labels and level of detail of the painted cache on screen. */
  get visibleCounts(): { nodes: number; labels: number; detail: Detail } {
    let nodes = 0;
    this.scene.nodesIn(this.visibleArea(), () => nodes++);
    return { nodes, labels: this.cache?.labelsPainted ?? 0, detail: this.cache?.detail ?? this.detail };
  }

  resize(width: number, height: number): void {
    const ratio = window.devicePixelRatio || 1;
    if (width === this.width && height === this.height && ratio === this.ratio) return;
    this.width = width;
    this.height = height;
    this.ratio = ratio;
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    // The cache still serves while it covers the view (a panel resized a little); a new pixel ratio needs a new one.
    if (this.cache && this.cache.ratio !== ratio) this.cache = undefined;
    this.requestFrame();
  }

  setTheme(theme: Theme): void {
    this.painter.theme = theme;
    this.painter.forgetLabels();
    this.invalidate();
  }

  /** Everything must be painted again (labels on/off, theme, a moved node's many edges). */
  invalidate(): void {
    this.cache = undefined;
    this.requestFrame();
  }

  setTransform(transform: Transform): void {
    if (transform.scale !== this.transform.scale) {
      this.lastZoomAt = performance.now();
      window.clearTimeout(this.settleTimer);
      this.settleTimer = window.setTimeout(() => this.requestFrame(), ZOOM_SETTLE_MS + 10);
    }
    this.transform = transform;
    this.requestFrame();
  }

  /** The graph area on screen, in graph units. */
  visibleArea(transform = this.transform): Rect {
    return { x: -transform.x / transform.scale, y: -transform.y / transform.scale, width: this.width / transform.scale, height: this.height / transform.scale };
  }

  toGraph(screenX: number, screenY: number): { x: number; y: number } {
    return { x: (screenX - this.transform.x) / this.transform.scale, y: (screenY - this.transform.y) / this.transform.scale };
  }

  requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.drawFrame();
    });
  }

  /** Repaints the given nodes' rectangles in the cache (live status changes). */
  repaintNodes(nodes: readonly SceneNode[]): void {
    if (nodes.length === 0) return;
    for (const node of nodes) this.repaintArea(grow(nodeRect(node), 3));
    this.nodeRepaints += nodes.length;
    this.requestFrame();
  }

  /** Repaints an area of the cache (or drops the cache when most of it changed). */
  repaintArea(area: Rect): void {
    const cache = this.cache;
    if (!cache || !intersects(area, cache.area)) return;
    if (area.width * area.height > (cache.area.width * cache.area.height) / 3) {
      this.cache = undefined;
      return;
    }
    const context = cache.context;
    context.save();
    this.toCacheSpace(cache);
    context.beginPath();
    context.rect(area.x, area.y, area.width, area.height);
    context.clip();
    context.fillStyle = this.painter.theme.background;
    context.fillRect(area.x, area.y, area.width, area.height);
    this.painter.paint(context, area, cache.scale, cache.detail, { labels: cache.labels, skip: this.floatingSet() });
    context.restore();
  }

  /** Starts or ends a drag: the node leaves the cache while it moves. */
  setFloating(node: SceneNode | undefined): void {
    const before = this.floating;
    this.floating = node;
    const changed = node ?? before;
    if (changed) this.repaintArea(union(nodeRect(changed), ...this.scene.edgesAt(changed).map(edgeRect)));
    this.requestFrame();
  }

  private floatingSet(): ReadonlySet<SceneNode> | undefined {
    return this.floating ? new Set([this.floating]) : undefined;
  }

  drawFrame(): void {
    if (this.width === 0 || this.height === 0) return;
    const { scale } = this.transform;
    const visible = this.visibleArea();
    const zooming = performance.now() - this.lastZoomAt < ZOOM_SETTLE_MS;
    let cache = this.cache;
    const ratio = cache ? scale / cache.scale : 1;
    const stale =
      !cache ||
      !contains(cache.area, visible) ||
      cache.labels !== this.labels ||
      // While the wheel turns a scaled copy will do, unless it is far off; then paint sharp.
      (ratio !== 1 && (!zooming || ratio < 0.5 || ratio > 2 || detailFor(scale) !== cache.detail));
    if (stale) cache = this.paintCache(visible);
    const context = this.context;
    const pixels = this.ratio;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = this.painter.theme.background;
    context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (cache) {
      const k = scale / cache.scale;
      // Whole device pixels keep the copy sharp while panning.
      const left = Math.round((cache.area.x * scale + this.transform.x) * pixels);
      const top = Math.round((cache.area.y * scale + this.transform.y) * pixels);
      context.imageSmoothingEnabled = k !== 1;
      context.drawImage(cache.canvas, left, top, cache.canvas.width * k, cache.canvas.height * k);
    }
    context.setTransform(pixels * scale, 0, 0, pixels * scale, pixels * this.transform.x, pixels * this.transform.y);
    const detail = cache?.detail ?? detailFor(scale);
    if (this.floating) this.painter.paintItems(context, [this.floating], this.scene.edgesAt(this.floating), scale, detail, this.labels);
    if (this.selected) this.painter.paintHighlight(context, this.selected, scale, detail, this.labels);
    this.onFrame();
  }

  private paintCache(visible: Rect): Cache {
    const scale = this.transform.scale;
    // The visible area and half as much again on each side.
    const area = { x: visible.x - visible.width / 2, y: visible.y - visible.height / 2, width: visible.width * 2, height: visible.height * 2 };
    const canvas = this.cache?.canvas.width === Math.ceil(area.width * scale * this.ratio) ? this.cache.canvas : document.createElement('canvas');
    canvas.width = Math.ceil(area.width * scale * this.ratio);
    canvas.height = Math.ceil(area.height * scale * this.ratio);
    const context = canvas.getContext('2d', { alpha: false })!;
    const detail = detailFor(scale);
    const cache: Cache = { canvas, context, area, scale, ratio: this.ratio, detail, labels: this.labels, nodes: 0, labelsPainted: 0 };
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = this.painter.theme.background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    this.toCacheSpace(cache);
    const count = this.painter.paint(context, area, scale, detail, { labels: this.labels, skip: this.floatingSet() });
    cache.nodes = count.nodes;
    cache.labelsPainted = count.labels;
    this.cache = cache;
    this.fullRepaints++;
    return cache;
  }

  private toCacheSpace(cache: Cache): void {
    const factor = cache.scale * this.ratio;
    cache.context.setTransform(factor, 0, 0, factor, -cache.area.x * factor, -cache.area.y * factor);
  }

  /** The colour on screen at a graph point, as `rgb(r, g, b)` (tests read the canvas back). */
  colourAt(x: number, y: number): string {
    const px = Math.floor((x * this.transform.scale + this.transform.x) * this.ratio);
    const py = Math.floor((y * this.transform.scale + this.transform.y) * this.ratio);
    if (px < 0 || py < 0 || px >= this.canvas.width || py >= this.canvas.height) return '';
    const [r, g, b] = this.context.getImageData(px, py, 1, 1).data;
    return `rgb(${r}, ${g}, ${b})`;
  }

  /** The whole graph as a PNG, at up to 2 pixels per unit and within what a canvas may hold. */
  async png(): Promise<Blob> {
    const bounds = grow(this.scene.bounds, 10);
    const scale = Math.min(2, 8000 / Math.max(bounds.width, 1), 8000 / Math.max(bounds.height, 1), Math.sqrt(40e6 / Math.max(bounds.width * bounds.height, 1)));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.ceil(bounds.width * scale));
    canvas.height = Math.max(1, Math.ceil(bounds.height * scale));
    const context = canvas.getContext('2d', { alpha: false })!;
    context.fillStyle = this.painter.theme.background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.setTransform(scale, 0, 0, scale, -bounds.x * scale, -bounds.y * scale);
    this.painter.paint(context, bounds, scale, detailFor(scale), { labels: this.labels });
    return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas could not make a PNG'))), 'image/png'));
  }
}

/** Normalises any CSS colour to `rgb(r, g, b)` the way the canvas stores it. */
export function canvasColour(colour: string): string {
  const probe = document.createElement('canvas');
  probe.width = probe.height = 1;
  const context = probe.getContext('2d', { willReadFrequently: true })!;
  context.fillStyle = colour;
  context.fillRect(0, 0, 1, 1);
  const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
  return `rgb(${r}, ${g}, ${b})`;
}

function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

function grow(rect: Rect, by: number): Rect {
  return { x: rect.x - by, y: rect.y - by, width: rect.width + 2 * by, height: rect.height + 2 * by };
}
