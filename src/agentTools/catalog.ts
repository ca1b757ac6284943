/**
 * The agent tools: names, what the model is told, and their input schemas. One
 * list for chat's language model tools (package.json's
 * `contributes.languageModelTools` must match it: a unit test checks) and for the
 * MCP server. No `vscode` here.
 */

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ToolSpec {
  readonly name: AgentToolName;
  /** How chat's `#` picker names it. */
  readonly toolReferenceName: string;
  readonly displayName: string;
  /** For the model: when to use it and what comes back. */
  readonly modelDescription: string;
  readonly inputSchema: JsonSchema;
  /** Only reads (the source, a server): the one kind allowed in Restricted Mode. */
  readonly readOnly: boolean;
  /** Runs work or changes a server's state: asks the person first (dispatch, redispatch, cancel, run locally). */
  readonly confirms: boolean;
}

export const AGENT_TOOL_NAMES = [
  'covalent_listWorkflows',
  'covalent_previewGraph',
  'covalent_dispatch',
  'covalent_getDispatch',
  'covalent_getTask',
  'covalent_redispatch',
  'covalent_cancel',
  'covalent_runTaskLocally',
] as const;
export type AgentToolName = (typeof AGENT_TOOL_NAMES)[number];

export const TOOL_TAGS = ['covalent', 'workflows'] as const;

const FILE = { type: 'string', description: 'The workflow file: a path relative to the workspace folder, an absolute path or a file URI (.py or .ipynb).' };
const LATTICE = { type: 'string', description: 'The name of the @ct.lattice function in that file.' };
const ARGS = { type: 'string', description: 'The lattice\'s inputs in Python call syntax, without the parentheses: `1, 2` or `values=[1, 2], by=3`. Omit for none.' };
const DISPATCH_ID = { type: 'string', description: 'A Covalent dispatch id (a UUID), as covalent_dispatch or covalent_getDispatch gave it.' };
const TASK_ID = { type: 'integer', minimum: 0, description: 'The task\'s node id in the dispatch (the `id` of a task in covalent_getDispatch\'s answer).' };

function object(properties: Record<string, unknown>, required: readonly string[]): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

