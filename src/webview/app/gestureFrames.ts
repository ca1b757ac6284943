/**
 * Frame times while a gesture runs: one step of a drag (or one wheel turn) per
 * animation frame, sent as the events a mouse sends, and the time between
 * frames. The benchmark runs this same function in the Covalent UI's page, so
 * both graphs are measured alike: it uses no imports and no outer names.
 */
export interface GestureOptions {
  readonly frames: number;
  readonly gesture: 'pan' | 'zoom';
  /** The element that takes the gesture: the first of these selectors that matches. */
  readonly selectors: readonly string[];
  /** Our canvas listens to pointer events; the Covalent UI's d3-zoom to mouse events (moves on the window). */
  readonly events: 'pointer' | 'mouse';
}

export function gestureFrames(options: GestureOptions): Promise<number[]> {
  const target = options.selectors.map((selector) => document.querySelector<HTMLElement>(selector)).find((found) => found);
  if (!target) return Promise.reject(new Error(`nothing on the page matches ${options.selectors.join(' or ')}`));
  const box = target.getBoundingClientRect();
  let x = box.left + box.width / 2;
  let y = box.top + box.height / 2;
  const press = (phase: 'down' | 'move' | 'up') => {
    const init = { bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0, buttons: phase === 'up' ? 0 : 1, view: window };
    if (options.events === 'pointer') target.dispatchEvent(new PointerEvent(`pointer${phase}`, { ...init, pointerId: 9, isPrimary: true }));
    else (phase === 'down' ? target : window).dispatchEvent(new MouseEvent(`mouse${phase}`, init));
  };
  if (options.gesture === 'pan') press('down');
  return new Promise((resolve) => {
    const gaps: number[] = [];
    let last = 0;
    let count = 0;
    const step = (now: number) => {
      if (last) gaps.push(now - last);
      last = now;
      if (options.gesture === 'pan') {
        x += count % 120 < 60 ? 8 : -8;
        y += count % 60 < 30 ? 4 : -4;
        press('move');
      } else {
        target.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, clientX: x, clientY: y, deltaY: count % 120 < 60 ? -20 : 20, view: window }));
      }
      if (++count < options.frames) requestAnimationFrame(step);
      else {
        if (options.gesture === 'pan') press('up');
        // The first gap includes whatever ran before the gesture.
        resolve(gaps.slice(1));
      }
    };
    requestAnimationFrame(step);
  });
}

export interface FrameStats {
  readonly frames: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export function frameStats(gaps: readonly number[]): FrameStats {
  const sorted = [...gaps].sort((a, b) => a - b);
  return {
    frames: sorted.length,
    meanMs: sorted.reduce((sum, gap) => sum + gap, 0) / Math.max(1, sorted.length),
    p95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    maxMs: sorted[sorted.length - 1] ?? 0,
  };
}
