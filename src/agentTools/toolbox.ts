import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { UnknownDispatchError } from '../covalent/errors';
import type { DispatchManifest, ManifestNode } from '../covalent/manifest';
import { DetailsError } from '../covalent/resultDetails';
import type { ValueText } from '../covalent/values';
import type { AgentBackend, WorkflowLocation } from './backend';
import type { AgentToolName } from './catalog';

/**
 * The agent tools' behaviour, for any host: reads the model's input, calls the
 * backend, and answers with one JSON object. Bad input and failures are answered
 * as `{ "error": "…" }` in words that say what to do next, never thrown.
 * No `vscode` here: the MCP server is built from this too.
 */

export type ToolAnswer = Readonly<Record<string, unknown>>;

/** Characters of one value given to a model before it is cut (its size is said). */
export const VALUE_CHARS = 4000;
/** Tasks listed by covalent_getDispatch before the list is cut (failed and running first). */
export const TASKS_LISTED = 200;
/** Failed tasks whose errors covalent_getDispatch reads. */
const ERRORS_READ = 20;
/** How long covalent_cancel waits for the server to say CANCELLED. */
const CANCEL_WAIT_MS = 15000;

/** Input the model got wrong: the message says how to put it right. */
export class ToolInputError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'POSTPROCESSING_FAILED']);

export async function answerTool(name: AgentToolName, input: unknown, backend: AgentBackend): Promise<ToolAnswer> {
  try {
    return await TOOLS[name](fields(input), backend);
  } catch (error) {
    if (error instanceof ToolInputError) return { error: error.message };
    return { error: backend.explain(error) };
  }
}

type Fields = Readonly<Record<string, unknown>>;
const TOOLS: Record<AgentToolName, (input: Fields, backend: AgentBackend) => Promise<ToolAnswer>> = {
  covalent_listWorkflows: listWorkflows,
  covalent_previewGraph: previewGraph,
  covalent_dispatch: dispatch,
  covalent_getDispatch: getDispatch,
  covalent_getTask: getTask,
  covalent_redispatch: redispatch,
  covalent_cancel: cancel,
  covalent_runTaskLocally: runTaskLocally,
};

async function listWorkflows(_input: Fields, backend: AgentBackend): Promise<ToolAnswer> {
  const workflows = await backend.workflows();
  return {
    workflows: workflows.map((workflow) => ({
      file: shownPath(workflow.path, backend.workspaceFolder),
      lattice: workflow.lattice,
      line: workflow.line,
      ...(workflow.cell !== undefined ? { cell: workflow.cell + 1 } : {}),
      parameters: workflow.parameters ?? [],
    })),
  };
}

async function previewGraph(input: Fields, backend: AgentBackend): Promise<ToolAnswer> {
  const target = await latticeOf(input, backend);
  const graph = await backend.preview({ ...target, args: optionalString(input, 'args') ?? '' });
  if (graph.truncated) {
    return {
      nodes: [],
      edges: [],
      nodeCount: graph.nodeCount,
      edgeCount: graph.edgeCount,
      note: `The graph has ${graph.nodeCount} nodes, too many to list; its electrons and how many times each runs are in "summary".`,
      summary: graph.summary.map((row) => ({ name: row.name, kind: row.kind, count: row.count })),
    };
  }
  return {
    nodes: graph.tasks.map((task) => ({
      id: task.nodeId,
      name: task.name,
      kind: task.kind,
      ...(task.source?.file ? { file: shownPath(task.source.file, backend.workspaceFolder) } : {}),
      ...(task.source?.line !== undefined ? { line: task.source.line } : {}),
      ...(task.source?.cell !== undefined ? { cell: task.source.cell + 1 } : {}),
    })),
    edges: graph.edges.map((edge) => ({ source: edge.source, target: edge.target, ...(edge.label ? { label: edge.label } : {}) })),
  };
}

async function dispatch(input: Fields, backend: AgentBackend): Promise<ToolAnswer> {
  const target = await latticeOf(input, backend);
  const executor = optionalString(input, 'executor');
  const dispatchId = await backend.dispatch({ ...target, args: optionalString(input, 'args') ?? '', ...(executor ? { executor } : {}) });
  return { dispatchId, server: backend.serverOf(dispatchId) };
}

