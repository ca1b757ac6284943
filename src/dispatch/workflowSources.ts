import * as vscode from 'vscode';
import type { WorkflowSource, WorkspaceFolders } from '../bridge/protocol';
import type { CovalentConfig } from '../config';
import type { Core } from '../core';
import { workflowFileOf } from '../notebook/notebookCells';
import { isNotebookTarget, notebookWorkflowSource } from '../notebook/notebookSource';

/** What to do with a file's unsaved edits once decided: save it first, or send the editor's text. */
export type UnsavedChoice = 'save' | 'dispatchBuffer';

/**
 * Asks a person what to do with a file's unsaved edits (the commands ask; see
 * src/commands/prompts.ts). Throws `UserCancelled` when dismissed.
 */
export type UnsavedFileQuestion = (uri: vscode.Uri) => Promise<UnsavedChoice>;

/**
 * The workflow's source as the bridge should import it, resolved once per
 * request. Unsaved edits are never dispatched silently: the
 * `covalent.unsavedFiles` setting says whether to save, to send the editor's
 * text, or (default) to ask the question the composition root gave. A
 * notebook's cells go as the notebook editor shows them, as a kernel would run them.
 */
export class WorkflowSources {
  constructor(
    private readonly core: Core,
    private readonly askAboutUnsaved: UnsavedFileQuestion,
  ) {}

  /** A preview of the graph, which sends nothing anywhere, passes `dispatchBuffer`: it shows what the editor shows. */
  async resolve(uri: vscode.Uri, unsaved: CovalentConfig['unsavedFiles'] = this.core.settings.current.unsavedFiles): Promise<WorkflowSource> {
    if (isNotebookTarget(uri)) return { ...(await notebookWorkflowSource(uri)), ...workspaceFoldersFor(workflowFileOf(uri)) };
    if (uri.scheme !== 'file') throw new Error(`Only files on disk can be dispatched (this one is ${uri.scheme}:).`);
    const { workspaceFolders } = workspaceFoldersFor(uri);
    if (!vscode.workspace.getWorkspaceFolder(uri)) {
      this.core.output.info(
        `${uri.fsPath} is outside every workspace folder: its own folder (or the root of its package) is taken as its project, the working directory and the code shipped with it.`,
      );
    }
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
    if (!document?.isDirty) return { file: uri.fsPath, workspaceFolders };
    const choice = unsaved === 'ask' ? await this.askAboutUnsaved(uri) : unsaved;
    if (choice === 'save') {
      if (!(await document.save())) throw new Error(`${vscode.workspace.asRelativePath(uri)} could not be saved; nothing was dispatched.`);
      return { file: uri.fsPath, workspaceFolders };
    }
    return { file: uri.fsPath, source: document.getText(), workspaceFolders };
  }
}

/** The workspace folders for the bridge, the one holding `uri` first. */
export function workspaceFoldersFor(uri: vscode.Uri | undefined): Required<WorkspaceFolders> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  const own = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  const ordered = own ? [own, ...folders.filter((folder) => folder !== own)] : folders;
  return { workspaceFolders: ordered.map((folder) => folder.uri.fsPath) };
}
