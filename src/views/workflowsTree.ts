import * as vscode from 'vscode';
import { fromPerson } from '../util/invocation';
import type { WorkflowIndex, WorkspaceLattice } from '../languageClient/types';
import type { LatticeTarget } from '../languageServer/protocol';
import { Commands, Views } from '../util/commandIds';

/**
 * The Workflows view: every lattice in the workspace's Python files and
 * notebooks, grouped by file, from the language server's workspace symbols. A
 * lattice row opens its definition (a notebook at the lattice's cell);
 * module-level lattices have an inline Dispatch (its argument is the row itself,
 * which carries `{ uri, lattice }`).
 */
export type WorkflowsTreeElement = WorkflowFileElement | WorkflowLatticeElement;

export interface WorkflowFileElement {
  readonly type: 'file';
  readonly uri: vscode.Uri;
  readonly lattices: readonly WorkflowLatticeElement[];
}

export interface WorkflowLatticeElement extends LatticeTarget {
  readonly type: 'lattice';
  readonly symbol: WorkspaceLattice;
}

/** `viewItem` values the package.json menus use. */
export const WorkflowItemContexts = {
  file: 'workflowFile',
  dispatchable: 'workflow.dispatchable',
  notDispatchable: 'workflow',
} as const;

export class WorkflowsTree implements vscode.TreeDataProvider<WorkflowsTreeElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkflowsTreeElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private files: Promise<WorkflowFileElement[]> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly view: vscode.TreeView<WorkflowsTreeElement>;

  constructor(private readonly detection: WorkflowIndex) {
    this.view = vscode.window.createTreeView(Views.workflows, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(this.view, detection.onDidChangeWorkflows(() => this.refresh()));
  }

  refresh(): void {
    this.files = undefined;
    this.changed.fire(undefined);
  }

  /** The files and their lattices as the view shows them now (tests read this). */
  fileElements(): Promise<WorkflowFileElement[]> {
    this.files ??= this.load();
    return this.files;
  }

  async getChildren(element?: WorkflowsTreeElement): Promise<WorkflowsTreeElement[]> {
    if (!element) return this.fileElements();
    return element.type === 'file' ? [...element.lattices] : [];
  }

  getTreeItem(element: WorkflowsTreeElement): vscode.TreeItem {
    if (element.type === 'file') {
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(element.uri, true), vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = element.uri;
      item.iconPath = vscode.ThemeIcon.File;
      item.contextValue = WorkflowItemContexts.file;
      item.tooltip = element.uri.fsPath;
      return item;
    }
    const { symbol } = element;
    const item = new vscode.TreeItem(symbol.name, vscode.TreeItemCollapsibleState.None);
    const notes = [symbol.kind === 'sublattice' ? 'sublattice' : '', symbol.container ? `in ${symbol.container}` : ''].filter(Boolean);
    item.description = notes.join(', ') || undefined;
    item.iconPath = new vscode.ThemeIcon(symbol.kind === 'sublattice' ? 'type-hierarchy-sub' : 'symbol-module');
    item.contextValue = isDispatchable(symbol) ? WorkflowItemContexts.dispatchable : WorkflowItemContexts.notDispatchable;
    const line = symbol.selectionRange.start.line + 1;
    const where = symbol.cell === undefined ? `${vscode.workspace.asRelativePath(symbol.uri)}:${line}` : `${vscode.workspace.asRelativePath(symbol.uri)}, cell ${symbol.cell + 1}, line ${line}`;
    item.tooltip = isDispatchable(symbol) ? `Lattice ${symbol.name} — ${where}` : `${symbol.name} cannot be dispatched on its own: only module-level lattices can.`;
    // A notebook opens at the lattice's cell, which only Go to Source knows how to do.
    item.command =
      symbol.cell === undefined
        ? { title: 'Go to Definition', command: 'vscode.open', arguments: [symbol.uri, { selection: symbol.selectionRange } satisfies vscode.TextDocumentShowOptions] }
        : { title: 'Go to Definition', command: Commands.goToSource, arguments: [element] };
    return item;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async load(): Promise<WorkflowFileElement[]> {
    let lattices: WorkspaceLattice[];
    try {
      lattices = await this.detection.workspaceLattices();
    } catch (error) {
      this.view.message = `Could not list the workflows: ${error instanceof Error ? error.message : String(error)}`;
      return [];
    }
    const byFile = new Map<string, WorkflowLatticeElement[]>();
    for (const symbol of lattices) {
      const key = symbol.uri.toString();
      // A row's inline Dispatch passes the row itself: a person's click.
      const element = fromPerson<WorkflowLatticeElement>('tree', { type: 'lattice', uri: key, lattice: symbol.name, symbol });
      byFile.set(key, [...(byFile.get(key) ?? []), element]);
    }
    this.view.message = byFile.size === 0 ? 'No Covalent lattices in this workspace’s Python files.' : undefined;
    return [...byFile.entries()]
      .map(([file, elements]): WorkflowFileElement => ({ type: 'file', uri: elements[0]?.symbol.uri ?? vscode.Uri.parse(file), lattices: elements }))
      .sort((a, b) => vscode.workspace.asRelativePath(a.uri).localeCompare(vscode.workspace.asRelativePath(b.uri)));
  }
}

function isDispatchable(symbol: WorkspaceLattice): boolean {
  return symbol.kind === 'lattice' && symbol.moduleLevel;
}
