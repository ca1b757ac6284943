import * as vscode from 'vscode';
import type { Core } from '../core';
import { messageOf } from '../util/errors';
import { matchingTask } from './replayPlan';
import { pictureExtension } from '../values/rendered';
import type { ValueService } from '../values/valueService';
import { valueAsText } from '../values/valueText';

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
    /** Results drawn (tables, arrays, pictures) beside their text; pictures side by side in a diff of their own. */
    private readonly values?: ValueService,
    private readonly picturesRoot?: vscode.Uri,
  ) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(TASK_VALUES_SCHEME, this);
  }

  /** Opens the diff: this dispatch's task on the left, the other dispatch's on the right. Resolves with both documents' URIs. */
  async compare(dispatchId: string, otherDispatchId: string, taskId: number): Promise<{ left: vscode.Uri; right: vscode.Uri; pictures?: { left: vscode.Uri; right: vscode.Uri } }> {
    const [manifest, other] = await Promise.all([this.manifest(dispatchId), this.manifest(otherDispatchId)]);
    const node = manifest.nodes.get(taskId);
    const match = matchingTask(manifest, taskId, other);
    const left = this.uriOf(dispatchId, taskId, node?.name ?? `task ${taskId}`);
    const right = this.uriOf(otherDispatchId, match.nodeId, match.name);
    const title = `${match.name}: ${dispatchId.slice(0, 8)} ↔ ${otherDispatchId.slice(0, 8)}`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false });
    const pictures = await this.comparePictures(dispatchId, taskId, otherDispatchId, match.nodeId, match.name).catch(() => undefined);
    return { left, right, ...(pictures ? { pictures } : {}) };
  }

  /** Two results that are pictures (figures, images): also side by side in VS Code's image diff. */
  private async comparePictures(dispatchId: string, taskId: number, otherDispatchId: string, otherTaskId: number, name: string): Promise<{ left: vscode.Uri; right: vscode.Uri } | undefined> {
    if (!this.values || !this.picturesRoot || !vscode.workspace.isTrusted) return undefined;
    const [mine, theirs] = await Promise.all([
      this.values.draw({ dispatchId, taskId, value: 'result' }),
      this.values.draw({ dispatchId: otherDispatchId, taskId: otherTaskId, value: 'result' }),
    ]);
    const files: vscode.Uri[] = [];
    for (const [drawn, id] of [
      [mine, dispatchId],
      [theirs, otherDispatchId],
    ] as const) {
      const bytes = drawn.value.kind === 'image' && drawn.value.id ? drawn.pictures.get(drawn.value.id) : undefined;
      if (!bytes || drawn.value.kind !== 'image') return undefined;
      const file = vscode.Uri.joinPath(this.picturesRoot, 'compare', `${name.replace(/[^A-Za-z0-9_-]+/g, '_')}-${id.slice(0, 8)}.${pictureExtension(drawn.value.mime)}`);
      await vscode.workspace.fs.writeFile(file, bytes);
      files.push(file);
    }
    const [left, right] = files;
    if (!left || !right) return undefined;
    await vscode.commands.executeCommand('vscode.diff', left, right, `${name}: ${dispatchId.slice(0, 8)} ↔ ${otherDispatchId.slice(0, 8)} (pictures)`, { preview: false });
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
      const drawn = await this.drawnResult(dispatchId, nodeId);
      if (drawn) lines.push('── Result, drawn ──', drawn, '');
      return lines.join('\n');
    } catch (error) {
      return `Task ${nodeId} of dispatch ${dispatchId} could not be read: ${messageOf(error)}\n`;
    }
  }

  /** The result as the panel draws it, in text (a table's rows, an array's shape), when it is more than text. */
  private async drawnResult(dispatchId: string, nodeId: number): Promise<string | undefined> {
    if (!this.values || !vscode.workspace.isTrusted) return undefined;
    try {
      const drawn = await this.values.draw({ dispatchId, taskId: nodeId, value: 'result' });
      return drawn.value.kind === 'text' || drawn.value.kind === 'missing' ? undefined : valueAsText(drawn.value);
    } catch {
      return undefined; // The text above is what the server recorded; the drawing is extra.
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
