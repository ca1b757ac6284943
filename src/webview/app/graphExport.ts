import type { GraphExportData, GraphExportFormat } from '../graphProtocol';
import type { CanvasView } from './canvasView';
import type { Scene } from './scene';
import { sceneToSvg } from './svgExport';

/**
 * A picture of the whole graph for the user to save: SVG drawn from the scene,
 * or PNG painted by the canvas. The extension writes the file, so the bytes
 * travel as text (PNG in base64).
 */
export async function graphPicture(scene: Scene, canvasView: CanvasView, labels: boolean, format: GraphExportFormat): Promise<GraphExportData> {
  if (format === 'svg') return { format, data: sceneToSvg(scene, canvasView.painter.theme, { labels, title: 'Covalent task graph' }) };
  const blob = await canvasView.png();
  return { format, data: toBase64(new Uint8Array(await blob.arrayBuffer())) };
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  // In slices: spreading a whole large picture into one call overflows the stack.
  for (let index = 0; index < bytes.length; index += 0x8000) text += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(text);
}
