import type { RenderedImage } from '../../values/rendered';
import { element, formatBytes } from './dom';

/**
 * A figure or picture: the image the panel wrote to a file (loaded from its
 * webview URI), shown at its drawn size over the device pixel ratio it was
 * drawn for, and a line saying what drew it, its size and its bytes.
 */
export function paintImage(painted: HTMLElement, drawn: RenderedImage): void {
  const ratio = drawn.pixelRatio ?? 1;
  const image = element('img', { className: 'value-image', attributes: { alt: `${drawn.source ?? 'picture'}, ${drawn.width} × ${drawn.height} pixels` } });
  if (drawn.width > 0) image.width = Math.round(drawn.width / ratio);
  if (drawn.src) image.src = drawn.src;
  painted.appendChild(image);
  const size = drawn.width > 0 ? ` · ${drawn.width} × ${drawn.height} px` : '';
  painted.appendChild(element('div', { className: 'image-meta', text: `${drawn.source ?? drawn.mime}${size} · ${formatBytes(drawn.bytes)}` }));
}
