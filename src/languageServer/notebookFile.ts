/** A code cell of an `.ipynb` file on disk: its index among all the notebook's cells, and its source. */
export interface IpynbCodeCell {
  readonly index: number;
  readonly source: string;
}

/**
 * The code cells of a Jupyter notebook's JSON (nbformat 4), or undefined when
 * the text is not such a notebook or its kernel is not Python. Outputs are not
 * read.
 */
export function ipynbCodeCells(text: string): IpynbCodeCell[] | undefined {
  let notebook: unknown;
  try {
    notebook = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(notebook) || !Array.isArray(notebook.cells)) return undefined;
  const metadata = isObject(notebook.metadata) ? notebook.metadata : {};
  const language = languageOf(metadata);
  if (language !== undefined && language.toLowerCase() !== 'python') return undefined;
  const cells: IpynbCodeCell[] = [];
  notebook.cells.forEach((cell: unknown, index) => {
    if (!isObject(cell) || cell.cell_type !== 'code') return;
    const source = Array.isArray(cell.source) ? cell.source.filter((part) => typeof part === 'string').join('') : typeof cell.source === 'string' ? cell.source : '';
    cells.push({ index, source });
  });
  return cells;
}

function languageOf(metadata: Record<string, unknown>): string | undefined {
  const info = metadata.language_info;
  if (isObject(info) && typeof info.name === 'string') return info.name;
  const kernel = metadata.kernelspec;
  if (isObject(kernel) && typeof kernel.language === 'string') return kernel.language;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
