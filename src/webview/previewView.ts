import type { PreviewGraph } from '../preview/previewGraph';
import type { TaskEdge } from '../store/types';
import { isPostprocessing } from './graphProtocol';
import type { LayoutInput } from './layout';
import type { PreviewNodeView, PreviewSummaryRow } from './previewProtocol';

/**
 * A previewed graph as its panel shows it: the layout's input, the counts'
 * labels, a selected node's side pane. No `vscode` here.
 */

/** What the layout worker needs (the same input a dispatch's graph gives it). */
export function layoutInputOf(graph: PreviewGraph): LayoutInput {
  return { tasks: graph.tasks.map(({ nodeId, name, kind }) => ({ nodeId, name, kind })), edges: graph.edges };
}

/** A row of the counts: electrons by name, Covalent's own nodes by what they do. */
export function summaryLabel(name: string, kind: string): string {
  if (kind === 'parameter') return 'parameters (inputs and constants)';
  if (isPostprocessing(name)) return 'post-processing';
  if (kind === 'sublattice') return `${name.replace(/^:sublattice:/, '')} (sublattice)`;
  if (kind === 'function') return name;
  return `${name.replace(/^:([a-z_]+):.*$/, '$1').replace(/_/g, ' ')} (made by Covalent)`;
}

/** The counts as the panel lists them, each with its label. */
export function summaryRows(graph: PreviewGraph): PreviewSummaryRow[] {
  return graph.summary.map((row) => ({ label: summaryLabel(row.name, row.kind), kind: row.kind, count: row.count }));
}

/** What the side pane shows for a selected node: its function and what flows in and out. */
export function previewNodeView(graph: PreviewGraph, nodeId: number, where?: string): PreviewNodeView | undefined {
  const task = graph.tasks.find((candidate) => candidate.nodeId === nodeId);
  if (!task) return undefined;
  const nameOf = (id: number) => graph.tasks.find((candidate) => candidate.nodeId === id)?.name ?? String(id);
  const flows = (edge: TaskEdge) => edge.label !== '!waiting_edge';
  return {
    nodeId,
    name: task.name,
    kind: task.kind,
    function: task.source?.function,
    where,
    inputs: graph.edges.filter((edge) => edge.target === nodeId && flows(edge)).map((edge) => ({ edge: edge.label ?? '', node: nameOf(edge.source) })),
    outputs: graph.edges.filter((edge) => edge.source === nodeId && flows(edge)).map((edge) => ({ edge: edge.label ?? '', node: nameOf(edge.target) })),
  };
}
