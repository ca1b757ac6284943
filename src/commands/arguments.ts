import { array, boolean, literal, optional, string, unknownValue, type Validator } from '../covalent/validate';
import { parseReplaceElectrons } from '../dispatch/electronChanges';
import type { ServerChoice } from '../covalent/servers';
import { type ExecutorChoice, normalizeChoice } from '../executors/choice';
import { DISPATCH_STATUSES, type DispatchStatus } from '../store/types';
import { isValueName, type ValueName } from '../values/rendered';

/**
 * The argument objects of the public command API, checked before anything runs.
 * A wrong field is named with what it should be; nothing is dispatched. Tree rows,
 * lenses and panels pass objects of the same shapes, so one reader serves both.
 * No `vscode` here: URIs stay strings until a command turns them into `vscode.Uri`.
 */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

interface Field<T> {
  readonly check: Validator<T>;
  /** What the field is, said when it is wrong or missing. */
  readonly explain: string;
}

const field = <T>(check: Validator<T>, explain: string): Field<T> => ({ check, explain });

type Fields = Record<string, Field<unknown>>;
type Parsed<F extends Fields> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

function readObject<F extends Fields>(argument: unknown, fields: F, usage: string): Parsed<F> {
  if (typeof argument !== 'object' || argument === null || Array.isArray(argument)) throw new ArgumentError(`Expected ${usage}.`);
  const result: Record<string, unknown> = {};
  for (const [key, { check, explain }] of Object.entries(fields)) {
    const checked = check((argument as Record<string, unknown>)[key], key);
    if (!checked.ok) throw new ArgumentError(explain);
    result[key] = checked.value;
  }
  return result as Parsed<F>;
}

const nonEmpty: Validator<string> = (value, path) => {
  const checked = string(value, path);
  if (!checked.ok) return checked;
  const trimmed = checked.value.trim();
  return trimmed ? { ok: true, value: trimmed } : { ok: false, problem: `${path} is empty` };
};

const replaceElectrons: Validator<Record<string, string> | undefined> = (value) => {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  // Its own messages say which entry is wrong: let them through.
  return { ok: true, value: parseReplaceElectrons(value) };
};

const taskIds: Validator<number[]> = (value, path) => {
  const checked = array(unknownValue)(value, path);
  if (!checked.ok) return checked;
  const ids = checked.value;
  return ids.every((id): id is number => typeof id === 'number' && Number.isInteger(id) && id >= 0) ? { ok: true, value: ids } : { ok: false, problem: `${path} has a value that is not a task number` };
};

const executorsByElectron: Validator<Record<string, string>> = (value, path) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: `${path} is not an object` };
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [electron, name] of entries) {
    if (!electron.trim() || typeof name !== 'string' || !name.trim()) return { ok: false, problem: `${path}.${electron} is not an executor name` };
  }
  return { ok: true, value: Object.fromEntries(entries.map(([electron, name]) => [electron.trim(), (name as string).trim()])) };
};

const ARGS = field(optional(string), '`args` are the inputs in Python call syntax, as text (for example "1, 2").');
const EXECUTOR = field(optional(nonEmpty), '`executor` must name a profile of the covalent.executors setting or an installed executor plugin ("local", "dask").');
const EXECUTORS = field(
  optional(executorsByElectron),
  '`executors` must map electron names to executor names (profiles of covalent.executors or installed plugins), for example { "add": "cluster" }.',
);

/** `executor` and `executors` of an API call as one choice; undefined: the executors as written. */
function choiceOf(executor: string | undefined, executors: Record<string, string> | undefined): ExecutorChoice | undefined {
  return normalizeChoice({ all: executor, electrons: executors });
}
const URI = field(nonEmpty, 'Expected `uri`: the workflow file (or notebook) as a file URI string.');
const DISPATCH_ID = field(nonEmpty, 'Expected `dispatchId`: a Covalent dispatch id.');

export interface DispatchRequest {
  readonly uri: string;
  readonly lattice: string;
  readonly args?: string;
  readonly disableRun?: boolean;
  /** Where to run (`executor` and `executors` together); undefined: as written. */
  readonly executors?: ExecutorChoice;
}

/** `covalent.dispatch`, `dispatchSync`, `saveWithoutRunning`: `{ uri, lattice, args?, disableRun?, executor?, executors? }`. */
export function readDispatchRequest(argument: unknown): DispatchRequest {
  const { executor, executors, ...request } = readObject(
    argument,
    {
      lattice: field(nonEmpty, 'Expected `lattice`: the name of a lattice in the file.'),
      uri: URI,
      args: ARGS,
      disableRun: field(optional(boolean), '`disableRun` must be true or false.'),
      executor: EXECUTOR,
      executors: EXECUTORS,
    },
    '{ uri, lattice, args?, disableRun?, executor?, executors? }',
  );
  return { ...request, executors: choiceOf(executor, executors) };
}

export interface RedispatchRequest {
  readonly dispatchId: string;
  readonly uri?: string;
  readonly replaceElectrons?: Record<string, string>;
  readonly reusePreviousResults?: boolean;
  readonly args?: string;
  readonly isPending?: boolean;
  readonly executors?: ExecutorChoice;
}

