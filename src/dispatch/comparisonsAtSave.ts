import { promises as fs } from 'fs';
import * as vscode from 'vscode';
import type { Core } from '../core';
import { isNotebookTarget } from '../notebook/notebookSource';
import type { BridgeCalls } from './bridgeCalls';
import { type ElectronComparison, ElectronComparisons } from './electronComparisons';
import { fileKey } from './latticeChoices';
import { type WorkflowSources, workspaceFoldersFor } from './workflowSources';

/** Saves of a file prepare the comparison with its newest dispatches, up to this many. */
const DISPATCHES_PREPARED = 3;

/**
 * Redispatch…'s comparison of electrons, prepared at save: a Python file the
 * editor dispatched from has its electrons read when it is saved (in a trusted
 * workspace only: reading them imports it), so the click only checks that the
 * text is still the one they were read from.
 */
export class ComparisonsAtSave implements vscode.Disposable {
  private readonly comparisons: ElectronComparisons;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly core: Core,
    private readonly calls: BridgeCalls,
    private readonly sources: WorkflowSources,
    serverOf: (dispatchId: string) => string,
  ) {
    this.comparisons = new ElectronComparisons({
      fileElectrons: async (file) => {
        const uri = vscode.Uri.file(file);
        const text = await fs.readFile(file, 'utf8');
        const { electrons } = await calls.request(uri, 'electrons', { file, ...workspaceFoldersFor(uri) });
        return { text, electrons };
      },
      taskSources: (dispatchId) => core.servers.client(serverOf(dispatchId)).details.taskSources(dispatchId),
    });
    this.subscription = vscode.workspace.onDidSaveTextDocument((document) => this.saved(document));
  }

  /** The file as the editor shows it now, next to what `dispatchId` ran. */
  async compare(uri: vscode.Uri, dispatchId: string): Promise<ElectronComparison> {
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
    if (uri.scheme === 'file' && !isNotebookTarget(uri) && !document?.isDirty) {
      const text = document?.getText() ?? (await fs.readFile(uri.fsPath, 'utf8'));
      return this.comparisons.compare(uri.fsPath, text, dispatchId);
    }
    // Unsaved edits or a notebook: what the bridge would dispatch, read now.
    const { electrons } = await this.calls.request(uri, 'electrons', await this.sources.resolve(uri));
    return this.comparisons.compareWith(electrons, dispatchId);
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private saved(document: vscode.TextDocument): void {
    if (!vscode.workspace.isTrusted || document.uri.scheme !== 'file' || document.languageId !== 'python') return;
    const file = fileKey(document.uri);
    // Only files dispatched from here: their code has run already, at the person's word.
    const dispatchIds = this.core.store
      .all()
      .filter((state) => state.origin?.fileUri === file)
      .slice(0, DISPATCHES_PREPARED)
      .map((state) => state.dispatchId);
    if (dispatchIds.length) void this.comparisons.saved(document.uri.fsPath, dispatchIds);
  }
}
