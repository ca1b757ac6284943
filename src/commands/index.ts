import { dispatchCommands } from './dispatch';
import { replayCommands } from './replay';
import { resultCommands } from './results';
import type { CommandTable } from './types';
import { viewCommands } from './views';

export { registerCommands } from './registry';

/** Every command the extension contributes: one table, registered in one place. */
export const commandTable: CommandTable = {
  ...dispatchCommands,
  ...viewCommands,
  ...resultCommands,
  ...replayCommands,
};