/** `covalent.redispatch`: `{ dispatchId, uri?, replaceElectrons?, reusePreviousResults?, args?, isPending?, executor?, executors? }`. */
export function readRedispatchRequest(argument: unknown): RedispatchRequest {
  const { executor, executors, ...request } = readObject(
    argument,
    {
      replaceElectrons: field(replaceElectrons, '`replaceElectrons` must be a list of electron names (or "task=replacement").'),
      dispatchId: DISPATCH_ID,
      uri: field(optional(nonEmpty), '`uri` must be the workflow file as a file URI string.'),
      reusePreviousResults: field(optional(boolean), '`reusePreviousResults` must be true or false.'),
      args: field(optional(string), '`args` are the new inputs in Python call syntax, as text.'),
      isPending: field(optional(boolean), '`isPending` must be true or false.'),
      executor: EXECUTOR,
      executors: EXECUTORS,
    },
    '{ dispatchId, uri?, replaceElectrons?, reusePreviousResults?, args?, isPending?, executor?, executors? }',
  );
  const choice = choiceOf(executor, executors);
  if (choice && request.isPending) {
    throw new ArgumentError('`executor` and `executors` cannot be given with `isPending`: a saved dispatch starts with the executors it was saved with.');
  }
  return { ...request, executors: choice };
}

/** `covalent.chooseExecutor` from the API: `{ uri, lattice, executor?, executors? }` (neither: as written). */
export function readExecutorChoiceRequest(argument: unknown): { uri: string; lattice: string; executors?: ExecutorChoice } {
  const { executor, executors, uri, lattice } = readObject(
    argument,
    { uri: URI, lattice: field(nonEmpty, 'Expected `lattice`: the name of a lattice in the file.'), executor: EXECUTOR, executors: EXECUTORS },
    '{ uri, lattice, executor?, executors? }',
  );
  return { uri, lattice, executors: choiceOf(executor, executors) };
}

/** `covalent.previewGraph`: `{ uri, lattice, args? }`. */
export function readPreviewRequest(argument: unknown): { uri: string; lattice: string; args?: string } {
  return readObject(
    argument,
    {
      lattice: field(nonEmpty, 'Expected `lattice`: the name of a lattice in the file.'),
      uri: URI,
      args: ARGS,
    },
    '{ uri, lattice, args? }',
  );
}

/**
 * What a lens, row or panel names: a lattice (`uri`, `lattice`), a dispatch, or
 * both; a panel also the inputs it shows (`args`), or that they are to be asked
 * for (`askForInputs`). Missing parts are asked for.
 */
export function readTarget(argument: unknown): { uri?: string; lattice?: string; dispatchId?: string; args?: string; askForInputs?: boolean } {
  return readObject(
    argument,
    {
      uri: field(optional(nonEmpty), '`uri` must be a file URI string.'),
      lattice: field(optional(nonEmpty), '`lattice` must be a lattice name.'),
      dispatchId: field(optional(nonEmpty), '`dispatchId` must be a dispatch id.'),
      args: ARGS,
      askForInputs: field(optional(boolean), '`askForInputs` must be true or false.'),
    },
    '{ uri?, lattice?, dispatchId?, args? }',
  );
}

/** The one reader of a dispatch id: `{ dispatchId }` (API, tree row, panel) or the id itself. */
export function readDispatchId(argument: unknown): string {
  if (typeof argument === 'string') {
    const id = argument.trim();
    if (id) return id;
  }
  return readObject(argument, { dispatchId: DISPATCH_ID }, '{ dispatchId }').dispatchId;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Covalent dispatch ids are UUIDs; the server would answer 404 for anything else. */
export function isDispatchId(text: string): boolean {
  return UUID.test(text.trim());
}

const TASK_ID = field(
  (value, path) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? { ok: true, value } : { ok: false, problem: `${path} is not a node id` }),
  "Expected `taskId`: the task's node id in the dispatch (a number, as the Dispatches tree and the result panel show it).",
);

export interface TaskReplayRequest {
  readonly dispatchId: string;
  readonly taskId: number;
  readonly uri?: string;
  readonly useStoredFunction?: boolean;
}

/**
 * `covalent.runTaskLocally`, `covalent.debugTask`: `{ dispatchId, taskId, uri?, useStoredFunction? }`.
 * A task row of the Dispatches tree passes its own `{ dispatchId, nodeId }`.
 */
export function readTaskRequest(argument: unknown): TaskReplayRequest {
  const row = argument as { kind?: unknown; nodeId?: unknown; taskId?: unknown } | undefined;
  const given = row && typeof row === 'object' && row.taskId === undefined && row.kind === 'task' ? { ...row, taskId: row.nodeId } : argument;
  return readObject(
    given,
    {
      dispatchId: DISPATCH_ID,
      taskId: TASK_ID,
      uri: field(optional(nonEmpty), '`uri` must be the file (or notebook) that defines the electron, as a file URI string.'),
      useStoredFunction: field(optional(boolean), '`useStoredFunction` must be true or false.'),
    },
    '{ dispatchId, taskId, uri?, useStoredFunction? }',
  );
}

