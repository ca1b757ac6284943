import * as vscode from 'vscode';
import { messageOf } from '../util/errors';
import { pictureExtension, VALUE_ROWS, type RenderedValue } from '../values/rendered';
import type { DrawnValue, ValueRequest } from '../values/valueRenderer';
import type { ValueService } from '../values/valueService';
import { type ExportFormat, loadingCode, saveChoices } from '../values/valueActions';
import type { HostMessage } from './protocol';
import type { ValueAddress, ValueWebviewMessage } from './valueProtocol';

/** The file extension of each picture type the panel writes. */

/**
 * One result panel's drawn values: it asks the value service, writes each
 * picture into the panel's own folder (a resource root of its page, so the
 * page's CSP needs no `data:` or `blob:`), answers the page, and does a value's
 * Save As… and Copy loading code. The folder goes with the panel.
 */
export class ValueChannel implements vscode.Disposable {
  private readonly folder: vscode.Uri;
  private pictures = 0;
  /** The last drawing of each value, by address: Save As… writes what was shown. */
  private readonly shown = new Map<string, DrawnValue>();

  constructor(
    private readonly webview: vscode.Webview,
    private readonly values: ValueService,
    private readonly dispatchId: string,
    private readonly serverAddress: () => string,
    /** The dispatch the Compare tab compares with: its values may be asked for too. */
    private readonly parentDispatchId: () => string | undefined,
    picturesRoot: vscode.Uri,
    private readonly post: (message: HostMessage) => void,
  ) {
    this.folder = vscode.Uri.joinPath(picturesRoot, `${dispatchId.slice(0, 8)}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
  }

  private readonly paintedEmitter = new vscode.EventEmitter<{ readonly nodeId: number | null; readonly value: string; readonly kind: string; readonly at: number }>();
  /** Fires when the page says a value is on screen (the benchmark listens). */
  readonly onDidPaint = this.paintedEmitter.event;

  /** The page's device pixel ratio, as its last request said. */
  private pixelRatio = 1;

  /**
   * A task was selected: its result is drawn now, while its details load, so the
   * page's own request (sent once the details are in) finds it done or under way.
   */
  prefetch(nodeId: number): void {
    void this.values.draw(this.request({ nodeId, value: 'result' }), this.drawOptions(undefined, false)).catch(() => undefined);
  }

  async received(message: ValueWebviewMessage): Promise<void> {
    if (message.type === 'valueAction') return this.act(message, message.action);
    if (message.type === 'valuePainted') {
      this.paintedEmitter.fire({ nodeId: message.nodeId, value: message.value, kind: message.kind, at: Date.now() });
      return;
    }
    const address: ValueAddress = { nodeId: message.nodeId, value: message.value, ...(message.dispatchId === undefined ? {} : { dispatchId: message.dispatchId }) };
    this.pixelRatio = message.pixelRatio;
    try {
      const drawn = await this.values.draw(this.request(address), this.drawOptions(message.offset, message.fetchLarge === true));
      this.shown.set(key(address), drawn);
      this.post({ type: 'drawnValue', ...address, requestId: message.requestId, offset: message.offset ?? 0, drawn: await this.place(drawn.value, drawn.pictures) });
    } catch (error) {
      this.post({ type: 'valueProblem', ...address, requestId: message.requestId, message: messageOf(error) });
    }
  }

  private drawOptions(offset: number | undefined, fetchLarge: boolean) {
    return { pixelRatio: this.pixelRatio, offset, rows: VALUE_ROWS, fetchLarge };
  }

  private request(address: ValueAddress): ValueRequest {
    const other = address.dispatchId;
    if (other !== undefined && other !== this.dispatchId && other !== this.parentDispatchId()) throw new Error(`dispatch ${other} is not this panel's or its parent's`);
    return { dispatchId: other ?? this.dispatchId, ...(address.nodeId === null ? {} : { taskId: address.nodeId }), value: address.value };
  }

  /** The value with each picture written to a file and named by its webview URI. */
  private async place(value: RenderedValue, pictures: ReadonlyMap<string, Uint8Array>): Promise<RenderedValue> {
    if (value.kind === 'image' && value.id) {
      const bytes = pictures.get(value.id);
      if (!bytes) return value;
      const file = vscode.Uri.joinPath(this.folder, `${++this.pictures}.${pictureExtension(value.mime)}`);
      await vscode.workspace.fs.writeFile(file, bytes);
      return { ...value, src: this.webview.asWebviewUri(file).toString() };
    }
    if (value.kind === 'mapping') {
      const entries = await Promise.all(value.entries.map(async (entry) => ({ ...entry, value: await this.place(entry.value, pictures) })));
      return { ...value, entries };
    }
    return value;
  }

  private async act(address: ValueAddress, action: 'saveAs' | 'copyLoadingCode'): Promise<void> {
    const request = this.request(address);
    if (action === 'copyLoadingCode') {
      await vscode.env.clipboard.writeText(loadingCode(request, this.serverAddress()));
      void vscode.window.setStatusBarMessage('Copied the code that loads this value', 3000);
      return;
    }
    try {
      await this.saveAs(address, request);
    } catch (error) {
      void vscode.window.showErrorMessage(`Covalent: the value could not be saved: ${messageOf(error)}`);
    }
  }

  private async saveAs(address: ValueAddress, request: ValueRequest): Promise<void> {
    const drawn = this.shown.get(key(address));
    const choices = saveChoices(drawn?.value);
    const picked = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: 'Save the value as' });
    if (!picked) return;
    const base = `${request.value.replace(/[^A-Za-z0-9_-]+/g, '_')}-${this.dispatchId.slice(0, 8)}${request.taskId === undefined ? '' : `-task${request.taskId}`}`;
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${base}.${picked.extension}`), filters: { [picked.label]: [picked.extension] } });
    if (!target) return;
    if (picked.format === 'picture' || picked.format === 'pickle') {
      const bytes = picked.format === 'pickle' ? await this.values.pickle(request) : drawn?.value.kind === 'image' && drawn.value.id ? drawn.pictures.get(drawn.value.id) : undefined;
      if (!bytes) throw new Error('the server has no such value');
      await vscode.workspace.fs.writeFile(target, bytes);
    } else {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Covalent: writing ${picked.label}…`, cancellable: true }, (_progress, token) =>
        this.values.export(request, picked.format as ExportFormat, target.fsPath, token),
      );
    }
    void vscode.window.setStatusBarMessage(`Saved ${vscode.workspace.asRelativePath(target)}`, 3000);
  }

  dispose(): void {
    this.shown.clear();
    this.paintedEmitter.dispose();
    void Promise.resolve(vscode.workspace.fs.delete(this.folder, { recursive: true, useTrash: false })).catch(() => undefined);
  }
}

function key(address: ValueAddress): string {
  return `${address.dispatchId ?? ''}|${address.nodeId ?? 'workflow'}|${address.value}`;
}
