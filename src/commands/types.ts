import type { Services } from '../services';
import type { Invocation } from '../util/invocation';

/** A command, built once from the services it uses. */
export interface Command {
  /**
   * Set for commands that run the workspace's Python (its workflow files and
   * interpreter): what they do, for the message that says they are off in
   * Restricted Mode. The registry refuses them there before anything is asked.
   */
  readonly runsUserCode?: string;
  run(invocation: Invocation): unknown;
}

/** Builds a command from the fully built services. */
export type CommandFactory = (services: Services) => Command;

/** Command id → factory: every module's commands, registered in one place. */
export type CommandTable = Readonly<Record<string, CommandFactory>>;

/** A command that runs user code (see `Command.runsUserCode`). */
export function runsUserCode(what: string, run: (services: Services, invocation: Invocation) => unknown): CommandFactory {
  return (services) => ({ runsUserCode: what, run: (invocation) => run(services, invocation) });
}

/** A command that only reads or shows things. */
export function command(run: (services: Services, invocation: Invocation) => unknown): CommandFactory {
  return (services) => ({ run: (invocation) => run(services, invocation) });
}
