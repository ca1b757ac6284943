import type { PreviewResult } from '../bridge/protocol';
import { edgesOfLinks } from '../covalent/client';
import type { TaskEdge } from '../store/types';

/**
 * A workflow's graph as the bridge built it before any dispatch (Covalent's own
 * graph building, nothing sent to a server), in the shapes the panel's graph
 * uses for a dispatch: tasks by node number with the server's kinds, edges with
 * the parameter each value flows into. No `vscode` here.
 */

/**
 * The most nodes a preview draws. The panel pans a 5,000-task dispatch at
 * 60 fps; a sweep of 5,000 tasks with one literal input each is 10,000 nodes
 * with its parameters, and twice that still draws (a 19,982-node sweep: the page
 * drew it in 0.4 s, on screen 5.5 s after the inputs were given, most of it
 * Covalent building the graph). A bigger graph is shown as counts per electron
 * instead, and its nodes never leave the bridge.
 */
export const PREVIEW_MAX_NODES = 20000;

/** Where a node's function is defined, as Python reports it (resolved to a location by the extension). */
export interface NodeSource {
  readonly function: string;
  readonly file?: string;
  /** In a notebook: the code cell's index (then `line` is the line in that cell). */
  readonly cell?: number;
  /** 1-based first line of the definition (its first decorator). */
  readonly line?: number;
}

export interface PreviewTask {
  readonly nodeId: number;
  readonly name: string;
  readonly kind: string;
  readonly source?: NodeSource;
}

/** How many nodes of one electron (or of one kind Covalent adds) the graph has. */
export interface PreviewCount {
  /** The node's name as Covalent gives it (`square`, `:parameter:1`, `:sublattice:shifted`). */
  readonly name: string;
  readonly kind: string;
  readonly count: number;
}

export interface PreviewGraph {
  readonly lattice: string;
  /** Every node and link of the transport graph, parameters, waiting edges and post-processing included. */
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Too many nodes to draw: `tasks` and `edges` are empty, `summary` counts them. */
  readonly truncated: boolean;
  readonly tasks: readonly PreviewTask[];
  readonly edges: readonly TaskEdge[];
  readonly summary: readonly PreviewCount[];
}

export function previewGraphOf(result: PreviewResult): PreviewGraph {
  const tasks: PreviewTask[] = result.nodes
    .map((node) => ({
      nodeId: node.node_id,
      name: node.name,
      kind: node.type,
      ...(node.function ? { source: { function: node.function, file: node.file ?? undefined, line: node.line ?? undefined, ...(typeof node.cell === 'number' ? { cell: node.cell } : {}) } } : {}),
    }))
    .sort((a, b) => a.nodeId - b.nodeId);
  return {
    lattice: result.lattice,
    nodeCount: result.nodeCount,
    edgeCount: result.edgeCount,
    truncated: result.truncated,
    tasks,
    edges: edgesOfLinks(result.nodes, result.links),
    summary: result.summary.map((row) => ({ name: row.name, kind: row.type, count: row.count })),
  };
}

/** Nodes that run something (not parameters). */
export function taskCount(graph: PreviewGraph): number {
  return graph.summary.filter((row) => row.kind !== 'parameter').reduce((total, row) => total + row.count, 0);
}
