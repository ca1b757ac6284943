import type { Painter } from './painter';
import type { Rect, Scene } from './scene';

/**
 * The whole graph in a corner, with the visible area marked; pressing or
 * dragging on it moves the view there. Its picture of the graph is painted once
 * per change (nodes as coloured blocks) and each frame only copies it and draws
 * the frame of the visible area.
 */
const WIDTH = 200;
const HEIGHT = 140;

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  private readonly picture: HTMLCanvasElement;
  private dirty = true;
  private scale = 1;
  private offsetX = 0;
  private offsetY = 0;
  painted = 0;

  constructor(
    private readonly scene: Scene,
    private readonly painter: Painter,
    private readonly moveTo: (x: number, y: number) => void,
  ) {
    const ratio = window.devicePixelRatio || 1;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'graph-minimap';
    this.canvas.width = WIDTH * ratio;
    this.canvas.height = HEIGHT * ratio;
    this.canvas.setAttribute('aria-hidden', 'true');
    this.picture = document.createElement('canvas');
    this.picture.width = this.canvas.width;
    this.picture.height = this.canvas.height;
    let dragging = false;
    const follow = (event: PointerEvent) => {
      const box = this.canvas.getBoundingClientRect();
      this.moveTo((event.clientX - box.left - this.offsetX) / this.scale, (event.clientY - box.top - this.offsetY) / this.scale);
    };
    this.canvas.addEventListener('pointerdown', (event) => {
      dragging = true;
      event.stopPropagation();
      try {
        this.canvas.setPointerCapture(event.pointerId);
      } catch {
        // Synthetic pointers cannot be captured.
      }
      follow(event);
    });
    this.canvas.addEventListener('pointermove', (event) => dragging && follow(event));
    const stop = () => (dragging = false);
    this.canvas.addEventListener('pointerup', stop);
    this.canvas.addEventListener('pointercancel', stop);
  }

  /** The graph changed (statuses, a moved node, theme): paint the picture again on the next frame. */
  invalidate(): void {
    this.dirty = true;
  }

  draw(visible: Rect): void {
    if (this.canvas.hidden) return;
    const ratio = this.canvas.width / WIDTH;
    const bounds = this.scene.bounds;
    this.scale = Math.min((WIDTH - 8) / Math.max(bounds.width, 1), (HEIGHT - 8) / Math.max(bounds.height, 1));
    this.offsetX = (WIDTH - bounds.width * this.scale) / 2 - bounds.x * this.scale;
    this.offsetY = (HEIGHT - bounds.height * this.scale) / 2 - bounds.y * this.scale;
    if (this.dirty) {
      const context = this.picture.getContext('2d')!;
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, this.picture.width, this.picture.height);
      context.setTransform(this.scale * ratio, 0, 0, this.scale * ratio, this.offsetX * ratio, this.offsetY * ratio);
      let count = 0;
      for (const node of this.scene.nodes) {
        context.fillStyle = this.painter.nodeColor(node);
        context.fillRect(node.x, node.y, Math.max(node.width, 2 / this.scale), Math.max(node.height, 2 / this.scale));
        count++;
      }
      this.painted = count;
      this.dirty = false;
    }
    const context = this.canvas.getContext('2d')!;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    context.drawImage(this.picture, 0, 0);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.strokeStyle = this.painter.theme.focus;
    context.lineWidth = 1.5;
    context.strokeRect(visible.x * this.scale + this.offsetX, visible.y * this.scale + this.offsetY, visible.width * this.scale, visible.height * this.scale);
  }
}
