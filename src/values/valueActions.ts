import { pictureExtension, type RenderedValue } from './rendered';
import type { ValueRequest } from './valueRenderer';

/**
 * What can be done with a drawn value beyond looking at it: the formats Save As…
 * offers for its kind, and the Python that loads it in a notebook. No `vscode`.
 */

/** `picture`: the drawn image's bytes; `pickle`: the value's pickle from the server's archive; the rest are written by the bridge. */
export type SaveFormat = 'picture' | 'pickle' | ExportFormat;
export type ExportFormat = 'csv' | 'parquet' | 'npy';

export interface SaveChoice {
  readonly label: string;
  readonly description: string;
  readonly extension: string;
  readonly format: SaveFormat;
}

const PICKLE: SaveChoice = { label: 'Pickle', description: 'the value as the server recorded it (cloudpickle; pickle.load reads it)', extension: 'pkl', format: 'pickle' };

export function saveChoices(value: RenderedValue | undefined): SaveChoice[] {
  switch (value?.kind) {
    case 'image': {
      const extension = pictureExtension(value.mime);
      return [{ label: extension.toUpperCase(), description: `the picture as drawn (${value.width} × ${value.height})`, extension, format: 'picture' }, PICKLE];
    }
    case 'table':
      return [
        { label: 'CSV', description: `all ${value.rowCount} rows`, extension: 'csv', format: 'csv' },
        { label: 'Parquet', description: 'needs pyarrow or fastparquet in the interpreter', extension: 'parquet', format: 'parquet' },
        PICKLE,
      ];
    case 'array':
      return [{ label: 'NumPy array', description: `.npy, shape (${value.shape.join(', ')})`, extension: 'npy', format: 'npy' }, PICKLE];
    default:
      return [PICKLE];
  }
}

/** Python lines that load the value with Covalent's SDK, as a notebook would. */
export function loadingCode(request: ValueRequest, serverAddress: string): string {
  const lines = ['import covalent as ct', '', `result = ct.get_result(${pythonString(request.dispatchId)}, wait=False, dispatcher_addr=${pythonString(serverAddress)})`];
  if (request.taskId === undefined) {
    if (request.value === 'result') lines.push('value = result.result');
    else if (request.value === 'inputs') lines.push('value = result.inputs.get_deserialized()  # {"args": (...), "kwargs": {...}}');
    else lines.push(`inputs = result.inputs.get_deserialized()`, `value = inputs["kwargs"].get(${pythonString(request.value.slice('input:'.length))})  # positional inputs are in inputs["args"]`);
  } else if (request.value === 'result') {
    lines.push(`value = result.get_node_result(${request.taskId})["output"].get_deserialized()`);
  } else {
    lines.push(
      `graph = result.lattice.transport_graph`,
      `# The task's inputs are its parents' outputs, by edge name.`,
      `inputs = {graph.get_edge_data(parent, ${request.taskId})[0]["edge_name"]: result.get_node_result(parent)["output"].get_deserialized() for parent in graph.get_dependencies(${request.taskId})}`,
      request.value === 'inputs' ? 'value = inputs' : `value = inputs[${pythonString(request.value.slice('input:'.length))}]`,
    );
  }
  return lines.join('\n') + '\n';
}

function pythonString(text: string): string {
  return JSON.stringify(text);
}
