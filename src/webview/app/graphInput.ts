import type { GraphParts } from './graphParts';
import type { SceneNode } from './scene';

/**
 * The graph's mouse and keyboard: a click selects a node, a double click opens
 * a sublattice, dragging pans (or moves a node when nodes are draggable), the
 * wheel zooms (Shift pans), hovering shows a node's tooltip, and keys pan,
 * zoom, fit, press the toolbar's toggles and move the selected node.
 */
export interface GraphInputTarget extends GraphParts {
  readonly tooltip: HTMLElement;
  /** The tooltip tells a node's live status only when the graph has statuses. */
  readonly statuses: boolean;
  selectedNode(): SceneNode | undefined;
  zoomBy(factor: number, centerX?: number, centerY?: number): void;
  panBy(dx: number, dy: number): void;
  fit(): void;
  select(nodeId: number): void;
  openSublattice(nodeId: number): void;
}

export function bindGraphInput(target: GraphInputTarget): void {
  bindPointer(target);
  bindKeys(target);
}

interface Drag {
  readonly pointerId: number;
  x: number;
  y: number;
  moved: boolean;
  readonly node?: SceneNode;
  readonly grabX: number;
  readonly grabY: number;
}

function bindPointer(target: GraphInputTarget): void {
  const viewport = target.viewport;
  let drag: Drag | undefined;
  const local = (event: MouseEvent) => {
    const box = viewport.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  viewport.addEventListener('pointerdown', (event) => {
    const canvasView = target.canvasView();
    if (event.button !== 0 || !canvasView || event.target !== canvasView.canvas) return;
    const at = local(event);
    const point = canvasView.toGraph(at.x, at.y);
    const node = target.view().draggable ? target.scene()?.nodeAt(point.x, point.y) : undefined;
    drag = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, moved: false, node, grabX: node ? point.x - node.x : 0, grabY: node ? point.y - node.y : 0 };
    target.tooltip.hidden = true;
  });
  viewport.addEventListener('pointermove', (event) => {
    if (!drag || drag.pointerId !== event.pointerId) {
      if (!drag) hover(target, event);
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
      if (drag.node) target.canvasView()?.setFloating(drag.node);
    }
    drag.moved = true;
    drag.x = event.clientX;
    drag.y = event.clientY;
    const scene = target.scene();
    const canvasView = target.canvasView();
    if (drag.node && scene && canvasView) {
      const at = local(event);
      const point = canvasView.toGraph(at.x, at.y);
      scene.moveNode(drag.node, point.x - drag.grabX, point.y - drag.grabY);
      canvasView.requestFrame();
    } else {
      viewport.classList.add('panning');
      target.panBy(dx, dy);
    }
  });
  const end = (event: PointerEvent) => {
    const ended = drag;
    if (!ended || ended.pointerId !== event.pointerId) return;
    drag = undefined;
    viewport.classList.remove('panning');
    if (ended.moved && ended.node) {
      target.canvasView()?.setFloating(undefined);
      target.minimap()?.invalidate();
    }
    const canvasView = target.canvasView();
    if (ended.moved || event.type === 'pointercancel' || !canvasView) return;
    const at = local(event);
    const point = canvasView.toGraph(at.x, at.y);
    const node = target.scene()?.nodeAt(point.x, point.y);
    if (node) target.select(node.nodeId);
  };
  viewport.addEventListener('pointerup', end);
  viewport.addEventListener('pointercancel', end);
  viewport.addEventListener('pointerleave', () => (target.tooltip.hidden = true));
  viewport.addEventListener('dblclick', (event) => {
    const canvasView = target.canvasView();
    if (!canvasView) return;
    const at = local(event);
    const point = canvasView.toGraph(at.x, at.y);
    const node = target.scene()?.nodeAt(point.x, point.y);
    if (node?.kind === 'sublattice') target.openSublattice(node.nodeId);
  });
  viewport.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const at = local(event);
      if (event.ctrlKey || event.metaKey || !event.shiftKey) target.zoomBy(Math.exp(-event.deltaY * 0.0015), at.x, at.y);
      else target.panBy(-event.deltaX, -event.deltaY);
    },
    { passive: false },
  );
}

function hover(target: GraphInputTarget, event: PointerEvent): void {
  const canvasView = target.canvasView();
  const scene = target.scene();
  const tooltip = target.tooltip;
  if (!canvasView || !scene || event.target !== canvasView.canvas) return;
  const box = target.viewport.getBoundingClientRect();
  const point = canvasView.toGraph(event.clientX - box.left, event.clientY - box.top);
  const node = scene.nodeAt(point.x, point.y);
  if (!node) {
    tooltip.hidden = true;
    return;
  }
  tooltip.textContent = target.statuses
    ? `${node.name} · ${node.kind} · ${node.status.replace(/_/g, ' ')}${node.reused ? ' · reused' : ''}${node.executor ? ` · runs on ${node.executor}` : ''}`
    : `${node.name} · ${node.kind}`;
  tooltip.style.left = `${event.clientX - box.left + 12}px`;
  tooltip.style.top = `${event.clientY - box.top + 12}px`;
  tooltip.hidden = false;
}

function bindKeys(target: GraphInputTarget): void {
  const { viewport, toolbar } = target;
  viewport.addEventListener('keydown', (event) => {
    if (event.target !== viewport || event.altKey || event.ctrlKey || event.metaKey) return;
    const step = 60;
    const selected = target.selectedNode();
    if (event.shiftKey && selected && target.view().draggable && event.key.startsWith('Arrow')) {
      event.preventDefault();
      const [dx = 0, dy = 0] = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, -10], ArrowDown: [0, 10] }[event.key] ?? [];
      moveNode(target, selected, selected.x + dx, selected.y + dy);
      return;
    }
    const actions: Record<string, () => void> = {
      '+': () => target.zoomBy(1.25),
      '=': () => target.zoomBy(1.25),
      '-': () => target.zoomBy(0.8),
      '0': () => target.fit(),
      ArrowLeft: () => target.panBy(step, 0),
      ArrowRight: () => target.panBy(-step, 0),
      ArrowUp: () => target.panBy(0, step),
      ArrowDown: () => target.panBy(0, -step),
      o: () => toolbar.press('orientation'),
      p: () => toolbar.press('parameters'),
      l: () => toolbar.press('labels'),
      m: () => toolbar.press('minimap'),
      d: () => toolbar.press('draggable'),
      '/': () => toolbar.findInput.focus(),
      Enter: () => selected?.kind === 'sublattice' && target.openSublattice(selected.nodeId),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}

/** Shift+arrows: only where the node and its edges were and now are is repainted. */
function moveNode(target: GraphInputTarget, node: SceneNode, x: number, y: number): void {
  const scene = target.scene();
  const canvasView = target.canvasView();
  if (!scene || !canvasView) return;
  canvasView.repaintArea(scene.moveNode(node, x, y));
  canvasView.requestFrame();
  target.minimap()?.invalidate();
}
