import type { GraphLayout, LaidOutNode, PanMeasurement, TaskLive } from '../protocol';
import { clear, element, svgElement } from './dom';

/**
 * The task graph as SVG, positioned by the layout the extension computed. Pan
 * and zoom move one CSS transform on the stage (the compositor moves it; nothing
 * is redrawn), and live status changes only flip attributes on existing nodes.
 */
export interface GraphCallbacks {
  select(nodeId: number): void;
  openSublattice(nodeId: number): void;
  transformChanged(): void;
}

export interface Transform {
  x: number;
  y: number;
  scale: number;
}

const MIN_SCALE = 0.02;
const MAX_SCALE = 4;

export class GraphView {
  readonly root: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly message: HTMLElement;
  private svg: SVGSVGElement | undefined;
  private layout: GraphLayout | undefined;
  private readonly nodeElements = new Map<number, SVGGElement>();
  private readonly nodes = new Map<number, LaidOutNode>();
  private selected: number | undefined;
  transform: Transform = { x: 0, y: 0, scale: 1 };
  renders = 0;
  private fitted = false;
  private frameRequested = false;

  constructor(private readonly callbacks: GraphCallbacks) {
    this.stage = element('div', { className: 'graph-stage' });
    this.message = element('div', { className: 'graph-message', text: 'Loading the task graph…' });
    this.viewport = element('div', { className: 'graph-viewport', attributes: { tabindex: '0', role: 'img', 'aria-label': 'Task graph' } }, this.stage, this.message);
    const toolbar = element(
      'div',
      { className: 'graph-toolbar' },
      this.toolButton('screen-full', 'Fit the graph (0)', () => this.fit()),
      this.toolButton('zoom-in', 'Zoom in (+)', () => this.zoomBy(1.25)),
      this.toolButton('zoom-out', 'Zoom out (-)', () => this.zoomBy(0.8)),
      element(
        'span',
        { className: 'legend' },
        legend('COMPLETED', 'completed'),
        legend('RUNNING', 'running'),
        legend('FAILED', 'failed'),
        legend('NEW_OBJECT', 'waiting'),
        element('span', { className: 'legend-item legend-parameter', text: 'parameter' }),
        element('span', { className: 'legend-item legend-reused', text: '↻ reused' }),
      ),
    );
    this.root = element('section', { className: 'graph-pane' }, toolbar, this.viewport);
    this.bindPanAndZoom();
  }

  private toolButton(iconName: string, title: string, onClick: () => void): HTMLButtonElement {
    const node = element('button', { className: 'icon-button', title, attributes: { 'aria-label': title }, onClick }, element('span', { className: `codicon codicon-${iconName}` }));
    node.type = 'button';
    return node;
  }

  showMessage(text: string | undefined): void {
    this.message.textContent = text ?? '';
    this.message.hidden = !text;
  }

