import * as vscode from 'vscode';
import * as path from 'path';
import type { DispatchStore } from '../store/dispatchStore';
import type { StatusPoller } from '../live/statusPoller';
import { type DispatchState, isTerminal, type TaskState } from '../store/types';
import { dispatchRuntime, formatDuration, humanStatus, isRunning, isUserTask, statusIcon, taskDuration } from './format';
import { inlineCode } from './markdown';
import { electronHover } from './tooltips';
import { type SourceLocator, TASK_KINDS, type WorkflowSymbol } from '../languageClient/sourceLocator';
import type { LatticeContribution } from '../languageClient/types';
import { LatticeCommands } from '../languageServer/protocol';
import { workflowFileKey } from '../notebook/notebookCells';
import { DYNAMIC_CODE, tracebackFrames, unplacedFunctions, withFrameFiles } from '../covalent/tracebacks';
import { Commands } from '../util/commandIds';

/**
 * Live status in the Python editor and in notebook cells, for dispatches the
 * editor made:
 * - CodeLenses above each lattice: Redispatch… once it has dispatches, and its last
 *   dispatch's status and runtime;
 * - after each electron's `def`, its last status and duration (live while running);
 * - a failed task's error as a diagnostic at its electron, cleared when it succeeds.
 * Dispatches are kept per file (a cell's are its notebook's); lattice and
 * electron positions come from the source locator, in the cell that defines them.
 */

