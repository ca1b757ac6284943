import type * as vscode from 'vscode';
import type { BridgeProcess, ProgressListener } from '../bridge/bridgeProcess';
import { BridgeError, type BridgeMethod, type BridgeMethods, type RequestLimits, type ServerTokens } from '../bridge/protocol';
import type { Core } from '../core';
import { readProfiles } from '../executors/choice';
import { chooseInterpreter, type InterpreterChoice } from '../interpreter/interpreter';
import { workflowFileOf } from '../notebook/notebookCells';
import { adviseOn, type BridgeCall } from './errorAdvice';

/**
 * Calls into the user's Python: the interpreter for a file, its warm bridge
 * (checked to have Covalent), the tokens of the servers a call talks to, the
 * limits from the settings, and failures turned into messages that say what to do.
 */
export class BridgeCalls {
  constructor(private readonly core: Core) {}

  /** A started bridge whose interpreter has Covalent. */
  async bridgeFor(resource: vscode.Uri | undefined): Promise<{ bridge: BridgeProcess; interpreter: InterpreterChoice }> {
    const interpreter = await chooseInterpreter(resource && workflowFileOf(resource), this.core.output);
    const bridge = this.core.bridges.get(interpreter.path);
    const info = await bridge.ready;
    if (!info.covalentVersion) {
      this.core.output.warn(`covalent cannot be imported by ${info.executable}:\n${info.covalentImportError ?? ''}`);
      throw new BridgeError(
        `Covalent is not installed in the interpreter ${interpreter.path} (${describeSource(interpreter)}). ` +
          'Install it ("Install Covalent" runs pip install covalent in a terminal), or choose an interpreter that has it.',
        { kind: 'covalentMissing', executable: interpreter.path },
      );
    }
    return { bridge, interpreter };
  }

  async request<M extends BridgeMethod>(
    resource: vscode.Uri | undefined,
    method: M,
    params: BridgeMethods[M][0],
    token?: vscode.CancellationToken,
    onProgress?: ProgressListener,
  ): Promise<BridgeMethods[M][1]> {
    const { bridge } = await this.bridgeFor(resource);
    const servers = serversOf(params);
    const tokens = await this.tokensFor(servers);
    const { buildTimeoutSeconds, requestTimeoutMs } = this.core.settings.current;
    const limits: RequestLimits['limits'] = { buildSeconds: buildTimeoutSeconds, requestSeconds: requestTimeoutMs / 1000 };
    try {
      return await bridge.request(method, { ...params, limits, ...(Object.keys(tokens).length ? { tokens } : {}) }, token, onProgress);
    } catch (error) {
      throw this.explain(error, { method, server: servers[0], tokenSent: servers[0] !== undefined && servers[0] in tokens });
    }
  }

  /** Adds what to do next to the bridge's own description of a failure. */
  explain(error: unknown, call?: BridgeCall): unknown {
    const settings = this.core.settings.current;
    const profileNames = () => [...readProfiles(settings.executors).profiles.keys()];
    return adviseOn(error, { dispatcherAddress: settings.dispatcherAddress, profileNames, logError: (text) => this.core.output.error(text) }, call);
  }

  /** The tokens of the servers a bridge call talks to: the SDK's requests carry them, each to its own server. */
  private async tokensFor(servers: readonly string[]): Promise<Record<string, string>> {
    const tokens: Record<string, string> = {};
    for (const server of servers) {
      const token = await this.core.servers.tokenOf(server);
      if (token) tokens[server] = token;
    }
    return tokens;
  }
}

/** The servers a bridge call talks to, the main one first. */
function serversOf(params: object): string[] {
  const { dispatcherAddress, triggersServerAddress } = params as { dispatcherAddress?: unknown; triggersServerAddress?: unknown } & ServerTokens;
  return [dispatcherAddress, triggersServerAddress].filter((address, index, all): address is string => typeof address === 'string' && all.indexOf(address) === index);
}

function describeSource(choice: InterpreterChoice): string {
  switch (choice.source) {
    case 'python-extension':
      return 'selected in the Python extension';
    case 'setting':
      return 'from the covalent.pythonPath setting';
    default:
      return 'the default, as neither the Python extension nor covalent.pythonPath chose one';
  }
}