export const TOOL_SPECS: readonly ToolSpec[] = [
  {
    name: 'covalent_listWorkflows',
    toolReferenceName: 'covalentWorkflows',
    displayName: 'List Covalent workflows',
    modelDescription:
      'Lists the Covalent workflows (module-level @ct.lattice functions) in the workspace\'s Python files and Jupyter notebooks, read from the source without running it. ' +
      'Use it first, to learn which file and lattice name to pass to the other Covalent tools and which inputs a lattice takes. ' +
      'Answers {"workflows": [{"file", "lattice", "line", "parameters"}]}: file relative to the workspace, 1-based line of the definition, parameters as written (`x`, `by=0`).',
    inputSchema: object({}, []),
    readOnly: true,
    confirms: false,
  },
  {
    name: 'covalent_previewGraph',
    toolReferenceName: 'covalentPreview',
    displayName: 'Preview a Covalent workflow\'s graph',
    modelDescription:
      'Builds a lattice\'s task graph locally with the given inputs, as Covalent would at dispatch, without dispatching anything, and shows it in the editor\'s preview panel. ' +
      'Use it to check that a workflow builds, or to see its tasks and their order before dispatching. Runs the file\'s module-level code. ' +
      'Answers {"nodes": [{"id", "name", "kind", "file"?, "line"?}], "edges": [{"source", "target"}]}; file and line say where a node\'s function is defined. ' +
      'A lattice that raises while its graph is built is answered with the traceback.',
    inputSchema: object({ file: FILE, lattice: LATTICE, args: ARGS }, ['file', 'lattice']),
    readOnly: false,
    confirms: false,
  },
  {
    name: 'covalent_dispatch',
    toolReferenceName: 'covalentDispatch',
    displayName: 'Dispatch a Covalent workflow',
    modelDescription:
      'Dispatches a lattice with the given inputs to the Covalent server the editor is set to (it imports the file with the workspace\'s Python interpreter). ' +
      'Use it to run a workflow; it returns as soon as the server accepted it, so follow with covalent_getDispatch to learn how it went. ' +
      'Answers {"dispatchId"}. `executor` (optional) runs every task on that executor short name (`local`, `dask`) instead of as written.',
    inputSchema: object({ file: FILE, lattice: LATTICE, args: ARGS, executor: { type: 'string', description: 'An executor short name to run every task on, such as `local` or `dask`. Omit to run as the code says.' } }, ['file', 'lattice']),
    readOnly: false,
    confirms: true,
  },
  {
    name: 'covalent_getDispatch',
    toolReferenceName: 'covalentDispatchStatus',
    displayName: 'Read a Covalent dispatch',
    modelDescription:
      'Reads a dispatch from its server: its status and each task\'s. Use it after covalent_dispatch or covalent_redispatch, and again while the status is RUNNING; it does not wait. ' +
      'Answers {"dispatchId", "status", "lattice", "tasks": [{"id", "name", "status", "error"?}], "result"?, "error"?}. Failed tasks come first, each with its error; a long list or value is cut and says so.',
    inputSchema: object({ dispatchId: DISPATCH_ID }, ['dispatchId']),
    readOnly: true,
    confirms: false,
  },
  {
    name: 'covalent_getTask',
    toolReferenceName: 'covalentTask',
    displayName: 'Read a Covalent task',
    modelDescription:
      'Reads one task of a dispatch: its status, the inputs the server recorded for it, its result or error, what it printed, and the electron\'s current source in the workspace. ' +
      'Use it to find out why a task failed before fixing the electron. ' +
      'Answers {"id", "name", "status", "inputs", "result"?, "stdout"?, "stderr"?, "error"?, "source"?, "sourceFile"?}; long values are cut with their size said.',
    inputSchema: object({ dispatchId: DISPATCH_ID, taskId: TASK_ID }, ['dispatchId', 'taskId']),
    readOnly: true,
    confirms: false,
  },
  {
    name: 'covalent_redispatch',
    toolReferenceName: 'covalentRedispatch',
    displayName: 'Redispatch a Covalent workflow',
    modelDescription:
      'Dispatches an earlier dispatch again, optionally replacing tasks with the current version of their electrons and reusing the results of tasks that did not change. ' +
      'Use it after fixing a failed electron: replaceElectrons {"task_name": "electron_name"} (usually the same name) takes the electron from `file` (default: the file the dispatch came from), and reusePreviousResults true keeps the other tasks\' results. ' +
      '`args` gives new inputs (default: the previous ones). Answers {"dispatchId"} of the new dispatch.' +
      ' A dispatch still running is waited for first (Covalent redispatches a finished dispatch only); one saved without running is refused.',
    inputSchema: object(
      {
        dispatchId: DISPATCH_ID,
        file: { ...FILE, description: 'The file whose electrons replace tasks (default: the file the dispatch came from).' },
        replaceElectrons: { type: 'object', additionalProperties: { type: 'string' }, description: 'Task name → the name of the electron in `file` that replaces it.' },
        reusePreviousResults: { type: 'boolean', description: 'Keep the results of tasks that did not change (default: the editor\'s setting).' },
        args: { ...ARGS, description: 'New inputs in Python call syntax (default: the previous inputs).' },
      },
      ['dispatchId'],
    ),
    readOnly: false,
    confirms: true,
  },
  {
    name: 'covalent_cancel',
    toolReferenceName: 'covalentCancel',
    displayName: 'Cancel a Covalent dispatch',
    modelDescription:
      'Cancels a running dispatch on its server. Use it to stop a dispatch that is stuck or no longer wanted. ' +
      'Answers {"dispatchId", "status"} with the status the server reports after a short wait (CANCELLED once it has stopped).',
    inputSchema: object({ dispatchId: DISPATCH_ID }, ['dispatchId']),
    readOnly: false,
    confirms: true,
  },
  {
    name: 'covalent_runTaskLocally',
    toolReferenceName: 'covalentRunTask',
    displayName: 'Run a Covalent task here',
    modelDescription:
      'Runs one task of a dispatch on this machine, in the workspace\'s Python, with the inputs the server recorded for it and the electron\'s current source. ' +
      'Use it to reproduce a failure, and after editing the electron to check the fix before redispatching. ' +
      'Answers {"status": "completed" | "failed", "result"?, "error"?, "sameAsServer"?, "traceback"?, "location"?}; sameAsServer says whether it matches what the server recorded.',
    inputSchema: object({ dispatchId: DISPATCH_ID, taskId: TASK_ID }, ['dispatchId', 'taskId']),
    readOnly: false,
    confirms: true,
  },
];

export function toolSpec(name: string): ToolSpec | undefined {
  return TOOL_SPECS.find((spec) => spec.name === name);
}
