import type { ReplayFrame, ReplayOutcome } from '../bridge/protocol';
import type { DispatchManifest, ManifestNode } from '../covalent/manifest';

/**
 * What replaying a task decides before any Python runs, and how its outcome
 * reads: which nodes are tasks, how much the recorded inputs weigh, whether a
 * local failure is the server's failure. No `vscode` here: it tests in plain Node.
 */

/** A node that cannot be replayed, or a dispatch without it: the message says what to do instead. */
export class ReplayRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayRefused';
  }
}

/** Covalent names the nodes it makes itself with a leading colon: `:parameter:`, `:postprocess:`, `:sublattice:`… */
const MADE_BY_COVALENT = /^:([a-z_]+):/;

/** The task `nodeId` of the dispatch, or why it cannot run here. */
export function replayableTask(manifest: DispatchManifest, nodeId: number): ManifestNode {
  const node = manifest.nodes.get(nodeId);
  if (!node) {
    const tasks = [...manifest.nodes.values()].filter((candidate) => !MADE_BY_COVALENT.test(candidate.name));
    const listed = tasks.slice(0, 12).map((task) => `${task.nodeId} ${task.name}`);
    throw new ReplayRefused(
      `Dispatch ${manifest.dispatchId} has no task ${nodeId}` + (listed.length ? ` (its tasks: ${listed.join(', ')}${tasks.length > listed.length ? ', …' : ''}).` : '.'),
    );
  }
  const kind = MADE_BY_COVALENT.exec(node.name)?.[1];
  switch (kind) {
    case undefined:
      return node;
    case 'parameter':
      throw new ReplayRefused(
        `Node ${nodeId} of dispatch ${manifest.dispatchId} is a parameter (a value the workflow passes to its tasks: ${node.name.slice(':parameter:'.length)}), not a task: replay a task that takes it.`,
      );
    case 'postprocess':
      throw new ReplayRefused(
        `Node ${nodeId} of dispatch ${manifest.dispatchId} is the workflow's post-processing (Covalent rebuilds the lattice's result from its tasks' results there), not a task: replay one of its tasks.`,
      );
    case 'sublattice': {
      const sub = node.subDispatchId ? ` Open its dispatch ${node.subDispatchId} and replay its tasks.` : ' Its tasks run in a dispatch of their own once it has started: replay those.';
      throw new ReplayRefused(`Node ${nodeId} of dispatch ${manifest.dispatchId} is the sublattice ${node.name.slice(':sublattice:'.length)}, a workflow of its own, not one task.${sub}`);
    }
    default:
      throw new ReplayRefused(`Node ${nodeId} of dispatch ${manifest.dispatchId} (${node.name}) is made by Covalent to assemble values, not a function of your code: replay the task that uses it.`);
  }
}

/** Bytes the task's recorded inputs take: its parents' outputs (a parameter's value when it has no output). */
export function inputBytes(manifest: DispatchManifest, nodeId: number): number {
  let total = 0;
  // Edges of `wait_for` order tasks and carry no value.
  const parents = new Set(manifest.links.filter((link) => link.target === nodeId && link.name !== '!waiting_edge').map((link) => link.source));
  for (const parent of parents) {
    const node = manifest.nodes.get(parent);
    total += node?.assets.output?.size || node?.assets.value?.size || 0;
  }
  return total;
}

/** The `Type: message` line a Python traceback ends with. */
export function lastErrorLine(text: string): string {
  const lines = text.trim().split('\n').map((line) => line.trim()).filter(Boolean);
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index] ?? '';
    if (/^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b/.test(line) || /^[A-Za-z_][\w.]*: /.test(line)) return line;
  }
  return lines[lines.length - 1] ?? '';
}

/** A failure here is the server's failure when both end with the same exception and message. */
export function sameErrorAsServer(localError: string, serverError: string | undefined): boolean {
  if (!serverError) return false;
  const local = lastErrorLine(localError);
  return local !== '' && lastErrorLine(serverError) === local;
}

