import * as vscode from 'vscode';
import { fromPerson } from '../util/invocation';
import type { DispatchStore } from '../store/dispatchStore';
import { sameAddress } from '../covalent/servers';
import type { StatusPoller } from '../live/statusPoller';
import { isTerminal, type TaskState } from '../store/types';
import { executorLabel } from '../executors/describe';
import {
  dispatchDescription,
  dispatchLabel,
  formatDuration,
  humanStatus,
  isRunning,
  statusColor,
  statusIcon,
  taskDuration,
} from './format';
import { dispatchTooltip, taskTooltip } from './tooltips';
import { showMoreLabel, TaskPaging, taskIndexOf } from './taskPages';
import type { ResultPreviews } from '../store/resultPreviews';
import { Commands, Views } from '../util/commandIds';

/** What a row of the Dispatches tree stands for. */
export type DispatchTreeNode =
  | { readonly kind: 'dispatch'; readonly dispatchId: string }
  | { readonly kind: 'task'; readonly dispatchId: string; readonly nodeId: number }
  /** Below a dispatch's page of task rows: shows the next page. */
  | { readonly kind: 'moreTasks'; readonly dispatchId: string }
  | { readonly kind: 'loadMore' }
  | { readonly kind: 'info'; readonly text: string };

const GRAPH_WAIT_MS = 10000;

/**
 * The Dispatches tree: the server's list (newest first, paged) plus what the
 * editor dispatched and the server has not listed yet. Reads only the store;
 * loading goes through `StatusPoller`.
 */
