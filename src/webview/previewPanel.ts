import * as path from 'path';
import * as vscode from 'vscode';
import { isBridgeError, type SourceFrame } from '../bridge/protocol';
import { fromPerson } from '../util/invocation';
import { notebookOf, showCell } from '../notebook/notebookCells';
import { currentText } from '../preview/graphPreviewer';
import { PREVIEW_MAX_NODES, type PreviewGraph, taskCount } from '../preview/previewGraph';
import { layoutInputOf, previewNodeView, summaryRows } from './previewView';
import { messageOf } from '../util/errors';
import { GraphPanel, type OwnMessage } from './graphPanel';
import { type GraphViewState, layoutOptionsKey } from './graphProtocol';
import { topologyKey } from './model';
import type { PreviewAction, PreviewHeader, PreviewProblem, PreviewState } from './previewProtocol';
import type { GraphLayout } from './protocol';
import type { PanelHost } from './panelHost';
import { Commands } from '../util/commandIds';

/** The lattice a preview shows. */
export interface PreviewTarget {
  readonly uri: vscode.Uri;
  readonly lattice: string;
}

export function previewKey(target: PreviewTarget): string {
  return `${target.uri.toString()}#${target.lattice}`;
}

const EMPTY_LAYOUT: GraphLayout = { width: 0, height: 0, nodes: [], edges: [] };

/**
 * One lattice's graph before any dispatch, on the result panel's page in its
 * preview mode: the graph as the bridge built it with the given inputs, no
 * statuses, each node linked to the function it runs. The Dispatch button
 * dispatches exactly what is shown (same file, lattice and inputs); Preview Again
 * and Change Inputs… build it again through `covalent.previewGraph`, which
 * updates this panel.
 */
export class PreviewPanel extends GraphPanel {
  private args: string;
  private state: PreviewState = 'building';
  private graph: PreviewGraph | undefined;
  private problem: PreviewProblem | undefined;
  /** Where each traceback frame of a failed build points (the page links them by index). */
  private frames: readonly SourceFrame[] = [];
  /** The workflow file's text the shown graph was built from. */
  private builtText: string | undefined;
  private layoutKey: string | undefined;
  private layout: GraphLayout | undefined;
  private buildRun = 0;

  constructor(owner: PanelHost, webviewPanel: vscode.WebviewPanel, readonly target: PreviewTarget, args: string, selectedNodeId?: number, restoredView?: GraphViewState) {
    super(owner, webviewPanel, `Graph preview of ${target.lattice}`, { mode: 'preview', selectedNodeId }, restoredView);
    this.args = args;
    webviewPanel.title = `Preview ${target.lattice}`;
    owner.layouts.warm();
  }

  get key(): string {
    return previewKey(this.target);
  }

  /** What the panel shows now (tests read the graph the bridge built). */
  get shown(): { readonly state: PreviewState; readonly args: string; readonly graph?: PreviewGraph } {
    return { state: this.state, args: this.args, graph: this.graph };
  }

  /** A build with these inputs started. Returns its number: only the newest build's outcome is shown. */
  building(args: string): number {
    this.args = args;
    this.state = 'building';
    this.problem = undefined;
    this.sendHeader();
    return ++this.buildRun;
  }

  /** No build of this panel started after `build` (a slower older build must not replace a newer one's graph). */
  isNewest(build: number): boolean {
    return build === this.buildRun;
  }

  /** The bridge built the graph: draw it (or its counts, when too big to draw). */
  show(graph: PreviewGraph, args: string, builtText: string | undefined): void {
    this.args = args;
    this.state = 'ready';
    this.problem = undefined;
    this.frames = [];
    this.graph = graph;
    this.builtText = builtText;
    this.sendGraph(true);
    this.sendHeader();
  }

  /** The build failed: say why where the graph would be; a traceback links to the user's frames. */
  failed(args: string, error: unknown): void {
    this.args = args;
    this.state = 'failed';
    this.graph = undefined;
    this.layoutKey = undefined;
    this.layout = undefined;
    this.cancelLayout();
    const frames = isBridgeError(error) ? (error.data.frames ?? []) : [];
    this.frames = frames;
    this.problem = {
      message: messageOf(error),
      traceback: isBridgeError(error, 'graphFailed') || isBridgeError(error, 'importFailed') ? error.data.traceback : undefined,
      frames: frames.map((frame) => `${placeText(frame.file, frame.line, frame.cell)} in ${frame.name}`),
    };
    this.post({ type: 'graph', layout: EMPTY_LAYOUT, tasks: [] });
    this.sendHeader();
  }