async function getDispatch(input: Fields, backend: AgentBackend): Promise<ToolAnswer> {
  const dispatchId = dispatchIdOf(input);
  const server = backend.serverOf(dispatchId);
  const reader = backend.reader(server);
  const manifest = await manifestOf(reader, dispatchId, server);
  const nodes = [...manifest.nodes.values()].filter(isTask);
  const ordered = [...nodes].sort((a, b) => rank(a) - rank(b) || a.nodeId - b.nodeId);
  const listed = ordered.slice(0, TASKS_LISTED);
  const failed = listed.filter((node) => node.status === 'FAILED').slice(0, ERRORS_READ);
  const errors = new Map(await Promise.all(failed.map(async (node) => [node.nodeId, await reader.taskError(dispatchId, node.nodeId).catch(() => undefined)] as const)));
  const status = manifest.status ?? 'UNKNOWN';
  const workflow = TERMINAL.has(status) ? await reader.workflow(dispatchId).catch(() => undefined) : undefined;
  const result = status === 'COMPLETED' ? workflow?.fields.result : undefined;
  const error = workflow?.fields.error.text ? workflow.fields.error : undefined;
  return {
    dispatchId,
    status,
    lattice: manifest.name ?? null,
    server,
    tasks: listed.map((node) => {
      const taskError = errors.get(node.nodeId);
      return { id: node.nodeId, name: node.name, status: node.status ?? 'NEW_OBJECT', ...(taskError ? { error: cut(taskError) } : {}) };
    }),
    ...(ordered.length > listed.length ? { tasksTotal: ordered.length, note: `${listed.length} of ${ordered.length} tasks listed: failed and running first.` } : {}),
    ...(result ? { result: valueOf(result) } : {}),
    ...(error ? { error: valueOf(error) } : {}),
  };
}

async function getTask(input: Fields, backend: AgentBackend): Promise<ToolAnswer> {
  const dispatchId = dispatchIdOf(input);
  const taskId = taskIdOf(input);
  const server = backend.serverOf(dispatchId);
  const reader = backend.reader(server);
  const manifest = await manifestOf(reader, dispatchId, server);
  const node = manifest.nodes.get(taskId);
  if (!node) throw new ToolInputError(`Dispatch ${dispatchId} has no task ${taskId}. Its tasks are ${taskList(manifest)}.`);
  let details;
  try {
    details = await reader.task(dispatchId, taskId);
  } catch (error) {
    if (error instanceof DetailsError) throw new ToolInputError(error.message);
    throw error;
  }
  const present = (field: 'result' | 'stdout' | 'stderr' | 'error') => {
    const value = details.fields[field];
    return value.text || value.truncated ? { [field]: valueOf(value) } : {};
  };
  // Covalent 0.240 leaves a task's error empty and puts the traceback in its stderr: taskError reads both.
  const failure = node.status === 'FAILED' && !details.fields.error.text ? await reader.taskError(dispatchId, taskId).catch(() => undefined) : undefined;
  const current = await backend.currentSource(functionNameOf(node.name), dispatchId).catch(() => undefined);
  const stored = details.fields.source;
  const source = current
    ? { source: cut(current.text), sourceFile: `${shownPath(current.path, backend.workspaceFolder)}:${current.line}` }
    : stored.text
      ? { source: valueOf(stored), sourceFile: 'not found in the workspace: this is the source the server stored' }
      : {};
  return {
    id: taskId,
    name: node.name,
    status: node.status ?? 'NEW_OBJECT',
    inputs: valueOf(details.fields.inputs),
    ...present('result'),
    ...present('stdout'),
    ...present('stderr'),
    ...(failure ? { error: cut(failure) } : present('error')),
    ...source,
  };
}

async function redispatch(input: Fields, backend: AgentBackend): Promise<ToolAnswer> {
  const dispatchId = dispatchIdOf(input);
  const file = optionalString(input, 'file');
  const replaceElectrons = replacementsOf(input);
  const reuse = input.reusePreviousResults;
  if (reuse !== undefined && typeof reuse !== 'boolean') throw new ToolInputError('"reusePreviousResults" must be true or false.');
  const filePath = file ? await existingFile(file, backend) : undefined;
  await manifestOf(backend.reader(backend.serverOf(dispatchId)), dispatchId, backend.serverOf(dispatchId));
  const newId = await backend.redispatch({
    dispatchId,
    ...(filePath ? { path: filePath } : {}),
    ...(replaceElectrons ? { replaceElectrons } : {}),
    ...(reuse !== undefined ? { reusePreviousResults: reuse } : {}),
    ...(optionalString(input, 'args') !== undefined ? { args: optionalString(input, 'args') } : {}),
  });
  return { dispatchId: newId, server: backend.serverOf(newId) };
}

