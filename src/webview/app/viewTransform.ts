import type { Transform } from './canvasView';
import type { Rect } from './scene';

/**
 * The arithmetic of the graph's pan and zoom: where the graph sits on screen
 * after fitting, zooming about a point, or centring on a point. The zoom stays
 * between 1% (a huge graph fits) and 400%.
 */
const MIN_SCALE = 0.01;
const MAX_SCALE = 4;

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The whole graph in view (at most 150%), centred; one taller than the view (at the least zoom) shows its top. */
export function fitTransform(bounds: Rect, { width, height }: Size): Transform {
  const scale = clamp(Math.min(width / (bounds.width + 20), height / (bounds.height + 20), 1.5), MIN_SCALE, MAX_SCALE);
  return { scale, x: (width - bounds.width * scale) / 2 - bounds.x * scale, y: Math.max(0, (height - bounds.height * scale) / 2) - bounds.y * scale };
}

/** Zoomed by `factor`, the screen point (centerX, centerY) staying where it is. */
export function zoomTransform({ x, y, scale }: Transform, factor: number, centerX: number, centerY: number): Transform {
  const next = clamp(scale * factor, MIN_SCALE, MAX_SCALE);
  return { scale: next, x: centerX - ((centerX - x) * next) / scale, y: centerY - ((centerY - y) * next) / scale };
}

/** The graph point (x, y) in the middle of the view. */
export function centredTransform(x: number, y: number, scale: number, { width, height }: Size): Transform {
  return { scale, x: width / 2 - x * scale, y: height / 2 - y * scale };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