  /** The person called the build off (dismissed the inputs): show the graph there was, or close. */
  cancelled(previousArgs: string): void {
    if (!this.graph) {
      this.close();
      return;
    }
    this.args = previousArgs;
    this.state = 'ready';
    this.problem = undefined;
    this.sendGraph(true);
    this.sendHeader();
  }

  /** Test hook: the page clicks a header button, as a person would. */
  pressAction(action: PreviewAction): void {
    this.post({ type: 'pressPreviewAction', action });
  }

  /** What the page's "Go to source" does (tests call it too). */
  goToSource(nodeId: number): Promise<void> {
    return this.handle({ type: 'goToSource', nodeId });
  }

  /** What a click on a traceback frame does (tests call it too). */
  openFrame(index: number): Promise<void> {
    return this.handle({ type: 'openFrame', index });
  }

  protected pageReady(): void {
    if (this.state === 'failed') this.post({ type: 'graph', layout: EMPTY_LAYOUT, tasks: [] });
    else this.sendGraph(true);
    this.sendHeader();
  }

  protected relayout(): void {
    this.sendGraph(true);
  }

  protected override drawn(nodes: number, elapsedMs: number): void {
    if (nodes > 0) this.owner.services.output.info(`Graph preview of ${this.target.lattice}: ${nodes} nodes drawn (the page drew them in ${Math.round(elapsedMs)} ms).`);
  }

  protected pictureName(): string {
    return `${this.target.lattice}-preview`;
  }

  protected async handle(message: OwnMessage): Promise<void> {
    switch (message.type) {
      case 'select':
        this.sendNode(message.nodeId);
        return;
      case 'goToSource':
      case 'openSublattice':
        await this.revealSource(message.nodeId);
        return;
      case 'openFrame':
        await this.revealFrame(message.index);
        return;
      case 'previewAction':
        await this.run(message.action);
        return;
      case 'state':
      case 'showAll':
      case 'loadWorkflow':
      case 'loadCompare':
      case 'action':
      case 'drawValue':
      case 'valueAction':
      case 'valuePainted':
        return; // A dispatch's requests: a preview has no server data.
    }
  }

  private sendHeader(): void {
    const graph = this.graph;
    const header: PreviewHeader = {
      uri: this.target.uri.toString(),
      latticeName: this.target.lattice,
      file: vscode.workspace.asRelativePath(this.target.uri),
      args: this.args,
      state: this.state,
      ...(graph
        ? {
            nodes: graph.nodeCount,
            edges: graph.edgeCount,
            tasks: taskCount(graph),
            summary: summaryRows(graph),
            tooLarge: graph.truncated ? { nodes: graph.nodeCount, limit: PREVIEW_MAX_NODES } : undefined,
          }
        : {}),
      problem: this.problem,
    };
    this.post({ type: 'previewHeader', header });
  }

  /** Lays the graph out for the user's choices (once per shape and choices) and sends it without statuses. */
  private sendGraph(force: boolean): void {
    const graph = this.graph;
    if (!graph || graph.truncated) return;
    const input = layoutInputOf(graph);
    const key = `preview|${topologyKey(input)}|${layoutOptionsKey(this.graphControls.layoutOptions)}`;
    if (key === this.layoutKey && this.layout) {
      if (force) this.post({ type: 'graph', layout: this.layout, tasks: [] });
      return;
    }
    this.layoutKey = key;
    void this.layOutGraph(
      key,
      input,
      (layout) => {
        this.layout = layout;
        this.post({ type: 'graph', layout, tasks: [] });
      },
      () => (this.layoutKey = undefined),
    );
  }

