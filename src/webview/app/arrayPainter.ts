import type { RenderedArray } from '../../values/rendered';
import { element } from './dom';

/**
 * A numpy array's summary: its shape, dtype and range, and a small 2-D
 * numeric one as a heat map. (Its rows are tablePainter's.)
 */
export function paintArray(painted: HTMLElement, drawn: RenderedArray): void {
  const stats = [drawn.min, drawn.max, drawn.mean].every((value) => typeof value === 'number')
    ? ` · min ${short(drawn.min)} · max ${short(drawn.max)} · mean ${short(drawn.mean)}`
    : '';
  painted.appendChild(element('div', { className: 'shape-line', text: `ndarray · shape (${drawn.shape.join(', ')}${drawn.shape.length === 1 ? ',' : ''}) · ${drawn.dtype}${stats}` }));
  if (drawn.heatmap && drawn.heatmap.length > 0) painted.appendChild(heatmap(drawn.heatmap));
}

/** A small 2-D array's cells as colours, low to high, on a canvas (no markup per cell). */
function heatmap(cells: readonly (readonly (number | null)[])[]): HTMLCanvasElement {
  const rows = cells.length;
  const columns = cells[0]?.length ?? 0;
  const scale = Math.max(1, Math.floor(240 / Math.max(rows, columns)));
  const canvas = element('canvas', { className: 'heatmap', attributes: { 'data-cells': String(rows * columns), role: 'img', 'aria-label': `heat map of ${rows} × ${columns} cells` } });
  canvas.width = columns * scale;
  canvas.height = rows * scale;
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  cells.forEach((row, y) =>
    row.forEach((cell, x) => {
      if (cell === null) return;
      context.fillStyle = ramp(cell);
      context.fillRect(x * scale, y * scale, scale, scale);
    }),
  );
  return canvas;
}

/** Dark blue through teal to yellow, as viridis runs. */
function ramp(value: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const at = Math.min(Math.max(value, 0), 1) * (stops.length - 1);
  const low = stops[Math.floor(at)] ?? stops[0];
  const high = stops[Math.ceil(at)] ?? stops[stops.length - 1];
  const mix = at - Math.floor(at);
  const channel = (index: number) => Math.round((low?.[index] ?? 0) * (1 - mix) + (high?.[index] ?? 0) * mix);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

/** Six significant digits, or exponent notation for very large and very small numbers. */
function short(value: number | null | undefined): string {
  if (typeof value !== 'number') return '—';
  return Math.abs(value) >= 1e5 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : String(Number(value.toPrecision(6)));
}
