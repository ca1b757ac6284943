import * as vscode from 'vscode';
import type { Core } from '../core';
import { messageOf } from '../util/errors';
import { matchingTask } from './replayPlan';

/** The scheme of the read-only documents that show one task's recorded values. */
export const TASK_VALUES_SCHEME = 'covalent-task';

const SECTIONS = [
  ['inputs', 'Inputs'],
  ['result', 'Result'],
  ['stdout', 'Stdout'],
  ['error', 'Error'],
] as const;

/**
 * Compare a task across dispatches: VS Code's diff editor on two read-only
 * documents of our own scheme, each the task's inputs, result, stdout (and error)
 * as one dispatch recorded them, read through that server's client.
 */
export class TaskCompare implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly core: Pick<Core, 'servers'>,
    private readonly serverOf: (dispatchId: string) => string,
  ) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(TASK_VALUES_SCHEME, this);
  }

  /** Opens the diff: this dispatch's task on the left, the other dispatch's on the right. Resolves with both documents' URIs. */
  async compare(dispatchId: string, otherDispatchId: string, taskId: number): Promise<{ left: vscode.Uri; right: vscode.Uri }> {
    const [manifest, other] = await Promise.all([this.manifest(dispatchId), this.manifest(otherDispatchId)]);
    const node = manifest.nodes.get(taskId);
    const match = matchingTask(manifest, taskId, other);
    const left = this.uriOf(dispatchId, taskId, node?.name ?? `task ${taskId}`);
    const right = this.uriOf(otherDispatchId, match.nodeId, match.name);
    const title = `${match.name}: ${dispatchId.slice(0, 8)} ↔ ${otherDispatchId.slice(0, 8)}`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false });
    return { left, right };
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, dispatchId = '', node = '', name = ''] = uri.path.split('/');
    const nodeId = Number(node);
    const reader = this.core.servers.client(new URLSearchParams(uri.query).get('server') ?? this.serverOf(dispatchId)).details;
    try {
      const manifest = await reader.manifest(dispatchId);
      const status = manifest.nodes.get(nodeId)?.status;
      const values = await Promise.all(SECTIONS.map(([field]) => reader.fullValue(dispatchId, nodeId, field)));
      const lines = [`${decodeURIComponent(name.replace(/\.txt$/, ''))} · task ${nodeId} of dispatch ${dispatchId}${status ? ` · ${status}` : ''}`, ''];
      SECTIONS.forEach(([, title], index) => {
        const value = values[index];
        if (title === 'Error' && !value?.text && !value?.unavailable) return;
        lines.push(`── ${title} ──`);
        lines.push(value?.unavailable ? `(not available: ${value.unavailable})` : value?.text ? value.text.replace(/\n$/, '') : '(none)');
        if (value?.truncated) lines.push(`… (cut: ${value.totalBytes ?? '?'} bytes in all)`);
        lines.push('');
      });
      return lines.join('\n');
    } catch (error) {
      return `Task ${nodeId} of dispatch ${dispatchId} could not be read: ${messageOf(error)}\n`;
    }
  }

  private manifest(dispatchId: string) {
    return this.core.servers.client(this.serverOf(dispatchId)).details.manifest(dispatchId);
  }

  private uriOf(dispatchId: string, nodeId: number, name: string): vscode.Uri {
    return vscode.Uri.from({
      scheme: TASK_VALUES_SCHEME,
      path: `/${dispatchId}/${nodeId}/${encodeURIComponent(name)}.txt`,
      query: new URLSearchParams({ server: this.serverOf(dispatchId) }).toString(),
    });
  }

  dispose(): void {
    this.registration.dispose();
  }
}
