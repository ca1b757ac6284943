import * as vscode from 'vscode';
import type { CovalentContext } from '../context';
import { WorkflowsTree } from '../views/workflowsTree';
import { DetectionClient } from './detectionClient';

export type { LatticeContribution, WorkspaceLattice } from './detectionClient';

/** Lattice detection in the editor: the language client and the Workflows view it feeds. */
export interface Detection extends vscode.Disposable {
  readonly client: DetectionClient;
  readonly workflows: WorkflowsTree;
}

/**
 * Starts the language server and the Workflows view. Detection only reads files,
 * so it runs in untrusted workspaces too (dispatching is what trust gates).
 */
export function startDetection(context: CovalentContext): Detection {
  const client = new DetectionClient(context);
  const workflows = new WorkflowsTree(client);
  return {
    client,
    workflows,
    dispose: () => {
      workflows.dispose();
      client.dispose();
    },
  };
}
