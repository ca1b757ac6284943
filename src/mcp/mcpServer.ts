import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { AgentBackend } from '../agentTools/backend';
import { AGENT_TOOL_NAMES, type AgentToolName, TOOL_SPECS } from '../agentTools/catalog';
import { answerTool } from '../agentTools/toolbox';

/**
 * The agent tools as an MCP server: the same names, input schemas and JSON
 * answers as chat's tools. A tool's failure is its answer (`{ "error": … }`,
 * with `isError`), so the client's model reads what to do next.
 */
export function agentToolServer(backend: AgentBackend, version: string): { server: Server; idle: () => Promise<void> } {
  const server = new Server({ name: 'covalent', version }, { capabilities: { tools: {} } });
  const running = new Set<Promise<unknown>>();
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOL_SPECS.map((spec) => ({
      name: spec.name,
      title: spec.displayName,
      description: spec.modelDescription,
      inputSchema: spec.inputSchema as { type: 'object'; properties?: Record<string, object> },
      annotations: { readOnlyHint: spec.readOnly, destructiveHint: spec.name === 'covalent_cancel', openWorldHint: !spec.readOnly || spec.name !== 'covalent_listWorkflows' },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const name = request.params.name;
    if (!isToolName(name)) {
      return { content: [{ type: 'text' as const, text: JSON.stringify({ error: `There is no tool ${name}. The tools are ${AGENT_TOOL_NAMES.join(', ')}.` }) }], isError: true };
    }
    const answering = answerTool(name, request.params.arguments ?? {}, backend);
    running.add(answering);
    const answer = await answering.finally(() => running.delete(answering));
    const failed = 'error' in answer && Object.keys(answer).length === 1;
    return { content: [{ type: 'text' as const, text: JSON.stringify(answer) }], ...(failed ? { isError: true } : {}) };
  });
  /** Resolves once no tool call is running (the client closed its end: answer what it asked, then stop). */
  const idle = async () => {
    while (running.size) await Promise.allSettled([...running]);
  };
  return { server, idle };
}

function isToolName(name: string): name is AgentToolName {
  return (AGENT_TOOL_NAMES as readonly string[]).includes(name);
}