  /** Draws a new layout (a new graph shape). Zoom stays unless this is the first graph. */
  render(layout: GraphLayout, tasks: readonly TaskLive[]): void {
    this.layout = layout;
    this.renders++;
    this.nodeElements.clear();
    this.nodes.clear();
    const svg = svgElement('svg', { width: Math.ceil(layout.width), height: Math.ceil(layout.height), class: 'graph' });
    const defs = svgElement('defs');
    const marker = svgElement('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.appendChild(svgElement('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
    defs.appendChild(marker);
    svg.appendChild(defs);

    const edgeLayer = svgElement('g', { class: 'edges' });
    for (const edge of layout.edges) {
      const points = edge.points;
      if (points.length < 4) continue;
      let d = `M${points[0]} ${points[1]}`;
      for (let index = 2; index < points.length; index += 2) d += `L${points[index]} ${points[index + 1]}`;
      const path = svgElement('path', { d, class: edge.label === '!waiting_edge' ? 'edge waiting' : 'edge', 'data-source': edge.source, 'data-target': edge.target, 'marker-end': 'url(#arrow)' });
      edgeLayer.appendChild(path);
    }
    svg.appendChild(edgeLayer);

    const nodeLayer = svgElement('g', { class: 'nodes' });
    for (const node of layout.nodes) {
      this.nodes.set(node.nodeId, node);
      const group = svgElement('g', {
        class: `node kind-${cssToken(node.kind)}`,
        transform: `translate(${node.x},${node.y})`,
        'data-node': node.nodeId,
        'data-name': node.name,
        'data-kind': node.kind,
        'data-status': 'NEW_OBJECT',
        tabindex: -1,
      });
      const parameter = node.kind === 'parameter';
      group.appendChild(svgElement('rect', { width: node.width, height: node.height, rx: parameter ? node.height / 2 : 5, class: 'node-box' }));
      if (!parameter) group.appendChild(svgElement('rect', { width: 5, height: node.height, rx: 2, class: 'node-status-bar' }));
      const label = svgElement('text', { x: parameter ? node.width / 2 : 12, y: node.height / 2 + 4, class: 'node-label', 'text-anchor': parameter ? 'middle' : 'start' });
      label.textContent = fitLabel(displayName(node.name, node.kind), node.width - (parameter ? 10 : 26));
      group.appendChild(label);
      const reusedMark = svgElement('text', { x: node.width - 14, y: node.height / 2 + 4, class: 'reused-mark' });
      reusedMark.textContent = '↻';
      group.appendChild(reusedMark);
      if (node.kind === 'sublattice') group.appendChild(svgElement('rect', { x: 3, y: 3, width: node.width - 6, height: node.height - 6, rx: 4, class: 'sublattice-inner' }));
      const title = svgElement('title');
      title.textContent = `${node.name} (${node.kind})`;
      group.appendChild(title);
      nodeLayer.appendChild(group);
      this.nodeElements.set(node.nodeId, group);
    }
    svg.appendChild(nodeLayer);

    if (this.svg) this.stage.replaceChild(svg, this.svg);
    else this.stage.appendChild(svg);
    this.svg = svg;
    this.showMessage(layout.nodes.length === 0 ? 'This dispatch has no tasks yet.' : undefined);
    this.update(tasks);
    if (this.selected !== undefined) this.nodeElements.get(this.selected)?.classList.add('selected');
    if (!this.fitted) {
      this.fitted = true;
      this.fit();
    } else {
      this.applyTransform();
    }
  }

  /** Live statuses: attribute changes on the nodes already drawn. */
  update(tasks: readonly TaskLive[]): void {
    for (const task of tasks) {
      const group = this.nodeElements.get(task.nodeId);
      if (!group) continue;
      if (group.getAttribute('data-status') !== task.status) group.setAttribute('data-status', task.status);
      if (task.executor && group.getAttribute('data-executor') !== task.executor) {
        group.setAttribute('data-executor', task.executor);
        const title = group.querySelector('title');
        if (title) title.textContent = `${group.getAttribute('data-name') ?? ''} (${group.getAttribute('data-kind') ?? ''}) · runs on ${task.executor}`;
      }
      const reused = task.reused && task.status === 'COMPLETED';
      if (group.classList.contains('reused') !== reused) group.classList.toggle('reused', reused);
    }
  }

  select(nodeId: number | undefined): void {
    if (this.selected !== undefined) this.nodeElements.get(this.selected)?.classList.remove('selected');
    this.selected = nodeId;
    if (nodeId !== undefined) this.nodeElements.get(nodeId)?.classList.add('selected');
  }

  nodeInfo(nodeId: number): LaidOutNode | undefined {
    return this.nodes.get(nodeId);
  }

  /** What is drawn, read back from the SVG (the test hook reports this). */
  drawnNodes(): { nodeId: number; name: string; kind: string; status: string; reused: boolean; executor?: string }[] {
    return Array.from(this.stage.querySelectorAll<SVGGElement>('g.node')).map((group) => ({
      nodeId: Number(group.getAttribute('data-node')),
      name: group.getAttribute('data-name') ?? '',
      kind: group.getAttribute('data-kind') ?? '',
      status: group.getAttribute('data-status') ?? '',
      reused: group.classList.contains('reused'),
      executor: group.getAttribute('data-executor') ?? undefined,
    }));
  }

  drawnEdges(): { source: number; target: number }[] {
    return Array.from(this.stage.querySelectorAll<SVGPathElement>('path.edge')).map((path) => ({
      source: Number(path.getAttribute('data-source')),
      target: Number(path.getAttribute('data-target')),
    }));
  }

  fit(): void {
    if (!this.layout) return;
    const width = this.viewport.clientWidth || 800;
    const height = this.viewport.clientHeight || 600;
    const scale = clamp(Math.min(width / (this.layout.width + 20), height / (this.layout.height + 20), 1.5), MIN_SCALE, MAX_SCALE);
    this.transform = { scale, x: (width - this.layout.width * scale) / 2, y: Math.max(0, (height - this.layout.height * scale) / 2) };
    this.applyTransform();
  }

  zoomBy(factor: number, centerX = this.viewport.clientWidth / 2, centerY = this.viewport.clientHeight / 2): void {
    const { x, y, scale } = this.transform;
    const next = clamp(scale * factor, MIN_SCALE, MAX_SCALE);
    this.transform = { scale: next, x: centerX - ((centerX - x) * next) / scale, y: centerY - ((centerY - y) * next) / scale };
    this.requestApply();
  }

  panBy(dx: number, dy: number): void {
    this.transform = { ...this.transform, x: this.transform.x + dx, y: this.transform.y + dy };
    this.requestApply();
  }

  setTransform(transform: Transform): void {
    this.transform = { ...transform };
    this.fitted = true;
    this.applyTransform();
  }

  /** Benchmark hook: pans one step per frame and measures the time between frames. */
  measurePan(frames: number): Promise<PanMeasurement> {
    return new Promise((resolve) => {
      const gaps: number[] = [];
      let last = performance.now();
      let count = 0;
      const step = (now: number) => {
        gaps.push(now - last);
        last = now;
        this.transform = { ...this.transform, x: this.transform.x + (count % 120 < 60 ? 8 : -8), y: this.transform.y + (count % 60 < 30 ? 4 : -4) };
        this.applyTransform();
        if (++count < frames) requestAnimationFrame(step);
        else {
          const measured = gaps.slice(1).sort((a, b) => a - b);
          const mean = measured.reduce((sum, gap) => sum + gap, 0) / Math.max(1, measured.length);
          resolve({ frames: measured.length, meanMs: mean, p95Ms: measured[Math.floor(measured.length * 0.95)] ?? 0, maxMs: measured[measured.length - 1] ?? 0 });
        }
      };
      requestAnimationFrame((now) => {
        last = now;
        requestAnimationFrame(step);
      });
    });
  }

  private requestApply(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.applyTransform();
    });
  }

  private applyTransform(): void {
    const { x, y, scale } = this.transform;
    this.stage.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    this.callbacks.transformChanged();
  }

  private bindPanAndZoom(): void {
    let drag: { x: number; y: number; moved: boolean; pointerId: number } | undefined;
    this.viewport.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, moved: false, pointerId: event.pointerId };
    });
    this.viewport.addEventListener('pointermove', (event) => {
      if (!drag || drag.pointerId !== event.pointerId) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!drag.moved) this.viewport.setPointerCapture(event.pointerId);
      drag.moved = true;
      drag.x = event.clientX;
      drag.y = event.clientY;
      this.viewport.classList.add('panning');
      this.panBy(dx, dy);
    });
    const end = (event: PointerEvent) => {
      if (!drag || drag.pointerId !== event.pointerId) return;
      const wasClick = !drag.moved;
      drag = undefined;
      this.viewport.classList.remove('panning');
      if (!wasClick || event.type === 'pointercancel') return;
      const nodeId = this.nodeAt(event.target);
      if (nodeId !== undefined) this.callbacks.select(nodeId);
    };
    this.viewport.addEventListener('pointerup', end);
    this.viewport.addEventListener('pointercancel', end);
    this.viewport.addEventListener('dblclick', (event) => {
      const nodeId = this.nodeAt(event.target);
      if (nodeId !== undefined && this.nodes.get(nodeId)?.kind === 'sublattice') this.callbacks.openSublattice(nodeId);
    });
    this.viewport.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const bounds = this.viewport.getBoundingClientRect();
        if (event.ctrlKey || event.metaKey || !event.shiftKey) this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - bounds.left, event.clientY - bounds.top);
        else this.panBy(-event.deltaX, -event.deltaY);
      },
      { passive: false },
    );
    this.viewport.addEventListener('keydown', (event) => {
      const step = 60;
      const actions: Record<string, () => void> = {
        '+': () => this.zoomBy(1.25),
        '=': () => this.zoomBy(1.25),
        '-': () => this.zoomBy(0.8),
        '0': () => this.fit(),
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    });
  }

  private nodeAt(target: EventTarget | null): number | undefined {
    const group = target instanceof Element ? target.closest('g.node') : null;
    const value = group?.getAttribute('data-node');
    return value === null || value === undefined ? undefined : Number(value);
  }

  clearGraph(): void {
    clear(this.stage);
    this.svg = undefined;
  }
}

function legend(status: string, label: string): HTMLElement {
  return element('span', { className: 'legend-item', attributes: { 'data-status': status } }, element('span', { className: 'legend-swatch' }), element('span', { text: label }));
}

/** Parameters show their value; Covalent's own nodes lose their `:kind:` prefix. */
export function displayName(name: string, kind: string): string {
  if (kind === 'parameter') return name.replace(/^:parameter:/, '');
  const internal = /^:([a-z_]+):(.*)$/.exec(name);
  if (internal) return internal[2] || internal[1] || name;
  return name;
}

function fitLabel(text: string, widthPx: number): string {
  const max = Math.max(3, Math.floor(widthPx / 7));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function cssToken(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
