import { DISPATCH_STATUSES, type DispatchGraph, type DispatchState, type DispatchStatus, type TaskEdge, type TaskState } from './dispatchTypes';
import { CovalentHttp, type HttpOptions } from './http';
import { type ResultDetailsOptions, ResultDetailsReader } from './resultDetails';
import { array, type Infer, literal, number, object, optional, string, timestamp, unknownValue } from './validate';

/**
 * Typed calls for the Covalent 0.240 endpoints the extension uses. Each returns
 * store-shaped data (`DispatchState`, `DispatchGraph`) so the store never sees
 * the server's field names.
 */
const status = literal<DispatchStatus>(DISPATCH_STATUSES, 'a Covalent status');

/** `status_only=true`: a bulk poll that asks for nothing but each dispatch's status. */
const statusOnlySchema = object({
  dispatches: array(object({ dispatch_id: string, status })),
  metadata: object({ count: number }),
});

/** A summary per dispatch: progress and times for the tree's rows. */
const summarySchema = object({
  dispatches: array(
    object({
      dispatch_id: string,
      root_dispatch_id: optional(string),
      status,
      name: optional(string),
      electron_num: optional(number),
      completed_electron_num: optional(number),
      created_at: optional(timestamp),
      updated_at: optional(timestamp),
      completed_at: optional(timestamp),
    }),
  ),
  metadata: object({ count: number }),
});

const listSchema = object({
  items: array(
    object({
      dispatch_id: string,
      lattice_name: optional(string),
      runtime: optional(number),
      total_electrons: optional(number),
      total_electrons_completed: optional(number),
      started_at: optional(timestamp),
      ended_at: optional(timestamp),
      status,
      updated_at: optional(timestamp),
    }),
  ),
  total_count: number,
});

const graphSchema = object({
  dispatch_id: string,
  graph: object({
    nodes: array(
      object({
        id: number,
        name: string,
        node_id: number,
        started_at: optional(timestamp),
        completed_at: optional(timestamp),
        status,
        type: optional(string),
        executor_label: optional(string),
        sublattice_dispatch_id: optional(string),
      }),
    ),
    links: array(
      object({
        source: number,
        target: number,
        edge_name: optional(string),
      }),
    ),
  }),
});

const deleteSchema = object({ success_items: optional(array(unknownValue)), failure_items: optional(array(unknownValue)) });

/** Statuses the UI API's `/list` filter accepts. */
export const LIST_STATUS_FILTERS = ['NEW_OBJECT', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'POSTPROCESSING', 'PENDING_POSTPROCESSING', 'POSTPROCESSING_FAILED'] as const;
export type ListStatusFilter = (typeof LIST_STATUS_FILTERS)[number];

export interface ListQuery {
  readonly offset: number;
  /** The UI API refuses 100 or more per page. */
  readonly count: number;
  /** Part of a lattice name or dispatch id. */
  readonly search?: string;
  readonly status?: ListStatusFilter;
}

export interface ListPage {
  readonly dispatches: DispatchState[];
  /** Known only for searches (the UI API counts); the dispatcher API does not say. */
  readonly total?: number;
  /** More pages follow this one. */
  readonly hasMore: boolean;
  /** Rows the server sent (sublattice dispatches included): the next page's offset moves by this. */
  readonly scanned: number;
}

/** Ids per bulk request: keeps the URL far below what the server's HTTP parser accepts. */
const BULK_CHUNK = 150;

export interface ClientOptions extends HttpOptions {
  readonly details?: ResultDetailsOptions;
}

export class CovalentClient {
  readonly http: CovalentHttp;
  /** Task and workflow values, sources and errors, read from the dispatch manifest through this client. */
  readonly details: ResultDetailsReader;

  constructor(options: ClientOptions) {
    this.http = new CovalentHttp(options);
    this.details = new ResultDetailsReader(this, options.details);
  }

  get address(): string {
    return this.http.baseUrl;
  }

  /** A cheap call that proves a Covalent server answers. */
  async ping(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    await this.http.json('/api/v2/dispatches', statusOnlySchema, { query: { count: 1, status_only: true }, timeoutMs: options.timeoutMs });
  }

  /** Statuses of many dispatches in one request (per 150 ids). Unknown ids are absent. */
  async statuses(dispatchIds: readonly string[]): Promise<Map<string, DispatchStatus>> {
    const found = new Map<string, DispatchStatus>();
    for (const chunk of chunks(dispatchIds, BULK_CHUNK)) {
      const body = await this.http.json('/api/v2/dispatches', statusOnlySchema, {
        query: { dispatch_id: chunk, status_only: true, count: chunk.length },
      });
      for (const entry of body.dispatches) found.set(entry.dispatch_id, entry.status);
    }
    return found;
  }

  /** Full summaries (progress, times) of many dispatches in one request (per 150 ids). */
  async summaries(dispatchIds: readonly string[]): Promise<DispatchState[]> {
    const found: DispatchState[] = [];
    for (const chunk of chunks(dispatchIds, BULK_CHUNK)) {
      const body = await this.http.json('/api/v2/dispatches', summarySchema, { query: { dispatch_id: chunk, count: chunk.length } });
      found.push(...body.dispatches.map((entry) => summaryToState(entry, this.address)));
    }
    return found;
  }

