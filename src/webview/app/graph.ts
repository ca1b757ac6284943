import { DEFAULT_VIEW_STATE, type GraphControl, type GraphDrawReport, type GraphExportData, type GraphExportFormat, type GraphViewState, layoutOptionsKey } from '../graphProtocol';
import type { GraphLayout, PanMeasurement, TaskLive } from '../protocol';
import { canvasColour, CanvasView, type Transform } from './canvasView';
import { element } from './dom';
import { frameStats, gestureFrames } from './gestureFrames';
import { GraphToolbar } from './graphToolbar';
import { Minimap } from './minimap';
import { Painter, readTheme } from './painter';
import { Scene, type SceneNode } from './scene';
import { sceneToSvg } from './svgExport';

/**
 * The task graph: a canvas (canvasView.ts) with the Covalent UI's controls
 * around it. It draws the layout the extension computed; choices that change
 * the layout (orientation, algorithm, parameters, post-processing) go to the
 * extension, which lays the graph out again in its worker.
 */
export interface GraphCallbacks {
  select(nodeId: number): void;
  openSublattice(nodeId: number): void;
  transformChanged(): void;
  /** The user changed the view; the page remembers it and tells the extension. */
  viewChanged(view: GraphViewState): void;
  /** The user asked for a picture of the graph. */
  exported(picture: GraphExportData): void;
}

export type { Transform };

/** What the graph is of: a dispatch (live statuses) or a workflow not dispatched yet (none). */
export interface GraphViewOptions {
  readonly statuses: boolean;
  /** Said where an empty graph would be. */
  readonly emptyText: string;
}

const DISPATCH_GRAPH: GraphViewOptions = { statuses: true, emptyText: 'This dispatch has no tasks yet.' };

const MIN_SCALE = 0.01;
const MAX_SCALE = 4;

export class GraphView {
  readonly root: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly message: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly announcer: HTMLElement;
  private readonly toolbar: GraphToolbar;
  private scene: Scene | undefined;
  private canvasView: CanvasView | undefined;
  private minimap: Minimap | undefined;
  private layout: GraphLayout | undefined;
  private view: GraphViewState;
  private selected: number | undefined;
  private transformValue: Transform = { x: 0, y: 0, scale: 1 };
  renders = 0;
  private fitted = false;
  private found: { query: string; matches: SceneNode[]; at: number } | undefined;
  private drag: { pointerId: number; x: number; y: number; moved: boolean; node?: SceneNode; grabX: number; grabY: number } | undefined;
  /** Test-hook drags run one after another: timers in a background webview are slow, and two interleaved drags would share one pointer. */
  private hookDrags: Promise<void> = Promise.resolve();
  private hookDragsFinished = 0;

