import { DEFAULT_VIEW_STATE, type GraphExportData, type GraphExportFormat, type GraphViewState, layoutOptionsKey } from '../graphProtocol';
import type { GraphLayout, TaskLive } from '../protocol';
import { CanvasView, type Transform } from './canvasView';
import { element } from './dom';
import { graphPicture } from './graphExport';
import { bindGraphInput } from './graphInput';
import { graphLegend } from './graphLegend';
import type { GraphParts } from './graphParts';
import { GraphTestHooks } from './graphTestHooks';
import { GraphToolbar } from './graphToolbar';
import { Minimap } from './minimap';
import { Painter, readTheme } from './painter';
import { Scene } from './scene';
import { TaskFinder } from './taskFinder';
import { centredTransform, fitTransform, type Size, zoomTransform } from './viewTransform';

/**
 * The task graph: a canvas (canvasView.ts) with the Covalent UI's controls
 * around it. It draws the layout the extension computed; choices that change
 * the layout (orientation, algorithm, parameters, post-processing) go to the
 * extension, which lays the graph out again in its worker. Its mouse and
 * keyboard are in graphInput.ts, what tests do to it in graphTestHooks.ts.
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

export const DISPATCH_GRAPH: GraphViewOptions = { statuses: true, emptyText: 'This dispatch has no tasks yet.' };

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
  private readonly finder = new TaskFinder();
  readonly testHooks: GraphTestHooks;

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
    this.toolbar = new GraphToolbar(
      initialView,
      {
        zoom: (factor) => this.zoomBy(factor),
        fit: () => this.fit(),
        find: (query, step) => this.find(query, step),
        clearFind: () => {
          this.finder.clear();
          this.toolbar.findResult('');
        },
        change: (change) => this.changeView(change),
        exportPicture: (format) => void this.exportPicture(format).then((picture) => picture && this.callbacks.exported(picture)),
      },
      graphLegend(),
    );
    this.root = element('section', { className: 'graph-pane' }, this.toolbar.root, this.viewport);
    const parts: GraphParts = {
      viewport: this.viewport,
      toolbar: this.toolbar,
      view: () => this.view,
      scene: () => this.scene,
      canvasView: () => this.canvasView,
      minimap: () => this.minimap,
      transform: () => this.transform,
    };
    bindGraphInput({
      ...parts,
      tooltip: this.tooltip,
      statuses: this.options.statuses,
      selectedNode: () => (this.selected !== undefined ? this.scene?.node(this.selected) : undefined),
      zoomBy: (factor, centerX, centerY) => this.zoomBy(factor, centerX, centerY),
      panBy: (dx, dy) => this.panBy(dx, dy),
      fit: () => this.fit(),
      select: (nodeId) => this.callbacks.select(nodeId),
      openSublattice: (nodeId) => this.callbacks.openSublattice(nodeId),
    });
    this.testHooks = new GraphTestHooks({
      ...parts,
      message: this.message,
      layout: () => this.layout,
      findProgress: () => this.finder.progress(),
      setDraggableQuietly: (draggable) => (this.view = { ...this.view, draggable }),
    });
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

  // ---------------------------------------------------------------- view changes

  fit(): void {
    if (this.scene) this.setTransform(fitTransform(this.scene.bounds, this.viewportSize()));
  }

  zoomBy(factor: number, centerX = this.viewportSize().width / 2, centerY = this.viewportSize().height / 2): void {
    this.setTransform(zoomTransform(this.transformValue, factor, centerX, centerY));
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
    this.setTransform(centredTransform(x, y, scale, this.viewportSize()));
  }

  private viewportSize(): Size {
    return { width: this.viewport.clientWidth || 800, height: this.viewport.clientHeight || 600 };
  }

  private resize(): void {
    this.canvasView?.resize(this.viewport.clientWidth, this.viewport.clientHeight);
  }

  /** Finds tasks by name: each call moves to the next (or previous) match, centres and selects it. */
  find(query: string, step: 1 | -1): void {
    const scene = this.scene;
    if (!scene) return;
    const found = this.finder.step(scene, query, step);
    if (!found) {
      this.toolbar.findResult(query.trim() ? 'no match' : '');
      return;
    }
    const node = found.node;
    this.toolbar.findResult(`${found.at + 1} of ${found.matches}`);
    // Zoomed far out a centred node is still a dot: come close enough to read it.
    this.centreOn(node.x + node.width / 2, node.y + node.height / 2, Math.max(this.transformValue.scale, 1));
    this.callbacks.select(node.nodeId);
  }

  // ---------------------------------------------------------------- pictures

  async exportPicture(format: GraphExportFormat): Promise<GraphExportData | undefined> {
    const view = this.canvasView;
    const scene = this.scene;
    if (!view || !scene) return undefined;
    return graphPicture(scene, view, this.view.labels, format);
  }
}
