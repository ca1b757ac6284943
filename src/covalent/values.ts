/**
 * What the result panel shows of a task or a workflow, as the details reader
 * returns it and the panel's page draws it: one definition for both sides. No
 * imports: the page's bundle takes it too.
 */

/** A value as the server prints it, cut when large. */
export interface ValueText {
  readonly text: string;
  readonly truncated: boolean;
  readonly totalBytes?: number;
  /** Set when the value could not be read; says why. */
  readonly unavailable?: string;
}

export const TASK_FIELDS = ['inputs', 'result', 'stdout', 'stderr', 'error', 'source'] as const;
export type TaskField = (typeof TASK_FIELDS)[number];
export const WORKFLOW_FIELDS = ['inputs', 'result', 'error'] as const;
export type WorkflowField = (typeof WORKFLOW_FIELDS)[number];
