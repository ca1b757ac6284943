import { array, type Infer, number, object, optional, record, string, unknownValue } from './validate';

/**
 * The dispatch manifest (`GET /api/v2/dispatches/{id}`): the dispatch's, the
 * workflow's and every task's metadata, and where the server keeps their values
 * and logs (assets). The one parser of it: whatever reads task values, sources or
 * errors reads this shape. Fields Covalent marks optional may be null or absent.
 */
const assetSchema = object({ remote_uri: optional(string), size: optional(number) });
/** An asset slot may be null (a task that wrote no error, say): such slots are left out. */
const assetsSchema = optional(record(optional(assetSchema)));

export const manifestSchema = object({
  metadata: object({ dispatch_id: optional(string), status: optional(string) }),
  assets: assetsSchema,
  lattice: object({
    metadata: optional(
      object({
        name: optional(string),
        executor: optional(string),
        executor_data: optional(unknownValue),
        workflow_executor: optional(string),
        workflow_executor_data: optional(unknownValue),
      }),
    ),
    assets: assetsSchema,
    transport_graph: object({
      nodes: array(
        object({
          id: number,
          metadata: optional(
            object({ name: optional(string), status: optional(string), executor: optional(string), executor_data: optional(unknownValue), sub_dispatch_id: optional(string) }),
          ),
          assets: assetsSchema,
        }),
      ),
      links: optional(
        array(
          object({
            source: number,
            target: number,
            metadata: optional(object({ edge_name: optional(string), param_type: optional(string), arg_index: optional(number) })),
          }),
        ),
      ),
    }),
  }),
});

export interface Asset {
  readonly remoteUri?: string;
  readonly size?: number;
}

export type Assets = Readonly<Record<string, Asset>>;

export interface ManifestNode {
  readonly nodeId: number;
  readonly name: string;
  readonly status?: string;
  readonly executor?: string;
  /** The executor's `executor_data` as the server stored it (`{}` for a bare short name). */
  readonly executorData?: unknown;
  readonly subDispatchId?: string;
  readonly assets: Assets;
}

/** An edge of the transport graph: the source node's output is the target's argument (or keyword) `name`. */
export interface ManifestLink {
  readonly source: number;
  readonly target: number;
  readonly name?: string;
  readonly paramType?: string;
  readonly argIndex?: number;
}

/** The parts of the manifest the extension reads, in its own names. */
export interface DispatchManifest {
  readonly dispatchId: string;
  readonly status?: string;
  readonly name?: string;
  readonly executor?: string;
  readonly executorData?: unknown;
  readonly workflowExecutor?: string;
  readonly workflowExecutorData?: unknown;
  readonly assets: Assets;
  readonly latticeAssets: Assets;
  readonly nodes: ReadonlyMap<number, ManifestNode>;
  readonly links: readonly ManifestLink[];
}

export function toManifest(body: Infer<typeof manifestSchema>, dispatchId: string): DispatchManifest {
  const { lattice } = body;
  const nodes = new Map<number, ManifestNode>();
  for (const node of lattice.transport_graph.nodes) {
    nodes.set(node.id, {
      nodeId: node.id,
      name: node.metadata?.name ?? `task ${node.id}`,
      status: node.metadata?.status,
      executor: node.metadata?.executor,
      executorData: node.metadata?.executor_data,
      subDispatchId: node.metadata?.sub_dispatch_id,
      assets: toAssets(node.assets),
    });
  }
  return {
    dispatchId: body.metadata.dispatch_id ?? dispatchId,
    status: body.metadata.status,
    name: lattice.metadata?.name,
    executor: lattice.metadata?.executor,
    executorData: lattice.metadata?.executor_data,
    workflowExecutor: lattice.metadata?.workflow_executor,
    workflowExecutorData: lattice.metadata?.workflow_executor_data,
    assets: toAssets(body.assets),
    latticeAssets: toAssets(lattice.assets),
    nodes,
    links: (lattice.transport_graph.links ?? []).map((link) => ({
      source: link.source,
      target: link.target,
      name: link.metadata?.edge_name,
      paramType: link.metadata?.param_type,
      argIndex: link.metadata?.arg_index,
    })),
  };
}

function toAssets(assets: Infer<typeof assetsSchema>): Assets {
  const result: Record<string, Asset> = {};
  for (const [key, asset] of Object.entries(assets ?? {})) {
    if (asset) result[key] = { remoteUri: asset.remote_uri, size: asset.size };
  }
  return result;
}
