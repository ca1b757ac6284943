/**
 * A dispatch's or redispatch's progress, as its request's process reports it (the
 * bridge sends each as a `$/progress` notification with the request's progress token):
 * a redispatch `waiting` for its dispatch (`dispatchId`, its `status`) to finish, `building` the graph, `serializing` its `tasks`, `registering` them (the `dispatchId`
 * is chosen before the registration is sent), `uploading` `done` of `total` assets (at
 * most ten reports a second), `starting` it; `deleting` what a cancelled submission registered.
 */
export interface SubmissionProgress {
  readonly phase: 'waiting' | 'building' | 'serializing' | 'registering' | 'uploading' | 'starting' | 'deleting';
  readonly tasks?: number | null;
  readonly done?: number;
  readonly total?: number;
  readonly dispatchId?: string;
  readonly status?: string;
}

/** The notification a request's progress comes in: `{ token, value }`, as LSP's. */
export const PROGRESS_NOTIFICATION = '$/progress';
