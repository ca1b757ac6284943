import type { RenderedValue } from './rendered';

/**
 * A drawn value as plain text, for where only text goes (the task diff): a
 * table's header with its dtypes and its first rows in columns, an array's shape
 * line and numpy's summary, a picture by what it is and its size, a dict's
 * entries indented. No `vscode`, no DOM.
 */
export function valueAsText(value: RenderedValue, indent = ''): string {
  const lines = linesOf(value);
  return lines.map((line) => indent + line).join('\n');
}

function linesOf(value: RenderedValue): string[] {
  switch (value.kind) {
    case 'image':
      return [`picture: ${value.source ?? value.mime}, ${value.width} × ${value.height} px, ${value.mime}, ${value.bytes.toLocaleString()} bytes`];
    case 'table': {
      const header = ['', ...value.columns.map((name, index) => `${name} (${value.dtypes[index] ?? '?'})`)];
      const rows = value.rows.map((row, index) => [value.index[index] ?? String(value.offset + index), ...row]);
      const shown = value.rows.length < value.rowCount ? ` (the first ${value.rows.length})` : '';
      return [`${value.type === 'series' ? 'Series' : 'DataFrame'} · ${value.rowCount.toLocaleString()} rows × ${value.columnCount} columns${shown}`, ...columns([header, ...rows])];
    }
    case 'array': {
      const stats = typeof value.min === 'number' && typeof value.max === 'number' ? ` · min ${value.min} · max ${value.max} · mean ${value.mean ?? '—'}` : '';
      return [`ndarray · shape (${value.shape.join(', ')}${value.shape.length === 1 ? ',' : ''}) · ${value.dtype}${stats}`, ...value.preview.split('\n')];
    }
    case 'mapping':
      return [
        `${value.type} · ${value.length} ${value.length === 1 ? 'entry' : 'entries'}`,
        ...value.entries.flatMap((entry) => [`${entry.key}:`, ...linesOf(entry.value).map((line) => `  ${line}`)]),
      ];
    case 'html':
      return (value.text ?? value.html).split('\n');
    case 'text':
      return value.text.split('\n');
    case 'large':
      return [`${value.bytes.toLocaleString()} bytes: over covalent.maxValueMB, not downloaded`];
    case 'missing':
      return [value.message];
  }
}

/** Rows of cells as aligned columns (right-aligned, as tables of numbers read). */
function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => cell.padStart(widths[index] ?? 0)).join('  ').trimEnd());
}
