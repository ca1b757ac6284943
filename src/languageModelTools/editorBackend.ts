import * as vscode from 'vscode';
import type { AgentBackend, LatticeRequest, RedispatchRequest, SourceText, WorkflowLocation } from '../agentTools/backend';
import { workflowLocations } from '../agentTools/workflowList';
import { TASK_KINDS } from '../languageClient/sourceLocator';
import type { PreviewGraph } from '../preview/previewGraph';
import type { RunTaskResult } from '../replay/replayPlan';
import type { Services } from '../services';
import { messageOf } from '../util/errors';
import { Commands } from '../util/commandIds';

/**
 * The agent tools in the editor: each one runs the command a person would
 * (the same arguments as the public API), so trust, progress, remembered inputs,
 * the store and the views behave exactly as for a click. Reads go through the
 * server's client, which carries its token.
 */
export class EditorBackend implements AgentBackend {
  constructor(private readonly services: Services) {}

  get workspaceFolder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  async workflows(): Promise<WorkflowLocation[]> {
    // Only files on disk can be dispatched (not untitled buffers).
    return workflowLocations(await this.services.detection.workspaceLattices(), (lattice) => (lattice.uri.scheme === 'file' ? lattice.uri.fsPath : undefined));
  }

  async preview(request: LatticeRequest): Promise<PreviewGraph> {
    const uri = vscode.Uri.file(request.path);
    await vscode.commands.executeCommand(Commands.previewGraph, { uri: uri.toString(), lattice: request.lattice, args: request.args });
    const graph = this.services.panels.preview({ uri, lattice: request.lattice })?.shown.graph;
    if (!graph) throw new Error(`The preview of ${request.lattice} was built but its panel was closed before it could be read; ask again.`);
    return graph;
  }

  async dispatch(request: LatticeRequest & { readonly executor?: string }): Promise<string> {
    const argument = { uri: vscode.Uri.file(request.path).toString(), lattice: request.lattice, args: request.args, ...(request.executor ? { executor: request.executor } : {}) };
    return vscode.commands.executeCommand<string>(Commands.dispatch, argument);
  }

  async redispatch(request: RedispatchRequest): Promise<string> {
    const { path, ...rest } = request;
    return vscode.commands.executeCommand<string>(Commands.redispatch, { ...rest, ...(path ? { uri: vscode.Uri.file(path).toString() } : {}) });
  }

  async cancel(dispatchId: string): Promise<void> {
    await vscode.commands.executeCommand(Commands.cancel, { dispatchId });
  }

  runTaskLocally(dispatchId: string, taskId: number): Promise<RunTaskResult> {
    return Promise.resolve(vscode.commands.executeCommand<RunTaskResult>(Commands.runTaskLocally, { dispatchId, taskId }));
  }

  serverOf(dispatchId?: string): string {
    return dispatchId ? this.services.dispatch.serverOf(dispatchId) : this.services.dispatch.dispatcherAddress;
  }

  reader(server: string) {
    return this.services.servers.client(server).details;
  }

  async currentSource(name: string, dispatchId: string): Promise<SourceText | undefined> {
    const origin = this.services.store.get(dispatchId)?.origin?.fileUri;
    const location = await this.services.locator.locate(name, { preferred: origin ? [vscode.Uri.parse(origin)] : [], kinds: TASK_KINDS });
    if (!location) return undefined;
    const document = await vscode.workspace.openTextDocument(location.uri);
    // The location is the function's name: the whole definition is the symbol around it, decorators included.
    const symbol = (await this.services.locator.symbols(document)).find((candidate) => candidate.name === name && candidate.range.contains(location.range.start));
    const range = symbol?.range ?? definitionBlock(document, location.range.start.line);
    return { path: location.uri.fsPath, line: range.start.line + 1, text: document.getText(range) };
  }

  explain(error: unknown): string {
    return messageOf(this.services.bridgeCalls.explain(error));
  }
}

/** From a `def` line to the last line indented under it: a definition the language server did not report. */
function definitionBlock(document: vscode.TextDocument, defLine: number): vscode.Range {
  const indent = (line: number) => document.lineAt(line).firstNonWhitespaceCharacterIndex;
  const base = indent(defLine);
  let last = defLine;
  for (let line = defLine + 1; line < document.lineCount; line++) {
    if (document.lineAt(line).isEmptyOrWhitespace) continue;
    if (indent(line) <= base) break;
    last = line;
  }
  return new vscode.Range(defLine, 0, last, document.lineAt(last).text.length);
}
