import type { GraphViewState } from '../graphProtocol';
import type { CanvasView, Transform } from './canvasView';
import type { GraphToolbar } from './graphToolbar';
import type { Minimap } from './minimap';
import type { Scene } from './scene';

/**
 * The graph widget's parts as its input handling and its test hooks reach them.
 * The scene, canvas and minimap are replaced with each new layout, so they are
 * read through functions, never kept.
 */
export interface GraphParts {
  readonly viewport: HTMLElement;
  readonly toolbar: GraphToolbar;
  /** The view's choices now (orientation, labels, draggable nodes…). */
  view(): GraphViewState;
  scene(): Scene | undefined;
  canvasView(): CanvasView | undefined;
  minimap(): Minimap | undefined;
  transform(): Transform;
}
