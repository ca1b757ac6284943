import { promises as fs } from 'fs';
import * as vscode from 'vscode';
import type { BridgeCalls } from '../dispatch/bridgeCalls';
import type { DispatchTarget } from '../dispatch/dispatchService';
import type { WorkflowSources } from '../dispatch/workflowSources';
import { isNotebookTarget, notebookWorkflowSource } from '../notebook/notebookSource';
import { PREVIEW_MAX_NODES, type PreviewGraph, previewGraphOf } from './previewGraph';

export interface BuiltPreview {
  readonly graph: PreviewGraph;
  /** The workflow file's text the graph was built from (to notice edits before dispatching what is shown). */
  readonly text?: string;
}

/**
 * Builds a lattice's graph with the given inputs in the user's interpreter: the
 * bridge imports the workflow exactly as a dispatch does and runs Covalent's own
 * graph building; nothing goes to a server. Unsaved edits are used as the editor
 * shows them (a preview sends nothing anywhere, so there is nothing to ask).
 */
/** What building a preview uses: the workflow's source and a bridge call. */
export interface PreviewBuilding {
  readonly bridgeCalls: BridgeCalls;
  readonly workflowSources: WorkflowSources;
}

export async function buildPreview(using: PreviewBuilding, target: DispatchTarget, args: string, token?: vscode.CancellationToken): Promise<BuiltPreview> {
  const source = await using.workflowSources.resolve(target.uri, 'dispatchBuffer');
  const text = source.notebook ? JSON.stringify(source.notebook) : (source.source ?? (await readText(source.file)));
  // Cancelling the notification (or the caller's token) stops the build's Python process.
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Covalent: building the graph of ${target.lattice}…`, cancellable: true },
    (_progress, progressToken) =>
      using.bridgeCalls.request(target.uri, 'previewGraph', { ...source, lattice: target.lattice, args, maxNodes: PREVIEW_MAX_NODES }, token ?? progressToken),
  );
  return { graph: previewGraphOf(result), text };
}

/** The workflow file's text now: the editor's when it is open (unsaved edits too), else the file's; a notebook's code cells. */
export async function currentText(uri: vscode.Uri): Promise<string | undefined> {
  if (isNotebookTarget(uri)) return notebookWorkflowSource(uri).then((source) => JSON.stringify(source.notebook), () => undefined);
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  return readText(uri.fsPath);
}

/** A file's text as an editor shows it: without a UTF-8 byte order mark (else an unchanged file looks edited). */
async function readText(file: string): Promise<string | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text?.replace(/^\uFEFF/, '');
}
