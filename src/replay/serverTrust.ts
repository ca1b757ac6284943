import * as vscode from 'vscode';
import { isLoopback, normalizeAddress } from '../covalent/servers';
import { UserCancelled } from '../util/errors';

const TRUSTED_SERVERS_KEY = 'covalent.replayTrustedServers';

/**
 * Running or debugging a task here unpickles what its server recorded (inputs,
 * maybe the stored function): code from that server runs on this machine. A
 * server on this machine is the person's own; another is asked about once, and
 * the answer is remembered (for every workspace: it is about the server).
 */
export class ReplayServerTrust {
  constructor(private readonly memory: vscode.Memento) {}

  isTrusted(address: string): boolean {
    return isLoopback(address) || this.trusted().includes(normalizeAddress(address));
  }

  /** Resolves when the server's recorded code may run here; a person who declines cancels the command. */
  async require(address: string, what: string): Promise<void> {
    if (this.isTrusted(address)) return;
    const run = 'Run Code From This Server';
    const answer = await vscode.window.showWarningMessage(
      `${what} runs code that the server ${address} recorded, on this machine.`,
      {
        modal: true,
        detail:
          'The recorded inputs (and the stored function, when asked for) are unpickled here, and unpickling can run any code the server put there. ' +
          'Go on only if you trust this server. The answer is remembered for it.',
      },
      run,
    );
    if (answer !== run) throw new UserCancelled();
    await this.memory.update(TRUSTED_SERVERS_KEY, [...this.trusted(), normalizeAddress(address)]);
  }

  private trusted(): string[] {
    const stored = this.memory.get<unknown>(TRUSTED_SERVERS_KEY);
    return Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === 'string') : [];
  }
}
