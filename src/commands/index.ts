import { dispatchCommands } from './dispatch';
import { executorCommands } from './executors';
import { gettingStartedCommands } from './gettingStarted';
import { replayCommands } from './replay';
import { previewCommands } from './preview';
import { resultCommands } from './results';
import { serverCommands } from './servers';
import { valueCommands } from './values';
import type { CommandTable } from './types';
import { viewCommands } from './views';

export { registerCommands } from './registry';

/** Every command the extension contributes: one table, registered in one place. */
export const commandTable: CommandTable = {
  ...dispatchCommands,
  ...executorCommands,
  ...previewCommands,
  ...viewCommands,
  ...resultCommands,
  ...serverCommands,
  ...gettingStartedCommands,
  ...replayCommands,
  ...valueCommands,
};
