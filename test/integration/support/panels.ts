import type { RenderReport } from '../../../src/webview/protocol';
import type { GraphPanel } from '../../../src/webview/graphPanel';
import { getJson } from './covalentRest';
import { waitForDespiteErrors } from './dispatching';

/** Helpers of the result panel's tests: the server's own graph, and what the panel's page says it drew. */

interface ServerGraph {
  graph: {
    nodes: { id: number; node_id: number; name: string; status: string; type: string; started_at: string | null; completed_at: string | null }[];
    links: { source: number; target: number; edge_name: string }[];
  };
}

/** The server's own graph, read directly: what the panel must show. */
export async function serverGraph(server: string, dispatchId: string) {
  const body = await getJson<ServerGraph>(`${server}/api/v1/dispatches/${dispatchId}/graph`);
  const nodeIdOf = new Map(body.graph.nodes.map((node) => [node.id, node.node_id]));
  return {
    nodes: body.graph.nodes.map((node) => ({ nodeId: node.node_id, name: node.name, status: node.status, kind: node.type, reusedOnServer: node.type !== 'parameter' && node.started_at !== null && node.started_at === node.completed_at })),
    edges: body.graph.links.map((link) => `${nodeIdOf.get(link.source)}>${nodeIdOf.get(link.target)}`).sort(),
    /** Each link with the parameter its value flows into: `source>target:edge_name`. */
    labelledEdges: body.graph.links.map((link) => `${nodeIdOf.get(link.source)}>${nodeIdOf.get(link.target)}:${link.edge_name}`).sort(),
  };
}

/** Asks the webview what it drew until `accept` holds (the poller and the webview run on their own). */
export async function probeUntil(panel: GraphPanel, accept: (report: RenderReport) => boolean, what: string, timeoutMs = 60000): Promise<RenderReport> {
  let last: RenderReport | undefined;
  const drawn = async () => {
    last = await panel.probe(5000);
    return accept(last) ? last : undefined;
  };
  try {
    return await waitForDespiteErrors(what, drawn, timeoutMs, 300);
  } catch (timeout) {
    throw new Error(`the panel never showed ${what}; last report: ${JSON.stringify(last)?.slice(0, 1500)} ${(timeout as Error).message}`, { cause: timeout });
  }
}
