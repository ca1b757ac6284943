import * as path from 'path';
import * as vscode from 'vscode';
import {
  DEFAULT_VIEW_STATE,
  type GraphControl,
  type GraphExportData,
  type GraphExportFormat,
  type GraphHostMessage,
  type GraphLayoutOptions,
  type GraphViewState,
  type GraphWebviewMessage,
  layoutOptionsKey,
  layoutOptionsOf,
} from './graphProtocol';
import { pictureBytes } from './graphPicture';

/**
 * The graph part of a panel's conversation with its page: which layout the user
 * chose (the panel lays the graph out for it), pictures of the graph saved into
 * the workspace, and the hooks tests use to press the graph's controls. Knows
 * nothing about dispatches, so a panel showing any graph can use it.
 */
export interface GraphChannelHost {
  post(message: GraphHostMessage): void;
  /** The layout choices changed: lay the graph out again. */
  relayout(): void;
  /** File name (without extension) offered when saving a picture. */
  pictureName(): string;
  log(message: string): void;
}

export class GraphChannel {
  private view: GraphViewState;
  private pageSentView = false;
  private nextRequest = 1;
  private readonly pictures = new Map<number, { resolve(picture: GraphExportData): void; reject(error: Error): void }>();

  constructor(
    private readonly host: GraphChannelHost,
    restoredView?: GraphViewState,
  ) {
    this.view = restoredView ?? DEFAULT_VIEW_STATE;
  }

  get layoutOptions(): GraphLayoutOptions {
    return layoutOptionsOf(this.view);
  }

  /** The page is ready: a restored panel's view goes to a page that had none of its own. */
  ready(): void {
    if (!this.pageSentView && JSON.stringify(this.view) !== JSON.stringify(DEFAULT_VIEW_STATE)) this.host.post({ type: 'graphView', view: this.view });
  }

  received(message: GraphWebviewMessage): void {
    switch (message.type) {
      case 'graphView': {
        this.pageSentView = true;
        const relayout = layoutOptionsKey(message.view) !== layoutOptionsKey(this.view);
        this.view = message.view;
        if (relayout) this.host.relayout();
        return;
      }
      case 'exported': {
        const waiting = message.requestId !== undefined ? this.pictures.get(message.requestId) : undefined;
        if (waiting && message.requestId !== undefined) {
          this.pictures.delete(message.requestId);
          waiting.resolve(message);
        } else {
          void this.saveWithDialog(message).catch((error: unknown) => void vscode.window.showErrorMessage(`Covalent: the picture could not be saved: ${error instanceof Error ? error.message : String(error)}`));
        }
        return;
      }
    }
  }

  /** What the "Save the graph as …" buttons do: ask where (the workspace folder first), then write. */
  private async saveWithDialog(picture: GraphExportData): Promise<void> {
    const bytes = pictureBytes(picture);
    if (!bytes) throw new Error(`the page sent something that is not ${picture.format.toUpperCase()}`);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = `${this.host.pictureName()}.${picture.format}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: picture.format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: 'Save Graph',
      title: `Save the graph as ${picture.format.toUpperCase()}`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    this.host.log(`Graph saved as ${target.fsPath} (${bytes.length} bytes).`);
    const choice = await vscode.window.showInformationMessage(`Covalent: graph saved as ${path.basename(target.fsPath)}.`, 'Open');
    if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', target);
  }

  /**
   * Asks the page for a picture and writes it to `target` (a path, or relative
   * to the first workspace folder); returns the path written. Tests and other
   * callers use this instead of the save dialog.
   */
  async exportGraph(format: GraphExportFormat, target: string, timeoutMs = 60000): Promise<string> {
    const requestId = this.nextRequest++;
    const picture = await new Promise<GraphExportData>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pictures.delete(requestId);
        reject(new Error(`the graph's page did not make a ${format.toUpperCase()} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pictures.set(requestId, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject,
      });
      this.host.post({ type: 'exportGraph', requestId, format });
    });
    const bytes = pictureBytes(picture);
    if (!bytes || picture.format !== format) throw new Error(`the graph's page sent something that is not ${format.toUpperCase()}`);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = path.isAbsolute(target) || !folder ? vscode.Uri.file(target) : vscode.Uri.joinPath(folder, target);
    await vscode.workspace.fs.writeFile(uri, bytes);
    return uri.fsPath;
  }

  /** Test hooks: the page presses the control (or types the search, or drags the node) as a user would. */
  pressControl(control: GraphControl, value?: string): void {
    this.host.post({ type: 'pressControl', control, value });
  }

  findTask(query: string): void {
    this.host.post({ type: 'findTask', query });
  }

  dragNode(nodeId: number, dx: number, dy: number): void {
    this.host.post({ type: 'dragNode', nodeId, dx, dy });
  }

  dispose(): void {
    for (const waiting of this.pictures.values()) waiting.reject(new Error('the panel was closed'));
    this.pictures.clear();
  }
}
