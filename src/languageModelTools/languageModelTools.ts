import * as vscode from 'vscode';
import { AGENT_TOOL_NAMES, type AgentToolName, toolSpec } from '../agentTools/catalog';
import { answerTool } from '../agentTools/toolbox';
import type { Services } from '../services';
import { confirmationOf, type ConfirmationContext } from './confirmations';
import { EditorBackend } from './editorBackend';

/**
 * The agent tools as chat's language model tools (`contributes.languageModelTools`):
 * each answers with one text part holding a JSON object. Tools that act ask first
 * (`prepareInvocation`); in Restricted Mode only the reading ones run.
 */
export class LanguageModelTools implements vscode.Disposable {
  private readonly backend: EditorBackend;
  private readonly context: ConfirmationContext;
  private readonly registrations: vscode.Disposable[];

  /** `answered` hears of every answer (the walkthrough's step completes on the first). */
  constructor(
    private readonly services: Services,
    private readonly answered: () => void = () => undefined,
  ) {
    this.backend = new EditorBackend(services);
    const backend = this.backend;
    this.context = {
      get workspaceFolder() {
        return backend.workspaceFolder;
      },
      serverOf: (dispatchId) => backend.serverOf(dispatchId),
      latticeOf: (dispatchId) => services.store.get(dispatchId)?.origin?.latticeName ?? services.store.get(dispatchId)?.name,
    };
    // Hosts without the tools API (or without chat) simply have no tools.
    const registerTool = (vscode.lm as Partial<typeof vscode.lm> | undefined)?.registerTool;
    this.registrations = registerTool ? AGENT_TOOL_NAMES.map((name) => vscode.lm.registerTool(name, this.toolOf(name))) : [];
  }

  /** What chat shows before and while a tool runs: the question for the tools that act. */
  prepare(name: AgentToolName, input: Readonly<Record<string, unknown>>): vscode.PreparedToolInvocation {
    const spec = toolSpec(name);
    const title = spec?.displayName ?? name;
    if (!spec?.readOnly && !vscode.workspace.isTrusted) return { invocationMessage: `${title}: refused in Restricted Mode` };
    const confirmation = spec?.confirms ? confirmationOf(name, input, this.context) : undefined;
    if (!confirmation) return { invocationMessage: `${title}…` };
    return { invocationMessage: confirmation.progress, confirmationMessages: { title: confirmation.title, message: new vscode.MarkdownString(confirmation.message) } };
  }

  private toolOf(name: AgentToolName): vscode.LanguageModelTool<Record<string, unknown>> {
    const spec = toolSpec(name);
    return {
      prepareInvocation: (options) => this.prepare(name, options.input ?? {}),
      invoke: async (options) => {
        const answer =
          !spec?.readOnly && !vscode.workspace.isTrusted
            ? { error: `${spec?.displayName ?? name} is off in Restricted Mode: it runs the workspace's code or changes a server. Ask the person to trust the workspace (Manage Workspace Trust), then try again.` }
            : await answerTool(name, options.input, this.backend);
        if ('error' in answer && Object.keys(answer).length === 1) this.services.output.warn(`${name}: ${String(answer.error)}`);
        this.answered();
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(answer))]);
      },
    };
  }

  dispose(): void {
    for (const registration of this.registrations.splice(0)) registration.dispose();
  }
}