async function cancel(input: Fields, backend: AgentBackend): Promise<ToolAnswer> {
  const dispatchId = dispatchIdOf(input);
  const server = backend.serverOf(dispatchId);
  const reader = backend.reader(server);
  const before = await manifestOf(reader, dispatchId, server);
  if (before.status && TERMINAL.has(before.status)) return { dispatchId, status: before.status, note: `Dispatch ${dispatchId} had already ended (${before.status}): nothing to cancel.` };
  await backend.cancel(dispatchId);
  const deadline = Date.now() + CANCEL_WAIT_MS;
  let status = before.status ?? 'UNKNOWN';
  while (Date.now() < deadline) {
    status = (await manifestOf(reader, dispatchId, server)).status ?? status;
    if (TERMINAL.has(status)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { dispatchId, status, ...(TERMINAL.has(status) ? {} : { note: 'Cancel was requested; the server has not stopped every task yet. Read it again with covalent_getDispatch.' }) };
}

async function runTaskLocally(input: Fields, backend: AgentBackend): Promise<ToolAnswer> {
  const dispatchId = dispatchIdOf(input);
  const taskId = taskIdOf(input);
  const server = backend.serverOf(dispatchId);
  const manifest = await manifestOf(backend.reader(server), dispatchId, server);
  const node = manifest.nodes.get(taskId);
  if (!node || !isTask(node) || node.name.startsWith(':')) throw new ToolInputError(`Dispatch ${dispatchId} has no task ${taskId} to run. Its tasks are ${taskList(manifest)}.`);
  const outcome = await backend.runTaskLocally(dispatchId, taskId);
  return {
    status: outcome.status,
    ...(outcome.result !== undefined ? { result: cut(outcome.result) } : {}),
    ...(outcome.error !== undefined ? { error: cut(outcome.error) } : {}),
    ...(outcome.sameAsServer !== undefined ? { sameAsServer: outcome.sameAsServer } : {}),
    ...(outcome.traceback ? { traceback: cut(outcome.traceback) } : {}),
    ...(outcome.location ? { location: { file: shownPath(outcome.location.file, backend.workspaceFolder), line: outcome.location.line } } : {}),
    functionFrom: outcome.functionFrom,
    serverStatus: outcome.serverStatus,
  };
}

// ---- Reading the model's input

function fields(input: unknown): Fields {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new ToolInputError('The input must be a JSON object, such as {"dispatchId": "…"}.');
  return input as Fields;
}

function requiredString(input: Fields, key: string, example: string): string {
  const value = input[key];
  if (typeof value !== 'string' || !value.trim()) throw new ToolInputError(`"${key}" is missing: give it as a string, such as ${example}.`);
  return value.trim();
}

function optionalString(input: Fields, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ToolInputError(`"${key}" must be a string.`);
  return value;
}

function dispatchIdOf(input: Fields): string {
  const dispatchId = requiredString(input, 'dispatchId', '"4ec8b431-d437-4bf6-b364-f37a4ef5c082"');
  if (!UUID.test(dispatchId)) throw new ToolInputError(`"${dispatchId}" is not a Covalent dispatch id: ids are UUIDs such as 4ec8b431-d437-4bf6-b364-f37a4ef5c082, as covalent_dispatch answers them.`);
  return dispatchId.toLowerCase();
}

function taskIdOf(input: Fields): number {
  const value = typeof input.taskId === 'string' && /^\d+$/.test(input.taskId) ? Number(input.taskId) : input.taskId;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new ToolInputError('"taskId" must be a task\'s node id, a whole number such as 3 (the "id" of a task in covalent_getDispatch\'s answer).');
  return value;
}

function replacementsOf(input: Fields): Record<string, string> | undefined {
  const value = input.replaceElectrons;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ToolInputError('"replaceElectrons" must be an object of task name → electron name, such as {"task_2": "task_2"}.');
  const entries = Object.entries(value as Record<string, unknown>);
  const wrong = entries.find(([, electron]) => typeof electron !== 'string' || !electron);
  if (wrong) throw new ToolInputError(`"replaceElectrons"."${wrong[0]}" must name an electron of the file, as a string.`);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The file and lattice of a request: the file must exist and hold that lattice at module level. */
async function latticeOf(input: Fields, backend: AgentBackend): Promise<{ path: string; lattice: string }> {
  const file = await existingFile(requiredString(input, 'file', '"workflows/flow.py"'), backend);
  const lattice = requiredString(input, 'lattice', '"workflow"');
  const inFile = (await backend.workflows()).filter((workflow) => samePath(workflow.path, file));
  // Only the workspace's files are indexed: one outside it is checked by importing it (the bridge names what is missing).
  const indexed = backend.workspaceFolder !== undefined && shownPath(file, backend.workspaceFolder) !== file;
  if (indexed && !inFile.some((workflow) => workflow.lattice === lattice)) {
    const shown = shownPath(file, backend.workspaceFolder);
    throw new ToolInputError(
      inFile.length
        ? `${shown} has no module-level lattice named "${lattice}". Its lattices are: ${inFile.map(describeLattice).join(', ')}.`
        : `${shown} has no module-level @ct.lattice function. covalent_listWorkflows lists the workspace's workflows.`,
    );
  }
  return { path: file, lattice };
}

async function existingFile(file: string, backend: AgentBackend): Promise<string> {
  const resolved = resolvePath(file, backend.workspaceFolder);
  if (!resolved) throw new ToolInputError(`"${file}" is a relative path, and there is no workspace folder to read it from: give an absolute path.`);
  const stat = await fs.promises.stat(resolved).catch(() => undefined);
  if (!stat?.isFile()) throw new ToolInputError(`There is no file ${file} (looked at ${resolved}). covalent_listWorkflows lists the workspace's workflow files.`);
  return resolved;
}

/** `file` as an absolute path: a file URI, an absolute path, or a path relative to the workspace folder. */
export function resolvePath(file: string, workspaceFolder: string | undefined): string | undefined {
  if (/^file:/i.test(file)) return fileURLToPath(file);
  if (path.isAbsolute(file)) return path.normalize(file);
  return workspaceFolder ? path.join(workspaceFolder, file) : undefined;
}

/** A path as the model is shown it: relative to the workspace folder when inside it. */
export function shownPath(file: string, workspaceFolder: string | undefined): string {
  if (!workspaceFolder) return file;
  const relative = path.relative(workspaceFolder, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

function samePath(a: string, b: string): boolean {
  return path.normalize(a) === path.normalize(b);
}

function describeLattice(workflow: WorkflowLocation): string {
  return `${workflow.lattice}(${(workflow.parameters ?? []).join(', ')})`;
}

// ---- Reading the server

/** The dispatch as the server has it now (a model reads again to see progress: no cached copy). */
async function manifestOf(reader: AgentBackendReader, dispatchId: string, server: string): Promise<DispatchManifest> {
  reader.forget(dispatchId);
  try {
    return await reader.manifest(dispatchId);
  } catch (error) {
    if (error instanceof UnknownDispatchError) throw new ToolInputError(`The server ${server} has no dispatch ${dispatchId}. Check the id (covalent_dispatch and covalent_redispatch answer the ids they made).`);
    throw error;
  }
}
type AgentBackendReader = ReturnType<AgentBackend['reader']>;

/** Nodes a person would call tasks: not the parameters Covalent adds for inputs. */
function isTask(node: ManifestNode): boolean {
  return !node.name.startsWith(':parameter:');
}

/** Failed first, then running, then the rest. */
function rank(node: ManifestNode): number {
  if (node.status === 'FAILED') return 0;
  if (node.status === 'RUNNING') return 1;
  return 2;
}

function taskList(manifest: DispatchManifest): string {
  const tasks = [...manifest.nodes.values()].filter((node) => isTask(node));
  const shown = tasks.slice(0, 30).map((node) => `${node.nodeId} (${node.name})`);
  return tasks.length > shown.length ? `${shown.join(', ')} and ${tasks.length - shown.length} more` : shown.join(', ') || 'none';
}

/** The Python function a node runs: `:sublattice:shifted` runs `shifted`. */
function functionNameOf(nodeName: string): string {
  return nodeName.startsWith(':sublattice:') ? nodeName.slice(':sublattice:'.length) : nodeName;
}

function valueOf(value: ValueText): string {
  if (value.unavailable) return `(could not be read: ${value.unavailable})`;
  const text = cut(value.text);
  if (!value.truncated) return text;
  return `${text}… [cut: ${value.totalBytes !== undefined ? `${value.totalBytes} bytes in all` : 'longer on the server'}]`;
}

/** A long text cut to `VALUE_CHARS`, its length said. */
export function cut(text: string, limit = VALUE_CHARS): string {
  return text.length > limit ? `${text.slice(0, limit)}… [cut: ${text.length} characters in all]` : text;
}