  private sendNode(nodeId: number): void {
    const task = this.graph?.tasks.find((candidate) => candidate.nodeId === nodeId);
    const source = task?.source;
    const where = source?.file ? placeText(source.file, source.line, source.cell) : undefined;
    const node = this.graph && previewNodeView(this.graph, nodeId, where);
    if (node) this.post({ type: 'previewNode', node });
  }

  private async run(action: PreviewAction): Promise<void> {
    const argument = { uri: this.target.uri.toString(), lattice: this.target.lattice, args: this.args };
    switch (action) {
      case 'dispatch':
        await this.dispatchShown();
        return;
      case 'refresh':
        await vscode.commands.executeCommand(Commands.previewGraph, fromPerson('panel', argument));
        return;
      case 'changeInputs':
        await vscode.commands.executeCommand(Commands.previewGraph, fromPerson('panel', { ...argument, askForInputs: true }));
        return;
    }
  }

  /** Dispatches the file, lattice and inputs shown, then opens the dispatch's result. */
  private async dispatchShown(): Promise<void> {
    if (this.state !== 'ready') {
      void vscode.window.showInformationMessage(`Covalent: there is no graph of ${this.target.lattice} to dispatch yet. Preview it again first.`);
      return;
    }
    const now = await currentText(this.target.uri);
    if (this.builtText !== undefined && now !== undefined && now !== this.builtText) {
      const again = 'Preview Again';
      const anyway = 'Dispatch the File as It Is Now';
      const choice = await vscode.window.showWarningMessage(
        `${path.basename(this.target.uri.fsPath)} changed since this graph was built.`,
        { modal: true, detail: 'The dispatch would run the file as it is now, which may not be the graph shown.' },
        again,
        anyway,
      );
      if (choice === again) return this.run('refresh');
      if (choice !== anyway) return;
    }
    const dispatchId = await vscode.commands.executeCommand<string | undefined>(
      Commands.dispatch,
      fromPerson('panel', { uri: this.target.uri.toString(), lattice: this.target.lattice, args: this.args }),
    );
    if (dispatchId) this.owner.open(dispatchId);
  }

  /** Opens the function a node runs: where Python said it is defined, found by the source locator. */
  private async revealSource(nodeId: number): Promise<void> {
    const task = this.graph?.tasks.find((candidate) => candidate.nodeId === nodeId);
    const source = task?.source;
    if (!task || !source) {
      const what = task?.kind === 'parameter' ? 'an input value' : 'made by Covalent';
      void vscode.window.showInformationMessage(`Covalent: this node is ${what}, not a function in your code.`);
      return;
    }
    const file = source.file ? vscode.Uri.file(source.file) : this.target.uri;
    const found = await this.owner.services.locator.reveal(source.function, { preferred: [file], viewColumn: vscode.ViewColumn.One });
    if (found) return;
    if (source.file && source.line) {
      await this.openAt(file, source.line, source.cell);
      return;
    }
    void vscode.window.showWarningMessage(`Covalent: no definition of ${source.function} found in this workspace.`);
  }

  private async revealFrame(index: number): Promise<void> {
    const frame = this.frames[index];
    if (frame) await this.openAt(vscode.Uri.file(frame.file), frame.line, frame.cell);
  }

  /** Opens a file at a line, or a notebook at a line of one of its cells. */
  private async openAt(uri: vscode.Uri, line: number, cellIndex?: number): Promise<void> {
    const position = new vscode.Position(Math.max(0, line - 1), 0);
    const selection = new vscode.Range(position, position);
    if (cellIndex === undefined) {
      await vscode.window.showTextDocument(uri, { selection, viewColumn: vscode.ViewColumn.One });
      return;
    }
    const notebook = await notebookOf(uri);
    if (cellIndex < notebook.cellCount) await showCell(notebook.cellAt(cellIndex), selection, { viewColumn: vscode.ViewColumn.One });
  }
}

/** `pipeline/steps.py:10`, or `book.ipynb, cell 3:2` (cells numbered from 1, as the notebook editor shows them). */
function placeText(file: string, line: number | undefined, cellIndex: number | undefined): string {
  const cell = cellIndex === undefined ? '' : `, cell ${cellIndex + 1}`;
  return `${vscode.workspace.asRelativePath(file)}${cell}${line ? `:${line}` : ''}`;
}