  constructor(
    private readonly callbacks: GraphCallbacks,
    initialView: GraphViewState = DEFAULT_VIEW_STATE,
    private readonly options: GraphViewOptions = DISPATCH_GRAPH,
  ) {
    this.view = initialView;
    this.message = element('div', { className: 'graph-message', text: 'Loading the task graph…' });
    this.tooltip = element('div', { className: 'graph-tooltip', attributes: { role: 'tooltip' } });
    this.tooltip.hidden = true;
    this.announcer = element('div', { className: 'visually-hidden', attributes: { 'aria-live': 'polite' } });
    this.viewport = element(
      'div',
      { className: 'graph-viewport', attributes: { tabindex: '0', role: 'img', 'aria-label': 'Task graph. Arrows pan, + and - zoom, 0 fits, / finds a task.' } },
      this.message,
      this.tooltip,
      this.announcer,
    );
    const legend = element(
      'span',
      { className: 'legend' },
      legendItem('COMPLETED', 'completed'),
      legendItem('RUNNING', 'running'),
      legendItem('FAILED', 'failed'),
      legendItem('NEW_OBJECT', 'waiting'),
      element('span', { className: 'legend-item legend-parameter', text: 'parameter' }),
      element('span', { className: 'legend-item legend-reused', text: '↻ reused' }),
    );
    this.toolbar = new GraphToolbar(
      initialView,
      {
        zoom: (factor) => this.zoomBy(factor),
        fit: () => this.fit(),
        find: (query, step) => this.find(query, step),
        clearFind: () => {
          this.found = undefined;
          this.toolbar.findResult('');
        },
        change: (change) => this.changeView(change),
        exportPicture: (format) => void this.exportPicture(format).then((picture) => picture && this.callbacks.exported(picture)),
      },
      legend,
    );
    this.root = element('section', { className: 'graph-pane' }, this.toolbar.root, this.viewport);
    this.bindPointer();
    this.bindKeys();
    new ResizeObserver(() => this.resize()).observe(this.viewport);
    // VS Code changes the theme by rewriting the variables on <html> and the class of <body>.
    const themeWatch = new MutationObserver(() => this.canvasView?.setTheme(readTheme()));
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  get viewState(): GraphViewState {
    return this.view;
  }

  get transform(): Transform {
    return { ...this.transformValue };
  }

  showMessage(text: string | undefined): void {
    this.message.textContent = text ?? '';
    this.message.hidden = !text;
  }

  /** Applies a view state from elsewhere (a restored panel) without announcing it back. */
  applyView(view: GraphViewState): void {
    const relayout = layoutOptionsKey(view) !== layoutOptionsKey(this.view);
    this.view = view;
    this.toolbar.show(view, this.nodeCount);
    this.showView();
    if (relayout && this.layout) this.showMessage('Laying out the graph…');
  }

  private changeView(change: Partial<GraphViewState>): void {
    const next = { ...this.view, ...change };
    const relayout = layoutOptionsKey(next) !== layoutOptionsKey(this.view);
    this.view = next;
    this.toolbar.show(next, this.nodeCount);
    this.showView();
    if (relayout) this.showMessage('Laying out the graph…');
    this.callbacks.viewChanged(next);
  }

  /** Nodes of the graph shown (0 before the first graph). */
  get nodeCount(): number {
    return this.layout?.nodes.length ?? 0;
  }

  private showView(): void {
    const view = this.canvasView;
    if (view && view.labels !== this.view.labels) {
      view.labels = this.view.labels;
      view.invalidate();
    }
    if (this.minimap) {
      this.minimap.canvas.hidden = !this.view.minimap;
      this.minimap.invalidate();
    }
    this.viewport.classList.toggle('draggable', this.view.draggable);
    this.canvasView?.requestFrame();
  }

  /** Draws a new layout. The zoom stays unless this is the first graph or the layout choices changed. */
  render(layout: GraphLayout, tasks: readonly TaskLive[]): void {
    const refit = !this.fitted || (this.layout?.options && layout.options && layoutOptionsKey(this.layout.options) !== layoutOptionsKey(layout.options));
    this.layout = layout;
    this.renders++;
    const scene = new Scene(layout);
    scene.applyStatuses(tasks);
    const painter = new Painter(scene, readTheme());
    const canvasView = new CanvasView(scene, painter);
    canvasView.labels = this.view.labels;
    this.canvasView?.canvas.remove();
    this.minimap?.canvas.remove();
    this.scene = scene;
    this.canvasView = canvasView;
    this.minimap = new Minimap(scene, painter, (x, y) => this.centreOn(x, y));
    canvasView.onFrame = () => this.minimap?.draw(canvasView.visibleArea());
    this.viewport.prepend(canvasView.canvas);
    this.viewport.appendChild(this.minimap.canvas);
    canvasView.canvas.setAttribute('aria-label', `Task graph with ${layout.nodes.length} nodes`);
    this.toolbar.show(this.view, layout.nodes.length);
    this.showView();
    canvasView.selected = this.selected !== undefined ? scene.node(this.selected) : undefined;
    canvasView.resize(this.viewport.clientWidth, this.viewport.clientHeight);
    this.showMessage(layout.nodes.length === 0 ? this.options.emptyText : undefined);
    if (refit) {
      this.fitted = true;
      this.fit();
    } else {
      canvasView.setTransform(this.transformValue);
    }
    // Painted now, not on the next frame: the page reports "drawn" two frames later.
    canvasView.drawFrame();
  }

  /** Live statuses: only the nodes whose look changed are repainted. */
  update(tasks: readonly TaskLive[]): void {
    if (!this.scene || !this.canvasView) return;
    const changed = this.scene.applyStatuses(tasks);
    if (changed.length === 0) return;
    this.canvasView.repaintNodes(changed);
    this.minimap?.invalidate();
  }

  select(nodeId: number | undefined): void {
    this.selected = nodeId;
    const node = nodeId !== undefined ? this.scene?.node(nodeId) : undefined;
    if (this.canvasView) {
      this.canvasView.selected = node;
      this.canvasView.requestFrame();
    }
    if (node) this.announcer.textContent = `Selected ${node.label}, ${node.kind}${this.options.statuses ? `, ${node.status.replace(/_/g, ' ').toLowerCase()}` : ''}`;
  }

  nodeInfo(nodeId: number): { name: string; kind: string } | undefined {
    const node = this.scene?.node(nodeId);
    if (node) return node;
    return this.layout?.hiddenNodes?.find((entry) => entry.nodeId === nodeId) ?? this.layout?.nodes.find((entry) => entry.nodeId === nodeId);
  }

  /** What the canvas draws (the test hook reports this): the scene it paints from. */
  drawnNodes(): { nodeId: number; name: string; kind: string; status: string; reused: boolean; executor?: string; x: number; y: number; width: number; height: number }[] {
    return (this.scene?.nodes ?? []).map((node) => ({ nodeId: node.nodeId, name: node.name, kind: node.kind, status: node.status, reused: node.reused, executor: node.executor, x: node.x, y: node.y, width: node.width, height: node.height }));
  }

  drawnEdges(): { source: number; target: number }[] {
    return (this.scene?.edges ?? []).map((edge) => ({ source: edge.source.nodeId, target: edge.target.nodeId }));
  }

  report(): GraphDrawReport {
    const view = this.canvasView;
    const counts = view?.visibleCounts ?? { nodes: 0, labels: 0, detail: 'full' };
    const pixels: { nodeId: number; actual: string; expected: string }[] = [];
    if (view && this.scene && counts.detail === 'full') {
      view.drawFrame();
      this.scene.nodesIn(view.visibleArea(), (node) => {
        if (node.kind === 'parameter' || node === view.selected || pixels.length >= 30) return;
        pixels.push({ nodeId: node.nodeId, actual: view.colourAt(node.x + 2.5, node.y + node.height / 2), expected: canvasColour(view.painter.nodeColor(node)) });
      });
    }
    const options = this.layout?.options ?? this.view;
    return {
      view: this.view,
      layout: { direction: options.direction, algorithm: options.algorithm, showParameters: options.showParameters, showPostprocessing: options.showPostprocessing, engine: this.layout?.engine ?? '' },
      detail: counts.detail,
      visibleNodes: counts.nodes,
      labelsPainted: counts.labels,
      fullRepaints: view?.fullRepaints ?? 0,
      nodeRepaints: view?.nodeRepaints ?? 0,
      minimapShown: !!this.minimap && !this.minimap.canvas.hidden,
      minimapPainted: this.minimap?.painted ?? 0,
      viewport: view?.viewportSize ?? { width: 0, height: 0 },
      pixels,
      dragsFinished: this.hookDragsFinished,
      findResult: this.found ? `${this.found.at + 1}/${this.found.matches.length}` : undefined,
      message: this.message.hidden ? undefined : (this.message.textContent ?? undefined),
    };
  }

  // ---------------------------------------------------------------- view changes

  fit(): void {
    const scene = this.scene;
    if (!scene) return;
    const { width, height } = this.viewportSize();
    const bounds = scene.bounds;
    const scale = clamp(Math.min(width / (bounds.width + 20), height / (bounds.height + 20), 1.5), MIN_SCALE, MAX_SCALE);
    this.setTransform({ scale, x: (width - bounds.width * scale) / 2 - bounds.x * scale, y: Math.max(0, (height - bounds.height * scale) / 2) - bounds.y * scale });
  }

  zoomBy(factor: number, centerX = this.viewportSize().width / 2, centerY = this.viewportSize().height / 2): void {
    const { x, y, scale } = this.transformValue;
    const next = clamp(scale * factor, MIN_SCALE, MAX_SCALE);
    this.setTransform({ scale: next, x: centerX - ((centerX - x) * next) / scale, y: centerY - ((centerY - y) * next) / scale });
  }

  panBy(dx: number, dy: number): void {
    this.setTransform({ ...this.transformValue, x: this.transformValue.x + dx, y: this.transformValue.y + dy });
  }

  setTransform(transform: Transform): void {
    this.transformValue = { ...transform };
    this.fitted = true;
    this.canvasView?.setTransform(this.transformValue);
    this.callbacks.transformChanged();
  }

  /** Puts a graph point in the middle of the view. */
  centreOn(x: number, y: number, scale = this.transformValue.scale): void {
    const { width, height } = this.viewportSize();
    this.setTransform({ scale, x: width / 2 - x * scale, y: height / 2 - y * scale });
  }

  private viewportSize(): { width: number; height: number } {
    return { width: this.viewport.clientWidth || 800, height: this.viewport.clientHeight || 600 };
  }

  private resize(): void {
    this.canvasView?.resize(this.viewport.clientWidth, this.viewport.clientHeight);
  }

  /** Finds tasks by name: each call moves to the next (or previous) match, centres and selects it. */
  find(query: string, step: 1 | -1): void {
    const scene = this.scene;
    if (!scene) return;
    if (!this.found || this.found.query !== query) {
      this.found = { query, matches: scene.find(query), at: step === 1 ? -1 : 0 };
    }
    const found = this.found;
    if (found.matches.length === 0) {
      this.toolbar.findResult(query.trim() ? 'no match' : '');
      return;
    }
    found.at = (found.at + step + found.matches.length) % found.matches.length;
    const node = found.matches[found.at];
    if (!node) return;
    this.toolbar.findResult(`${found.at + 1} of ${found.matches.length}`);
    // Zoomed far out a centred node is still a dot: come close enough to read it.
    this.centreOn(node.x + node.width / 2, node.y + node.height / 2, Math.max(this.transformValue.scale, 1));
    this.callbacks.select(node.nodeId);
  }

  /** Test hook: types into the find box and presses Enter, as a user would. */
  findAsTyped(query: string): void {
    this.toolbar.findInput.value = query;
    this.toolbar.findInput.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  }

  /** Test hook: presses a control as a click would. */
  press(control: GraphControl, value?: string): void {
    if (control === 'layout') {
      if (value) this.toolbar.chooseLayout(value as GraphViewState['algorithm']);
      return;
    }
    if (control === 'orientation' && value) {
      // Presses until the wanted orientation shows.
      for (let tries = 0; tries < 4 && this.view.direction !== value; tries++) this.toolbar.press('orientation');
      return;
    }
    this.toolbar.press(control);
  }

  // ---------------------------------------------------------------- pictures

  async exportPicture(format: GraphExportFormat): Promise<GraphExportData | undefined> {
    const view = this.canvasView;
    const scene = this.scene;
    if (!view || !scene) return undefined;
    if (format === 'svg') return { format, data: sceneToSvg(scene, view.painter.theme, { labels: this.view.labels, title: 'Covalent task graph' }) };
    const blob = await view.png();
    return { format, data: toBase64(new Uint8Array(await blob.arrayBuffer())) };
  }

  // ---------------------------------------------------------------- input

  private bindPointer(): void {
    const viewport = this.viewport;
    const local = (event: MouseEvent) => {
      const box = viewport.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    };
    viewport.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || !this.canvasView || event.target !== this.canvasView.canvas) return;
      const at = local(event);
      const point = this.canvasView.toGraph(at.x, at.y);
      const node = this.view.draggable ? this.scene?.nodeAt(point.x, point.y) : undefined;
      this.drag = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, moved: false, node, grabX: node ? point.x - node.x : 0, grabY: node ? point.y - node.y : 0 };
      this.tooltip.hidden = true;
    });
    viewport.addEventListener('pointermove', (event) => {
      const drag = this.drag;
      if (!drag || drag.pointerId !== event.pointerId) {
        if (!drag) this.hover(event);
        return;
      }
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!drag.moved) {
        try {
          viewport.setPointerCapture(event.pointerId);
        } catch {
          // Synthetic pointers (the benchmark's) cannot be captured.
        }
        if (drag.node) this.canvasView?.setFloating(drag.node);
      }
      drag.moved = true;
      drag.x = event.clientX;
      drag.y = event.clientY;
      if (drag.node && this.scene && this.canvasView) {
        const at = local(event);
        const point = this.canvasView.toGraph(at.x, at.y);
        this.scene.moveNode(drag.node, point.x - drag.grabX, point.y - drag.grabY);
        this.canvasView.requestFrame();
      } else {
        viewport.classList.add('panning');
        this.panBy(dx, dy);
      }
    });
    const end = (event: PointerEvent) => {
      const drag = this.drag;
      if (!drag || drag.pointerId !== event.pointerId) return;
      this.drag = undefined;
      viewport.classList.remove('panning');
      if (drag.moved && drag.node) {
        this.canvasView?.setFloating(undefined);
        this.minimap?.invalidate();
      }
      if (drag.moved || event.type === 'pointercancel' || !this.canvasView) return;
      const at = local(event);
      const point = this.canvasView.toGraph(at.x, at.y);
      const node = this.scene?.nodeAt(point.x, point.y);
      if (node) this.callbacks.select(node.nodeId);
    };
    viewport.addEventListener('pointerup', end);
    viewport.addEventListener('pointercancel', end);
    viewport.addEventListener('pointerleave', () => (this.tooltip.hidden = true));
    viewport.addEventListener('dblclick', (event) => {
      if (!this.canvasView) return;
      const at = local(event);
      const point = this.canvasView.toGraph(at.x, at.y);
      const node = this.scene?.nodeAt(point.x, point.y);
      if (node?.kind === 'sublattice') this.callbacks.openSublattice(node.nodeId);
    });
    viewport.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const at = local(event);
        if (event.ctrlKey || event.metaKey || !event.shiftKey) this.zoomBy(Math.exp(-event.deltaY * 0.0015), at.x, at.y);
        else this.panBy(-event.deltaX, -event.deltaY);
      },
      { passive: false },
    );
  }

  private hover(event: PointerEvent): void {
    if (!this.canvasView || !this.scene || event.target !== this.canvasView.canvas) return;
    const box = this.viewport.getBoundingClientRect();
    const point = this.canvasView.toGraph(event.clientX - box.left, event.clientY - box.top);
    const node = this.scene.nodeAt(point.x, point.y);
    if (!node) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.textContent = this.options.statuses
      ? `${node.name} · ${node.kind} · ${node.status.replace(/_/g, ' ')}${node.reused ? ' · reused' : ''}${node.executor ? ` · runs on ${node.executor}` : ''}`
      : `${node.name} · ${node.kind}`;
    this.tooltip.style.left = `${event.clientX - box.left + 12}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 12}px`;
    this.tooltip.hidden = false;
  }

  private bindKeys(): void {
    this.viewport.addEventListener('keydown', (event) => {
      if (event.target !== this.viewport || event.altKey || event.ctrlKey || event.metaKey) return;
      const step = 60;
      const selected = this.selected !== undefined ? this.scene?.node(this.selected) : undefined;
      if (event.shiftKey && selected && this.view.draggable && event.key.startsWith('Arrow')) {
        event.preventDefault();
        const [dx = 0, dy = 0] = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, -10], ArrowDown: [0, 10] }[event.key] ?? [];
        this.moveNode(selected, selected.x + dx, selected.y + dy);
        return;
      }
      const actions: Record<string, () => void> = {
        '+': () => this.zoomBy(1.25),
        '=': () => this.zoomBy(1.25),
        '-': () => this.zoomBy(0.8),
        '0': () => this.fit(),
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
        o: () => this.toolbar.press('orientation'),
        p: () => this.toolbar.press('parameters'),
        l: () => this.toolbar.press('labels'),
        m: () => this.toolbar.press('minimap'),
        d: () => this.toolbar.press('draggable'),
        '/': () => this.toolbar.findInput.focus(),
        Enter: () => selected?.kind === 'sublattice' && this.callbacks.openSublattice(selected.nodeId),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    });
  }

  private moveNode(node: SceneNode, x: number, y: number): void {
    if (!this.scene || !this.canvasView) return;
    this.canvasView.repaintArea(this.scene.moveNode(node, x, y));
    this.canvasView.requestFrame();
    this.minimap?.invalidate();
  }

  // ---------------------------------------------------------------- test and benchmark hooks

  /** Test hook: drags a node by (dx, dy) screen pixels with pointer events, as a mouse would, after any drag before it has ended. */
  dragNode(nodeId: number, dx: number, dy: number): Promise<void> {
    this.hookDrags = this.hookDrags.then(() => this.dragNodeNow(nodeId, dx, dy)).finally(() => {
      this.hookDragsFinished++;
    });
    return this.hookDrags;
  }

  private async dragNodeNow(nodeId: number, dx: number, dy: number): Promise<void> {
    const node = this.scene?.node(nodeId);
    const view = this.canvasView;
    if (!node || !view) return;
    const box = this.viewport.getBoundingClientRect();
    const { x, y, scale } = this.transformValue;
    const startX = box.left + (node.x + node.width / 2) * scale + x;
    const startY = box.top + (node.y + node.height / 2) * scale + y;
    const pointer = (type: string, at: number) =>
      view.canvas.dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, pointerId: 7, isPrimary: true, button: 0, buttons: type === 'pointerup' ? 0 : 1, clientX: startX + dx * at, clientY: startY + dy * at }));
    pointer('pointerdown', 0);
    for (let step = 1; step <= 5; step++) {
      pointer('pointermove', step / 5);
      // A timer, not a frame: a webview in the background gets no animation frames.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    pointer('pointerup', 1);
  }

  /** Benchmark hook: frame times while the view is dragged (or the wheel turned) one step per frame. */
  async measureGesture(frames: number, gesture: 'pan' | 'zoom'): Promise<PanMeasurement> {
    const draggable = this.view.draggable;
    this.view = { ...this.view, draggable: false };
    try {
      return frameStats(await gestureFrames({ frames, gesture, selectors: ['.graph-canvas'], events: 'pointer' }));
    } finally {
      this.view = { ...this.view, draggable };
    }
  }
}

function legendItem(status: string, label: string): HTMLElement {
  return element('span', { className: 'legend-item', attributes: { 'data-status': status } }, element('span', { className: 'legend-swatch' }), element('span', { text: label }));
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index < bytes.length; index += 0x8000) text += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(text);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