export class DispatchesTree implements vscode.TreeDataProvider<DispatchTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DispatchTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<DispatchTreeNode>;
  /** Graph watchers of expanded dispatches, released when they collapse. */
  private readonly expanded = new Map<string, { dispose(): void }>();
  private readonly nodes = new Map<string, DispatchTreeNode>();
  /** How many task rows each dispatch shows; kept across redraws. */
  private readonly paging = new TaskPaging();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: DispatchStore,
    poller: StatusPoller,
    private readonly server: () => { readonly address: string; readonly label: string },
    /** A finished task's short result, for its tooltip (read on hover). */
    private readonly results?: ResultPreviews,
  ) {
    this.view = vscode.window.createTreeView(Views.dispatches, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility((event) => poller.setDemand('tree', event.visible)),
      this.view.onDidCollapseElement((event) => {
        if (event.element.kind !== 'dispatch') return;
        this.expanded.get(event.element.dispatchId)?.dispose();
        this.expanded.delete(event.element.dispatchId);
      }),
      store.onDidChange((change) => {
        // The message says whether the server answers: keep it in step with the status bar.
        if (change.kind === 'connection') this.updateMessage();
        this.scheduleRefresh();
      }),
    );
    poller.setDemand('tree', this.view.visible);
    this.serverChanged();
  }

  /** The active server changed (or its name): the title says which, the rows are its own. */
  serverChanged(): void {
    this.view.description = this.server().label;
    this.scheduleRefresh();
  }

  /** Many store changes arrive per tick: redraw once. */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.updateMessage();
      this.changed.fire(undefined);
    }, 50);
  }

  /** Errors show above the rows, which stay as they were: a bad answer never empties the tree. */
  private updateMessage(): void {
    const listing = this.store.listing;
    const filter = [listing.filter.search && `"${listing.filter.search}"`, listing.filter.status && humanStatus(listing.filter.status)].filter(Boolean).join(', ');
    const problem = this.store.connection === 'offline' || this.store.connection === 'unauthorized' ? this.store.connectionError : listing.error;
    const parts: string[] = [];
    if (problem) parts.push(`⚠ ${problem}`);
    if (filter) parts.push(`Filtered by ${filter}.`);
    this.view.message = parts.length ? parts.join(' ') : undefined;
  }

  getTreeItem(node: DispatchTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'dispatch':
        return this.dispatchItem(node.dispatchId);
      case 'task':
        return this.taskItem(node.dispatchId, node.nodeId);
      case 'moreTasks':
        return this.moreTasksItem(node);
      case 'loadMore': {
        const listing = this.store.listing;
        const item = new vscode.TreeItem(listing.total !== undefined ? `Load more… (${listing.dispatchIds.length} of ${listing.total})` : 'Load more…');
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: Commands.loadMoreDispatches, title: 'Load more' };
        item.contextValue = 'loadMore';
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon('info');
        item.tooltip = node.text; // Long notices (a slow server) are cut in the row.
        return item;
      }
    }
  }

  async getChildren(node?: DispatchTreeNode): Promise<DispatchTreeNode[]> {
    if (!node) return this.rootNodes();
    if (node.kind !== 'dispatch') return [];
    const graph = await this.graphOf(node.dispatchId);
    if (!graph) return [{ kind: 'info', text: this.store.connectionError ?? this.store.graphProblem(node.dispatchId)?.message ?? 'Tasks are not available yet.' }];
    const index = taskIndexOf(graph);
    if (index.ordered.length === 0) return [{ kind: 'info', text: 'No tasks yet.' }];
    // Failed tasks first, then running ones, then the rest; a page at a time.
    const page = index.page(this.paging.shown(node.dispatchId));
    const rows: DispatchTreeNode[] = page.tasks.map((task) => this.node({ kind: 'task', dispatchId: node.dispatchId, nodeId: task.nodeId }));
    if (page.remaining > 0) rows.push(this.node({ kind: 'moreTasks', dispatchId: node.dispatchId }));
    return rows;
  }

  getParent(node: DispatchTreeNode): DispatchTreeNode | undefined {
    return node.kind === 'task' || node.kind === 'moreTasks' ? this.node({ kind: 'dispatch', dispatchId: node.dispatchId }) : undefined;
  }

  /** The "Show more" row's click: one page more of the dispatch's tasks. Answers how many task rows it shows now. */
  showMoreTasks(dispatchId: string): number {
    const graph = this.store.graph(dispatchId);
    const shown = this.paging.showMore(dispatchId, graph ? taskIndexOf(graph).ordered.length : undefined);
    this.changed.fire(this.node({ kind: 'dispatch', dispatchId }));
    return shown;
  }

  /** The rows at the top: dispatches the editor made on the active server that its list lacks, then the list. */
  rootNodes(): DispatchTreeNode[] {
    const listing = this.store.listing;
    const listed = new Set(listing.dispatchIds);
    const search = listing.filter.search?.toLowerCase();
    const active = this.server().address;
    const ownUnlisted = this.store
      .all()
      .filter((dispatch) => dispatch.origin !== undefined && !listed.has(dispatch.dispatchId) && sameAddress(dispatch.origin.serverAddress, active))
      .filter((dispatch) => !listing.filter.status || dispatch.status === listing.filter.status)
      .filter((dispatch) => !search || dispatchLabel(dispatch).toLowerCase().includes(search) || dispatch.dispatchId.includes(search))
      // The list is fresh: an own dispatch missing from it is older than its first page or deleted.
      .filter((dispatch) => !listing.loadedAt || (dispatch.origin?.submittedAt ?? dispatch.createdAt ?? 0) > listing.loadedAt - 10000);
    const rows: DispatchTreeNode[] = [...ownUnlisted.map((dispatch) => dispatch.dispatchId), ...listing.dispatchIds]
      .filter((id) => this.store.get(id))
      .map((dispatchId) => this.node({ kind: 'dispatch', dispatchId }));
    if (listing.hasMore) rows.push(this.node({ kind: 'loadMore' }));
    return rows;
  }

  /** Expanding a dispatch watches its graph (the poller fetches it); waits for the first one. */
  private async graphOf(dispatchId: string) {
    if (!this.expanded.has(dispatchId)) this.expanded.set(dispatchId, this.store.watchGraph(dispatchId));
    const existing = this.store.graph(dispatchId);
    if (existing) return existing;
    return new Promise<ReturnType<DispatchStore['graph']>>((resolve) => {
      const timer = setTimeout(() => finish(), GRAPH_WAIT_MS);
      const subscription = this.store.onDidChange((change) => {
        if ((change.kind === 'graph' && change.dispatchId === dispatchId) || (change.kind === 'connection' && change.connection === 'offline')) finish();
      });
      const finish = () => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(this.store.graph(dispatchId));
      };
    });
  }

  private dispatchItem(dispatchId: string): vscode.TreeItem {
    const dispatch = this.store.get(dispatchId);
    if (!dispatch) return new vscode.TreeItem(dispatchId);
    const item = new vscode.TreeItem(dispatchLabel(dispatch), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = dispatchId;
    item.description = dispatchDescription(dispatch);
    item.iconPath = themeIcon(statusIcon(dispatch.status), statusColor(dispatch.status));
    item.tooltip = new vscode.MarkdownString(dispatchTooltip(dispatch, dispatch.origin?.fileUri ? vscode.Uri.parse(dispatch.origin.fileUri).fsPath : undefined));
    // `dispatch.running` / `dispatch.finished`: the context menu offers cancel only while it runs.
    item.contextValue = `dispatch.${isTerminal(dispatch.status) ? 'finished' : isRunning(dispatch.status) ? 'running' : 'saved'}${dispatch.origin?.fileUri ? '.hasSource' : ''}`;
    item.accessibilityInformation = { label: `${dispatchLabel(dispatch)}, ${humanStatus(dispatch.status)}, ${item.description}` };
    return item;
  }

  /** A finished task's tooltip gains its result when it is short (a number, a word), read on hover. */
  async resolveTreeItem(item: vscode.TreeItem, element: DispatchTreeNode): Promise<vscode.TreeItem> {
    if (element.kind !== 'task' || !this.results) return item;
    const task = this.taskOf(element.dispatchId, element.nodeId);
    if (task?.status !== 'COMPLETED' || task.kind === 'parameter') return item;
    const result = await this.results.preview(element.dispatchId, element.nodeId);
    if (result === undefined) return item;
    const error = this.store.taskError(element.dispatchId, element.nodeId);
    item.tooltip = new vscode.MarkdownString(taskTooltip(task, executorLabel(this.store.executor(element.dispatchId, element.nodeId), task.executor), error?.text, result));
    return item;
  }

  private taskItem(dispatchId: string, nodeId: number): vscode.TreeItem {
    const task = this.taskOf(dispatchId, nodeId);
    if (!task) return new vscode.TreeItem(`task ${nodeId}`);
    const item = new vscode.TreeItem(task.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${dispatchId}/${nodeId}`;
    item.description = taskDescription(task);
    item.iconPath = themeIcon(statusIcon(task.status), statusColor(task.status));
    const error = this.store.taskError(dispatchId, nodeId);
    const executor = executorLabel(this.store.executor(dispatchId, nodeId), task.executor);
    // Names and error text come from the server: escaped, and the Markdown is neither trusted nor HTML.
    item.tooltip = new vscode.MarkdownString(taskTooltip(task, executor, error?.text));
    item.contextValue = task.subDispatchId ? 'task.sublattice' : 'task';
    return item;
  }

  /** A task by node id: a map lookup (the graph's index is built once per graph), not a search per row. */
  private taskOf(dispatchId: string, nodeId: number) {
    const graph = this.store.graph(dispatchId);
    return graph ? taskIndexOf(graph).task(nodeId) : undefined;
  }

  private moreTasksItem(node: Extract<DispatchTreeNode, { kind: 'moreTasks' }>): vscode.TreeItem {
    const graph = this.store.graph(node.dispatchId);
    const remaining = graph ? taskIndexOf(graph).remaining(this.paging.shown(node.dispatchId)) : 0;
    const label = remaining > 0 ? showMoreLabel(remaining) : 'Show more tasks';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.dispatchId}/moreTasks`;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    // A click or Enter runs it; the row itself is the argument (a person's click).
    item.command = { command: Commands.showMoreTasks, title: 'Show more tasks', arguments: [node] };
    item.contextValue = 'moreTasks';
    item.accessibilityInformation = { label };
    return item;
  }

  /** One node object per row, so VS Code keeps expansion state across refreshes. */
  private node<T extends DispatchTreeNode>(node: T): T {
    const key =
      node.kind === 'dispatch' ? `d:${node.dispatchId}` : node.kind === 'task' ? `t:${node.dispatchId}/${node.nodeId}` : node.kind === 'moreTasks' ? `m:${node.dispatchId}` : node.kind;
    const existing = this.nodes.get(key);
    if (existing) return existing as T;
    // Rows are what the context menu passes to commands: a person's click.
    this.nodes.set(key, fromPerson('tree', node));
    return node;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const watcher of this.expanded.values()) watcher.dispose();
    this.expanded.clear();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

export function taskDescription(task: TaskState): string {
  const parts = [humanStatus(task.status)];
  const duration = formatDuration(taskDuration(task));
  if (duration) parts.push(duration);
  if (task.reused) parts.push('reused');
  return parts.join(' · ');
}

function themeIcon(id: string, color: string | undefined): vscode.ThemeIcon {
  return color ? new vscode.ThemeIcon(id, new vscode.ThemeColor(color)) : new vscode.ThemeIcon(id);
}
