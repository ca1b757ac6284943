/** Errors every part may raise, and the one way a failure becomes text. No `vscode` here. */

/** The person dismissed a question: the command ends quietly, nothing done. */
export class UserCancelled extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'UserCancelled';
  }
}

/** Running the workspace's Python is off in Restricted Mode. */
export class UntrustedWorkspaceError extends Error {
  constructor(what: string) {
    super(
      `${what} is disabled in Restricted Mode: it runs Python from this workspace (its workflow files and interpreter). ` +
        'Trust the workspace to use it; workflow detection keeps working meanwhile.',
    );
    this.name = 'UntrustedWorkspaceError';
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