export class EditorStatus implements vscode.Disposable {
  // The language client's own collection is named after its id, 'covalent'.
  readonly diagnostics = vscode.languages.createDiagnosticCollection('covalent-tasks');
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  /** What each visible editor shows after its electrons, by document (a cell's own URI): read by tests and the hover. */
  readonly inlineStatus = new Map<string, { line: number; text: string }[]>();
  /** Graphs this view keeps fresh: the last dispatch of each lattice the editor dispatched. */
  private readonly watchers = new Map<string, { dispose(): void }>();
  private renderTimer: NodeJS.Timeout | undefined;
  private rendering: Promise<void> | undefined;
  private renderAgain = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: DispatchStore,
    private readonly poller: StatusPoller,
    private readonly locator: SourceLocator,
  ) {
    this.disposables.push(
      this.diagnostics,
      this.lensesChanged,
      this.decoration,
      store.onDidChange((change) => {
        if (change.kind !== 'connection') this.scheduleRender();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleRender()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === 'python' && this.hasDispatches(event.document.uri)) this.scheduleRender(300);
      }),
    );
    this.scheduleRender();
  }

  /** Renders now and resolves when lenses, decorations and diagnostics are up to date (tests use it). */
  async renderNow(): Promise<void> {
    clearTimeout(this.renderTimer);
    this.renderTimer = undefined;
    if (this.rendering) {
      this.renderAgain = true;
      await this.rendering;
    }
    this.rendering = this.render().finally(() => (this.rendering = undefined));
    await this.rendering;
    if (this.renderAgain) {
      this.renderAgain = false;
      await this.renderNow();
    }
  }

  private scheduleRender(delayMs = 100): void {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      void this.renderNow().catch((error) => console.error('Covalent: editor status failed', error));
    }, delayMs);
  }

  private hasDispatches(uri: vscode.Uri): boolean {
    const key = workflowFileKey(uri.toString());
    return this.store.all().some((dispatch) => dispatch.origin?.fileUri === key);
  }

  /** The editor's dispatches grouped by file, then lattice; newest first in each. */
  private dispatchesByFile(): Map<string, Map<string, DispatchState[]>> {
    const byFile = new Map<string, Map<string, DispatchState[]>>();
    for (const dispatch of this.store.all()) {
      const file = dispatch.origin?.fileUri;
      const lattice = dispatch.origin?.latticeName;
      if (!file || !lattice) continue;
      let byLattice = byFile.get(file);
      if (!byLattice) byFile.set(file, (byLattice = new Map<string, DispatchState[]>()));
      const list = byLattice.get(lattice) ?? [];
      list.push(dispatch);
      byLattice.set(lattice, list);
    }
    return byFile;
  }

  private async render(): Promise<void> {
    const byFile = this.dispatchesByFile();
    this.updateWatchers(byFile);
    const visibleFiles = new Set(vscode.window.visibleTextEditors.map((editor) => workflowFileKey(editor.document.uri.toString())));
    let runningInView = false;
    for (const [file, byLattice] of byFile) {
      if (!visibleFiles.has(file)) continue;
      for (const [last] of byLattice.values()) if (last && isRunning(last.status)) runningInView = true;
    }
    this.poller.setDemand('editor', runningInView);

    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.languageId !== 'python') continue;
      const file = editor.document.uri.toString();
      const byLattice = byFile.get(workflowFileKey(file));
      if (!byLattice) {
        editor.setDecorations(this.decoration, []);
        this.inlineStatus.delete(file);
        continue;
      }
      const symbols = await this.locator.symbols(editor.document);
      const decorations = this.electronDecorations(editor.document, symbols, byLattice);
      editor.setDecorations(this.decoration, decorations);
      this.inlineStatus.set(file, decorations.map((decoration) => ({ line: decoration.range.start.line, text: decoration.renderOptions?.after?.contentText ?? '' })));
    }
    await this.renderDiagnostics(byFile);
    this.lensesChanged.fire();
  }

  /** Watches the graph of each lattice's last dispatch (and last finished one), releases the rest. */
  private updateWatchers(byFile: Map<string, Map<string, DispatchState[]>>): void {
    const wanted = new Set<string>();
    for (const byLattice of byFile.values()) {
      for (const dispatches of byLattice.values()) {
        if (dispatches[0]) wanted.add(dispatches[0].dispatchId);
        const finished = dispatches.find((dispatch) => isTerminal(dispatch.status));
        if (finished) wanted.add(finished.dispatchId);
      }
    }
    for (const [id, watcher] of this.watchers) {
      if (wanted.has(id)) continue;
      watcher.dispose();
      this.watchers.delete(id);
    }
    for (const id of wanted) if (!this.watchers.has(id)) this.watchers.set(id, this.store.watchGraph(id));
  }

  /** Each electron's tasks in the last dispatch that ran it: worst status, total time. */
  private electronDecorations(document: vscode.TextDocument, symbols: WorkflowSymbol[], byLattice: Map<string, DispatchState[]>): vscode.DecorationOptions[] {
    const latest = [...byLattice.values()].flatMap((dispatches) => dispatches.slice(0, 1)).sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
    const decorations: vscode.DecorationOptions[] = [];
    const electrons = new Map(symbols.filter((symbol) => symbol.kind !== 'lattice').map((symbol) => [symbol.name, symbol.selectionRange]));
    // Tasks the language server has not reported (yet): their `def` by name.
    for (const dispatch of latest) {
      for (const task of this.store.graph(dispatch.dispatchId)?.tasks ?? []) {
        if (!isUserTask(task) || electrons.has(task.name)) continue;
        const range = this.locator.taskRange(document, [], task.name);
        if (range) electrons.set(task.name, range);
      }
    }
    for (const [name, range] of electrons) {
      for (const dispatch of latest) {
        const tasks = (this.store.graph(dispatch.dispatchId)?.tasks ?? []).filter((task) => isUserTask(task) && task.name === name);
        if (tasks.length === 0) continue;
        const line = range.start.line;
        decorations.push({
          range: new vscode.Range(line, Number.MAX_SAFE_INTEGER, line, Number.MAX_SAFE_INTEGER),
          renderOptions: { after: { contentText: electronSummary(tasks, isTerminal(dispatch.status)) } },
          hoverMessage: new vscode.MarkdownString(electronHover(dispatch.dispatchId, tasks)),
        });
        break;
      }
    }
    return decorations;
  }

  /** Failed tasks of each lattice's last finished dispatch, at their electrons (in a notebook, in the cell that defines them). */
  private async renderDiagnostics(byFile: Map<string, Map<string, DispatchState[]>>): Promise<void> {
    const byDocument = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const [file, byLattice] of byFile) {
      const uri = vscode.Uri.parse(file);
      for (const dispatches of byLattice.values()) {
        const finished = dispatches.find((dispatch) => isTerminal(dispatch.status));
        if (!finished) continue;
        const errors = this.store.taskErrors(finished.dispatchId);
        if (errors.length === 0) continue;
        const lattice = finished.origin?.latticeName;
        const latticeLocation = lattice ? await this.locator.locateIn(uri, lattice, ['lattice']) : undefined;
        for (const error of errors) {
          const location = (await this.locator.locateIn(uri, error.taskName, TASK_KINDS)) ?? latticeLocation ?? new vscode.Location(uri, new vscode.Range(0, 0, 0, 0));
          const { text, related } = await this.placedTraceback(uri, error.text);
          const diagnostic = new vscode.Diagnostic(location.range, diagnosticMessage(error.taskName, finished.dispatchId, text, error.executor), vscode.DiagnosticSeverity.Error);
          diagnostic.source = 'Covalent';
          diagnostic.code = finished.dispatchId;
          if (related.length > 0) diagnostic.relatedInformation = related;
          const key = location.uri.toString();
          const entry = byDocument.get(key) ?? { uri: location.uri, diagnostics: [] };
          entry.diagnostics.push(diagnostic);
          byDocument.set(key, entry);
        }
      }
    }
    for (const { uri, diagnostics } of byDocument.values()) this.diagnostics.set(uri, diagnostics);
    this.diagnostics.forEach((uri) => {
      if (!byDocument.has(uri.toString())) this.diagnostics.delete(uri);
    });
  }

  /**
   * A server's traceback with each frame of code shipped by value (`<dynamic-code>`
   * since cloudpickle 3.1.3) naming the file where the language server finds that
   * function — the dispatch's own file first — and the frames in the workspace's
   * files (named so, or named by the server) as related locations, so Problems links them.
   */
  private async placedTraceback(uri: vscode.Uri, text: string): Promise<{ text: string; related: vscode.DiagnosticRelatedInformation[] }> {
    const places = new Map<string, vscode.Uri>();
    for (const name of unplacedFunctions(text)) {
      const location = (await this.locator.locateIn(uri, name)) ?? (await this.locator.locate(name, { preferred: [uri] }));
      if (location) places.set(name, location.uri);
    }
    const related: vscode.DiagnosticRelatedInformation[] = [];
    for (const frame of tracebackFrames(text)) {
      const place = frame.file === DYNAMIC_CODE ? places.get(frame.name) : path.isAbsolute(frame.file) ? vscode.Uri.file(frame.file) : undefined;
      if (!place || (place.scheme === 'file' && !vscode.workspace.getWorkspaceFolder(place))) continue;
      related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(place, new vscode.Position(Math.max(0, frame.line - 1), 0)), `${frame.name}, line ${frame.line}`));
    }
    const files = new Map([...places].map(([name, place]) => [name, place.scheme === 'file' ? place.fsPath : place.toString()]));
    return { text: places.size ? withFrameFiles(text, files) : text, related };
  }

  /**
   * Redispatch… and the last dispatch's status above each lattice, and the status
   * in its hover, given through the language client so they sit on the same line
   * as the dispatch lenses.
   */
  latticeContribution(): LatticeContribution {
    return {
      onDidChange: this.lensesChanged.event,
      lenses: (target) => {
        const last = this.store.forLattice(target.uri, target.lattice)[0];
        if (!last) return [];
        const runtime = formatDuration(dispatchRuntime(last));
        return [
          { title: 'Redispatch…', command: LatticeCommands.redispatch, arguments: [target] },
          {
            title: `$(${statusIcon(last.status)}) last dispatch ${humanStatus(last.status)}${runtime ? ` · ${runtime}` : ''}`,
            tooltip: `Dispatch ${last.dispatchId}: open its result`,
            command: Commands.openResult,
            arguments: [{ dispatchId: last.dispatchId }],
          },
        ];
      },
      hover: (target) => {
        const last = this.store.forLattice(target.uri, target.lattice)[0];
        if (!last) return undefined;
        const runtime = formatDuration(dispatchRuntime(last));
        return `Last dispatch: ${humanStatus(last.status)}${runtime ? ` · ${runtime}` : ''} (${inlineCode(last.dispatchId)})`;
      },
    };
  }

  dispose(): void {
    clearTimeout(this.renderTimer);
    for (const watcher of this.watchers.values()) watcher.dispose();
    this.watchers.clear();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function diagnosticMessage(taskName: string, dispatchId: string, text: string, executor: string | undefined): string {
  const lines = text.trim().split('\n');
  const summary = lines[lines.length - 1] || `${taskName} failed`;
  return `${taskName} failed in dispatch ${dispatchId}: ${summary}\n\n${executor ? `It ran on ${executor}.\n\n` : ''}${text.trim()}`;
}

function electronSummary(tasks: readonly TaskState[], dispatchFinished: boolean): string {
  const order = ['FAILED', 'POSTPROCESSING_FAILED', 'CANCELLED', 'RUNNING', 'DISPATCHING', 'STARTING', 'PENDING_REUSE', 'PENDING_REPLACEMENT', 'NEW_OBJECT', 'COMPLETED'];
  const worst = [...tasks].sort((a, b) => rank(a.status) - rank(b.status))[0];
  function rank(status: string): number {
    const index = order.indexOf(status);
    return index < 0 ? order.length : index;
  }
  if (!worst) return '';
  if (worst.status === 'NEW_OBJECT') return dispatchFinished ? '○ not run' : '… waiting';
  const total = tasks.reduce((sum, task) => sum + (taskDuration(task) ?? 0), 0);
  const mark = worst.status === 'COMPLETED' ? '✓' : worst.status.includes('FAILED') ? '✗' : isTerminal(worst.status) ? '○' : '…';
  const count = tasks.length > 1 ? `${tasks.length}× ` : '';
  const reused = tasks.every((task) => task.reused) ? ' · reused' : '';
  const duration = total > 0 ? ` · ${formatDuration(total)}` : '';
  return `${mark} ${count}${humanStatus(worst.status)}${duration}${reused}`;
}
