import { BridgeError, type BridgeMethod, isBridgeError } from '../bridge/protocol';
import { meansTokenWanted, TokenWantedError } from '../covalent/errors';
import { isDefaultLocalAddress } from '../localServer/localServer';

/** What a failed bridge call was doing, for its message: which server, and whether it had a token. */
export interface BridgeCall {
  readonly method: BridgeMethod;
  readonly server?: string;
  readonly tokenSent: boolean;
}

/** What the advice needs to know of the editor: no `vscode` here, so it tests in plain Node. */
export interface AdviceContext {
  /** The active server, for failures that name no server. */
  readonly dispatcherAddress: string;
  /** The executor profiles the covalent.executors setting defines. */
  readonly profileNames: () => readonly string[];
  /** Where the bridge's traceback goes. */
  readonly logError: (text: string) => void;
}

/** Errors that already carry their advice (a failure may pass through twice). */
const advised = new WeakSet<Error>();

/** Adds what to do next to the bridge's own description of a failure; anything else passes unchanged. */
export function adviseOn(error: unknown, context: AdviceContext, call?: BridgeCall): unknown {
  if (!isBridgeError(error) || advised.has(error)) return error;
  const result = describe(error, context, call);
  advised.add(result);
  return result;
}

function describe(error: BridgeError, context: AdviceContext, call: BridgeCall | undefined): Error {
  if (error.data.traceback) context.logError(`${error.message}\n${error.data.traceback}`);
  const address = call?.server ?? context.dispatcherAddress;
  if (error.kind === 'serverError' && meansTokenWanted(error.data.status)) {
    const status = error.data.status ?? 401;
    const wanted = new TokenWantedError(address, status, error.message, address, call?.tokenSent ?? false);
    if (call?.method === 'dispatch' || call?.method === 'redispatch') wanted.message += ' Nothing was dispatched.';
    return wanted;
  }
  switch (error.kind) {
    case 'serverUnreachable':
      if (error.data.timedOut) {
        // Reached but slow: a registration it was sent may still complete, so "nothing was dispatched" would be a guess.
        return new BridgeError(
          `The Covalent server at ${address} did not answer within the request timeout; it may be busy, and what it was sent may still arrive in the Dispatches view. ` +
            'The covalent.requestTimeoutMs setting sets how long to wait.',
          error.data,
        );
      }
      return new BridgeError(
        `The Covalent server at ${address} did not answer; nothing was dispatched. ` +
          (isDefaultLocalAddress(address) ? 'Start it (Covalent: Start Local Server) ' : 'Check that it runs ') +
          'or change the covalent.dispatcherAddress setting.',
        error.data,
      );
    case 'sdkError':
      if (/TypeError: .*(missing \d+ required|required positional argument|unexpected keyword)/.test(error.message)) {
        return new BridgeError(`${error.message} Give the workflow's inputs (Covalent: Dispatch with Inputs…).`, error.data);
      }
      return error;
    case 'importFailed':
      return new BridgeError(`${error.message} (the traceback is in the Covalent output); nothing was dispatched.`, error.data);
    case 'inputsMissing':
    case 'inputsMismatch':
      return new BridgeError(`${error.message} Give its inputs (Covalent: Dispatch with Inputs…, or \`args\`); nothing was dispatched.`, error.data);
    case 'graphFailed':
      return new BridgeError(`${error.message} Nothing was dispatched; the traceback is in the Covalent output.`, error.data);
    case 'inputSyntax':
    case 'inputEvaluation':
    case 'latticeNotFound':
    case 'notALattice':
    case 'notebookCell':
    case 'fileRequired':
    case 'dispatchNotFound':
    case 'dispatchNotFinished':
    case 'notPicklable':
    case 'executorArguments':
    case 'electronNotInWorkflow':
      return new BridgeError(`${error.message} Nothing was dispatched.`, error.data);
    case 'executorNotInstalled':
      return new BridgeError(`${error.message}${profilesHint(error, context.profileNames())} Nothing was dispatched.`, error.data);
    default:
      return error;
  }
}

/** A name that is neither a profile nor a plugin: which profiles there are. */
function profilesHint(error: BridgeError, names: readonly string[]): string {
  if (error.data.profile) return '';
  return names.length ? ` Profiles: ${names.join(', ')}.` : ' Add a profile to the covalent.executors setting, for example "cluster": { "executor": "dask", "scheduler_address": "tcp://10.0.0.5:8786" }.';
}
