import type { GraphControl, GraphDrawReport, GraphViewState } from '../graphProtocol';
import type { GraphLayout, PanMeasurement } from '../protocol';
import { canvasColour } from './canvasView';
import { frameStats, gestureFrames } from './gestureFrames';
import type { GraphParts } from './graphParts';

/**
 * What tests and the benchmark do to the graph and read from it: they type into
 * the find box, press controls and drag nodes with the events a user's would
 * send, time frames while the view pans, and read what the canvas drew (its
 * nodes, edges, a few pixels) for the page's report.
 */
export interface HookedGraph extends GraphParts {
  readonly message: HTMLElement;
  layout(): GraphLayout | undefined;
  /** The find box's place among its matches ("2/5"), if a find is under way. */
  findProgress(): string | undefined;
  /** Turns dragging nodes off or on without showing or announcing it. */
  setDraggableQuietly(draggable: boolean): void;
}

export interface DrawnNode {
  nodeId: number;
  name: string;
  kind: string;
  status: string;
  reused: boolean;
  executor?: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export class GraphTestHooks {
  /** Drags run one after another: timers in a background webview are slow, and two interleaved drags would share one pointer. */
  private drags: Promise<void> = Promise.resolve();
  private dragsFinished = 0;

  constructor(private readonly graph: HookedGraph) {}

  /** Types into the find box and presses Enter, as a user would. */
  findAsTyped(query: string): void {
    const findInput = this.graph.toolbar.findInput;
    findInput.value = query;
    findInput.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  }

  /** Presses a control as a click would. */
  press(control: GraphControl, value?: string): void {
    const toolbar = this.graph.toolbar;
    if (control === 'layout') {
      if (value) toolbar.chooseLayout(value as GraphViewState['algorithm']);
      return;
    }
    if (control === 'orientation' && value) {
      // Presses until the wanted orientation shows.
      for (let tries = 0; tries < 4 && this.graph.view().direction !== value; tries++) toolbar.press('orientation');
      return;
    }
    toolbar.press(control);
  }

  /** Drags a node by (dx, dy) screen pixels with pointer events, as a mouse would, after any drag before it has ended. */
  dragNode(nodeId: number, dx: number, dy: number): Promise<void> {
    this.drags = this.drags.then(() => this.dragNodeNow(nodeId, dx, dy)).finally(() => {
      this.dragsFinished++;
    });
    return this.drags;
  }

  private async dragNodeNow(nodeId: number, dx: number, dy: number): Promise<void> {
    const node = this.graph.scene()?.node(nodeId);
    const view = this.graph.canvasView();
    if (!node || !view) return;
    const box = this.graph.viewport.getBoundingClientRect();
    const { x, y, scale } = this.graph.transform();
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
    // The drag must pan the view, wherever it starts: no node is picked up meanwhile.
    const draggable = this.graph.view().draggable;
    this.graph.setDraggableQuietly(false);
    try {
      return frameStats(await gestureFrames({ frames, gesture, selectors: ['.graph-canvas'], events: 'pointer' }));
    } finally {
      this.graph.setDraggableQuietly(draggable);
    }
  }

  /** What the canvas draws: the scene it paints from. */
  drawnNodes(): DrawnNode[] {
    return (this.graph.scene()?.nodes ?? []).map((node) => ({ nodeId: node.nodeId, name: node.name, kind: node.kind, status: node.status, reused: node.reused, executor: node.executor, x: node.x, y: node.y, width: node.width, height: node.height }));
  }

  drawnEdges(): { source: number; target: number }[] {
    return (this.graph.scene()?.edges ?? []).map((edge) => ({ source: edge.source.nodeId, target: edge.target.nodeId }));
  }

  report(): GraphDrawReport {
    const { graph } = this;
    const view = graph.canvasView();
    const scene = graph.scene();
    const minimap = graph.minimap();
    const layout = graph.layout();
    const viewState = graph.view();
    const counts = view?.visibleCounts ?? { nodes: 0, labels: 0, detail: 'full' };
    const pixels: { nodeId: number; actual: string; expected: string }[] = [];
    if (view && scene && counts.detail === 'full') {
      view.drawFrame();
      scene.nodesIn(view.visibleArea(), (node) => {
        if (node.kind === 'parameter' || node === view.selected || pixels.length >= 30) return;
        pixels.push({ nodeId: node.nodeId, actual: view.colourAt(node.x + 2.5, node.y + node.height / 2), expected: canvasColour(view.painter.nodeColor(node)) });
      });
    }
    const options = layout?.options ?? viewState;
    return {
      view: viewState,
      layout: { direction: options.direction, algorithm: options.algorithm, showParameters: options.showParameters, showPostprocessing: options.showPostprocessing, engine: layout?.engine ?? '' },
      detail: counts.detail,
      visibleNodes: counts.nodes,
      labelsPainted: counts.labels,
      fullRepaints: view?.fullRepaints ?? 0,
      nodeRepaints: view?.nodeRepaints ?? 0,
      minimapShown: !!minimap && !minimap.canvas.hidden,
      minimapPainted: minimap?.painted ?? 0,
      viewport: view?.viewportSize ?? { width: 0, height: 0 },
      pixels,
      dragsFinished: this.dragsFinished,
      findResult: graph.findProgress(),
      message: graph.message.hidden ? undefined : (graph.message.textContent ?? undefined),
    };
  }
}