/** The frame to open for a failure: the deepest one in the user's own files (not installed libraries). */
export function userFrame(frames: readonly ReplayFrame[] | undefined, isUserFile: (file: string) => boolean): ReplayFrame | undefined {
  const own = (frames ?? []).filter((frame) => isUserFile(frame.file));
  return own[own.length - 1] ?? frames?.[frames.length - 1];
}

/** Files of installed libraries, never the user's. */
export function isLibraryFile(file: string): boolean {
  return /[\\/](site-packages|dist-packages|lib[\\/]python\d+(\.\d+)?)[\\/]/.test(file);
}

/** The public API's answer for a finished run. */
export interface RunTaskResult {
  readonly status: 'completed' | 'failed';
  /** The result in the server's string form (`str` of the value). */
  readonly result?: string;
  readonly error?: string;
  /** Completed: the same result as the server's; failed: the same exception and message as on the server. */
  readonly sameAsServer?: boolean;
  readonly traceback?: string;
  /** Where a failure was raised: the deepest frame in the user's own files. */
  readonly location?: { readonly file: string; readonly line: number };
  /** Where the function came from: the workspace's current source, or the one the server stored. */
  readonly functionFrom: 'workspace' | 'stored';
  /** The task's status on the server. */
  readonly serverStatus: string;
}

export function runTaskResult(outcome: ReplayOutcome, functionFrom: 'workspace' | 'stored', serverStatus: string, serverError: string | undefined): RunTaskResult {
  if (outcome.status === 'completed') return { status: 'completed', result: outcome.result ?? '', sameAsServer: outcome.sameAsServer ?? false, functionFrom, serverStatus };
  const error = outcome.error ?? 'the task failed';
  const frame = userFrame(outcome.frames, (file) => !isLibraryFile(file));
  return {
    status: 'failed',
    error,
    traceback: outcome.traceback,
    location: frame ? { file: frame.file, line: frame.line } : undefined,
    sameAsServer: sameErrorAsServer(error, serverError),
    functionFrom,
    serverStatus,
  };
}

/** One line for a notification: what happened and how it compares with the server. */
export function outcomeSummary(taskName: string, result: RunTaskResult, where?: string): string {
  const serverStatus = result.serverStatus;
  const cut = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…` : text);
  if (result.status === 'completed') {
    const comparison = result.sameAsServer ? 'the same as on the server' : serverStatus === 'COMPLETED' ? "different from the server's result" : `on the server it ${serverStatus.toLowerCase().replace(/_/g, ' ')}`;
    return `${taskName} ran here with the recorded inputs: ${cut(result.result ?? '')} (${comparison}).`;
  }
  const comparison = result.sameAsServer ? 'the same error as on the server' : serverStatus === 'FAILED' ? 'the server failed differently' : `on the server it ${serverStatus.toLowerCase().replace(/_/g, ' ')}`;
  return `${taskName} failed here with the recorded inputs: ${cut(result.error ?? '')}${where ? ` at ${where}` : ''} (${comparison}).`;
}

/**
 * The same task in another dispatch of the workflow: the node with the same id
 * and name, else the one with that name at the same place among the tasks of
 * that name (a graph that grew or shrank moves node ids).
 */
export function matchingTask(manifest: DispatchManifest, nodeId: number, other: DispatchManifest): ManifestNode {
  const node = manifest.nodes.get(nodeId);
  if (!node) throw new ReplayRefused(`Dispatch ${manifest.dispatchId} has no task ${nodeId}.`);
  const same = other.nodes.get(nodeId);
  if (same?.name === node.name) return same;
  const named = (from: DispatchManifest) => [...from.nodes.values()].filter((candidate) => candidate.name === node.name).sort((a, b) => a.nodeId - b.nodeId);
  const occurrence = named(manifest).findIndex((candidate) => candidate.nodeId === nodeId);
  const match = named(other)[occurrence];
  if (!match) throw new ReplayRefused(`Dispatch ${other.dispatchId} has no task ${node.name}${occurrence > 0 ? ` (its ${occurrence + 1}th)` : ''} to compare with.`);
  return match;
}