/** `covalent.compareTask`: `{ dispatchId, otherDispatchId, taskId }`. */
export function readCompareRequest(argument: unknown): { dispatchId: string; otherDispatchId: string; taskId: number } {
  return readObject(
    argument,
    {
      dispatchId: DISPATCH_ID,
      otherDispatchId: field(nonEmpty, 'Expected `otherDispatchId`: the dispatch to compare the task with.'),
      taskId: TASK_ID,
    },
    '{ dispatchId, otherDispatchId, taskId }',
  );
}

/** `covalent.cancel`: `{ dispatchId, taskIds? }`; a task row cancels its own task. */
export function readCancelRequest(argument: unknown): { dispatchId: string; taskIds?: number[] } {
  const { dispatchId, taskIds: ids, nodeId } = readObject(
    argument,
    {
      dispatchId: DISPATCH_ID,
      taskIds: field(optional(taskIds), '`taskIds` must be a list of task (node) numbers.'),
      nodeId: field(optional(unknownValue), ''),
    },
    '{ dispatchId, taskIds? }',
  );
  if (ids === undefined && typeof nodeId === 'number' && (argument as { kind?: unknown }).kind === 'task') return { dispatchId, taskIds: [nodeId] };
  return { dispatchId, taskIds: ids };
}

/** `covalent.stopTriggers`: `{ dispatchIds }` (a single `dispatchId` from a row works too). */
export function readDispatchIds(argument: unknown): string[] {
  if (typeof argument === 'object' && argument !== null && !('dispatchIds' in argument)) return [readDispatchId(argument)];
  const { dispatchIds } = readObject(argument, { dispatchIds: field(array(nonEmpty), '`dispatchIds` must be a non-empty list of dispatch ids.') }, '{ dispatchIds }');
  if (!dispatchIds.length) throw new ArgumentError('`dispatchIds` must be a non-empty list of dispatch ids.');
  return dispatchIds;
}

/** `covalent.filterDispatches`: `{ search?, status? }`. */
export function readFilter(argument: unknown): { search?: string; status?: DispatchStatus } {
  return readObject(
    argument,
    {
      search: field(optional(string), 'filterDispatches: "search" must be text.'),
      status: field(optional(literal<DispatchStatus>(DISPATCH_STATUSES, 'a status')), `filterDispatches: "status" must be one of ${DISPATCH_STATUSES.join(', ')}.`),
    },
    '{ search?, status? }',
  );
}

/** `covalent.configureServer`: `{ address }`. */
export function readAddress(argument: unknown): string {
  return readObject(argument, { address: field(nonEmpty, 'Expected `address`: the server address, e.g. http://localhost:48008.') }, '{ address }').address;
}

/** `covalent.useServer`: `{ name }` (from covalent.servers) or `{ address }`. */
export function readServerChoice(argument: unknown): ServerChoice {
  const { name, address } = readObject(
    argument,
    {
      name: field(optional(nonEmpty), '`name` must be the name of a server in the covalent.servers setting.'),
      address: field(optional(nonEmpty), '`address` must be a server address, e.g. https://covalent.example.org.'),
    },
    '{ name } or { address }',
  );
  if (name !== undefined && address === undefined) return { name };
  if (address !== undefined && name === undefined) return { address };
  throw new ArgumentError('covalent.useServer needs either { name } (a server of the covalent.servers setting) or { address }, not both.');
}

/** `covalent.setServerToken`: `{ address?, token }`; an empty token removes it. */
export function readToken(argument: unknown): { address?: string; token?: string } {
  const { address, token } = readObject(
    argument,
    {
      address: field(optional(nonEmpty), '`address` must be a server address.'),
      token: field(optional(string), '`token` must be text (empty removes it).'),
    },
    '{ address?, token }',
  );
  return { address, token: token?.trim() || undefined };
}

/** `covalent.renderValue`: `{ dispatchId, taskId?, value }` (`value`: `result`, `inputs` or `input:NAME`). */
export function readValueRequest(argument: unknown): { dispatchId: string; taskId?: number; value: ValueName } {
  const { dispatchId, taskId, value } = readObject(
    argument,
    {
      dispatchId: DISPATCH_ID,
      taskId: field(optional(unknownValue), ''),
      value: field(string, "Expected `value`: 'result', 'inputs' or 'input:NAME' (an input by its parameter name)."),
    },
    '{ dispatchId, taskId?, value }',
  );
  if (taskId !== undefined && !(typeof taskId === 'number' && Number.isInteger(taskId) && taskId >= 0)) {
    throw new ArgumentError('`taskId` must be the task\'s node id in the dispatch (a number), or absent for the workflow\'s value.');
  }
  if (!isValueName(value)) throw new ArgumentError(`\`value\` must be 'result', 'inputs' or 'input:NAME', not ${JSON.stringify(value).slice(0, 80)}.`);
  return { dispatchId, ...(taskId === undefined ? {} : { taskId }), value };
}
