import { nodeBorder, nodeColor, type Theme } from './painter';
import type { Scene } from './scene';

/**
 * The graph as a standalone SVG document, drawn from the same scene and colours
 * as the canvas. Every name is escaped: a task name can hold any text. No DOM
 * here (unit tests parse the result in plain Node).
 */
export function sceneToSvg(scene: Scene, theme: Theme, options: { labels: boolean; title?: string }): string {
  const pad = 10;
  const { x, y, width, height } = scene.bounds;
  const box = `${fmt(x - pad)} ${fmt(y - pad)} ${fmt(width + 2 * pad)} ${fmt(height + 2 * pad)}`;
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="${box}" width="${fmt(width + 2 * pad)}" height="${fmt(height + 2 * pad)}" font-family="${escapeXml(theme.fontFamily)}">`);
  if (options.title) out.push(`<title>${escapeXml(options.title)}</title>`);
  out.push(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${escapeXml(theme.edge)}"/></marker></defs>`);
  out.push(`<rect x="${fmt(x - pad)}" y="${fmt(y - pad)}" width="${fmt(width + 2 * pad)}" height="${fmt(height + 2 * pad)}" fill="${escapeXml(theme.background)}"/>`);
  out.push(`<g class="edges" fill="none" stroke="${escapeXml(theme.edge)}" stroke-width="1.2">`);
  for (const edge of scene.edges) {
    const points = edge.points;
    let d = `M${fmt(points[0]!)} ${fmt(points[1]!)}`;
    for (let index = 2; index < points.length; index += 2) d += `L${fmt(points[index]!)} ${fmt(points[index + 1]!)}`;
    out.push(`<path d="${d}" data-source="${edge.source.nodeId}" data-target="${edge.target.nodeId}"${edge.control ? ' stroke-dasharray="4 3" opacity="0.45"' : ''} marker-end="url(#arrow)"/>`);
  }
  out.push('</g>');
  out.push('<g class="nodes">');
  for (const node of scene.nodes) {
    const parameter = node.kind === 'parameter';
    const stroke = nodeBorder(theme, node);
    const fill = parameter ? theme.background : theme.nodeFill;
    out.push(`<g class="node" data-node="${node.nodeId}" data-status="${escapeXml(node.status)}" transform="translate(${fmt(node.x)},${fmt(node.y)})">`);
    out.push(`<title>${escapeXml(`${node.name} (${node.kind})`)}</title>`);
    out.push(
      `<rect width="${fmt(node.width)}" height="${fmt(node.height)}" rx="${parameter ? fmt(node.height / 2) : 5}" fill="${escapeXml(fill)}" stroke="${escapeXml(stroke)}"${parameter ? ' stroke-dasharray="3 2"' : ''}/>`,
    );
    if (!parameter) out.push(`<rect width="5" height="${fmt(node.height)}" fill="${escapeXml(nodeColor(theme, node))}"/>`);
    if (options.labels) {
      const anchor = parameter ? ` x="${fmt(node.width / 2)}" text-anchor="middle"` : ' x="12"';
      out.push(`<text${anchor} y="${fmt(node.height / 2 + 4)}" font-size="${parameter ? 11 : 12}" fill="${escapeXml(parameter ? theme.muted : theme.text)}">${escapeXml(node.label)}</text>`);
    }
    out.push('</g>');
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}

export function escapeXml(text: string): string {
  // XML 1.0 forbids most control characters even escaped: they are dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function fmt(value: number): string {
  return String(Math.round(value * 10) / 10);
}
