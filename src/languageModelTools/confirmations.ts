import { resolvePath, shownPath } from '../agentTools/toolbox';
import type { AgentToolName } from '../agentTools/catalog';

/**
 * What the person is asked before a tool runs work or changes a server: the
 * lattice or dispatch, the inputs, and the server, in words. No `vscode` here:
 * the registration turns it into chat's confirmation.
 */
export interface Confirmation {
  readonly title: string;
  /** Markdown. */
  readonly message: string;
  /** Shown while the tool runs. */
  readonly progress: string;
}

export interface ConfirmationContext {
  readonly workspaceFolder: string | undefined;
  /** The server a dispatch is on (or, without one, where a dispatch goes). */
  serverOf(dispatchId?: string): string;
  /** What the editor knows of a dispatch: its lattice's name. */
  latticeOf(dispatchId: string): string | undefined;
}

type Input = Readonly<Record<string, unknown>>;

export function confirmationOf(name: AgentToolName, input: Input, context: ConfirmationContext): Confirmation | undefined {
  const text = (key: string) => {
    const value = input[key];
    return typeof value === 'string' ? value : undefined;
  };
  const taskId = typeof input.taskId === 'number' || typeof input.taskId === 'string' ? String(input.taskId) : '?';
  const code = (value: string) => `\`${value.replace(/`/g, "'")}\``;
  const inputs = (args: string | undefined, none: string) => (args?.trim() ? `with the inputs ${code(args.trim())}` : none);
  const file = (value: string | undefined) => (value ? code(shownPath(resolvePath(value, context.workspaceFolder) ?? value, context.workspaceFolder)) : 'the file it came from');
  const dispatchId = text('dispatchId') ?? '';
  const known = dispatchId ? context.latticeOf(dispatchId) : undefined;
  const dispatch = `dispatch ${code(dispatchId)}${known ? ` (${code(known)})` : ''}`;
  switch (name) {
    case 'covalent_dispatch': {
      const lattice = text('lattice') ?? '?';
      const executor = text('executor');
      return {
        title: `Dispatch ${lattice}?`,
        message:
          `Dispatch the lattice ${code(lattice)} of ${file(text('file'))} ${inputs(text('args'), 'with no inputs')} to the Covalent server ${code(context.serverOf())}` +
          `${executor ? `, every task on the executor ${code(executor)}` : ''}. This imports the file with the workspace's Python interpreter.`,
        progress: `Dispatching ${lattice}…`,
      };
    }
    case 'covalent_redispatch': {
      const replacements = input.replaceElectrons && typeof input.replaceElectrons === 'object' ? Object.entries(input.replaceElectrons as Record<string, unknown>) : [];
      const replacing = replacements.length ? `, replacing ${replacements.map(([task, electron]) => `${code(task)} with the electron ${code(String(electron))}`).join(', ')} from ${file(text('file'))}` : '';
      const reuse = input.reusePreviousResults === true ? ', reusing the results of tasks that did not change' : input.reusePreviousResults === false ? ', running every task again' : '';
      return {
        title: 'Redispatch?',
        message: `Redispatch ${dispatch} to the Covalent server ${code(context.serverOf(dispatchId))} ${inputs(text('args'), 'with its previous inputs')}${replacing}${reuse}.`,
        progress: 'Redispatching…',
      };
    }
    case 'covalent_cancel':
      return { title: 'Cancel the dispatch?', message: `Cancel ${dispatch} on the Covalent server ${code(context.serverOf(dispatchId))}: its running tasks are stopped.`, progress: 'Cancelling…' };
    case 'covalent_runTaskLocally':
      return {
        title: 'Run the task here?',
        message: `Run task ${code(taskId)} of ${dispatch} (server ${code(context.serverOf(dispatchId))}) on this machine, in the workspace's Python interpreter, with the inputs the server recorded and the electron's current source.`,
        progress: `Running task ${taskId} here…`,
      };
    default:
      return undefined;
  }
}