  /**
   * One page of top-level dispatches, newest first. The dispatcher API orders by
   * creation (saved, never-started dispatches included); only the UI API can search
   * names, so searches go there (it orders by start time).
   */
  async list(query: ListQuery): Promise<ListPage> {
    const count = Math.min(99, Math.max(1, query.count));
    if (query.search) return this.searchList({ ...query, count });
    const body = await this.http.json('/api/v2/dispatches', summarySchema, {
      query: { offset: query.offset, count, latest: true, status: query.status ? [query.status] : undefined },
    });
    return {
      hasMore: body.dispatches.length >= count,
      scanned: body.dispatches.length,
      // Sublattices run as dispatches of their own; the tree shows them under their parent's tasks.
      dispatches: body.dispatches.filter((entry) => !entry.root_dispatch_id || entry.root_dispatch_id === entry.dispatch_id).map((entry) => summaryToState(entry, this.address)),
    };
  }

  private async searchList(query: ListQuery): Promise<ListPage> {
    const body = await this.http.json('/api/v1/dispatches/list', listSchema, {
      query: {
        offset: query.offset,
        count: query.count,
        sort_by: 'started_at',
        sort_direction: 'DESC',
        search: query.search,
        status_filter: query.status,
      },
    });
    return {
      total: body.total_count,
      hasMore: query.offset + body.items.length < body.total_count,
      scanned: body.items.length,
      dispatches: body.items.map((item) => ({
        dispatchId: item.dispatch_id,
        serverAddress: this.address,
        name: item.lattice_name,
        status: item.status,
        totalTasks: item.total_electrons,
        completedTasks: item.total_electrons_completed,
        startedAt: item.started_at,
        completedAt: item.ended_at,
        updatedAt: item.updated_at,
      })),
    };
  }

  /**
   * The dispatch's tasks and their links (`/api/v1/dispatches/{id}/graph`). A busy
   * server takes about a minute for 5,000 tasks, so callers pass a longer timeout
   * than the one status polls use.
   */
  async graph(dispatchId: string, options: { readonly timeoutMs?: number } = {}): Promise<DispatchGraph> {
    const body = await this.http.json(`/api/v1/dispatches/${encodeURIComponent(dispatchId)}/graph`, graphSchema, { timeoutMs: options.timeoutMs });
    const tasks: TaskState[] = body.graph.nodes
      .map((node) => ({
        nodeId: node.node_id,
        name: node.name,
        kind: node.type ?? 'function',
        status: node.status,
        startedAt: node.started_at,
        completedAt: node.completed_at,
        executor: node.executor_label,
        subDispatchId: node.sublattice_dispatch_id,
        // A redispatch that reused a result stamps start and end with the same instant;
        // parameters always look like that, so only real tasks count.
        reused: node.type !== 'parameter' && node.started_at !== undefined && node.started_at === node.completed_at,
      }))
      .sort((a, b) => a.nodeId - b.nodeId);
    return { dispatchId, tasks, edges: edgesOfLinks(body.graph.nodes, body.graph.links), fetchedAt: Date.now() };
  }

  /** Deletes dispatches from the server's database (the UI API's delete); answers the ids it deleted. */
  async deleteDispatches(dispatchIds: readonly string[]): Promise<string[]> {
    const body = await this.http.json('/api/v1/dispatches/delete', deleteSchema, { method: 'POST', body: { dispatches: dispatchIds } });
    return (body.success_items ?? []).map(String);
  }

  /** The Covalent UI's page for one dispatch. */
  uiUrl(dispatchId: string): string {
    return `${this.address}/${encodeURIComponent(dispatchId)}`;
  }
}

/**
 * The edges of a graph in the server's shape: its links name nodes by their row
 * (`id`), the store's edges by node number (`node_id`). Links to unknown rows are dropped.
 */
export function edgesOfLinks(
  nodes: readonly { readonly id: number; readonly node_id: number }[],
  links: readonly { readonly source: number; readonly target: number; readonly edge_name?: string | null }[],
): TaskEdge[] {
  const nodeIdOfRow = new Map(nodes.map((node) => [node.id, node.node_id]));
  const edges: TaskEdge[] = [];
  for (const link of links) {
    const source = nodeIdOfRow.get(link.source);
    const target = nodeIdOfRow.get(link.target);
    if (source === undefined || target === undefined) continue;
    edges.push({ source, target, label: link.edge_name ?? undefined });
  }
  return edges;
}

type Summary = Infer<typeof summarySchema>['dispatches'][number];

function summaryToState(entry: Summary, serverAddress: string): DispatchState {
  return {
    dispatchId: entry.dispatch_id,
    serverAddress,
    rootDispatchId: entry.root_dispatch_id,
    name: entry.name,
    status: entry.status,
    totalTasks: entry.electron_num,
    completedTasks: entry.completed_electron_num,
    createdAt: entry.created_at,
    updatedAt: entry.updated_at,
    completedAt: entry.completed_at,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

