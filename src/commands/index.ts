import { dispatchCommands } from './dispatch';
import { gettingStartedCommands } from './gettingStarted';
import { previewCommands } from './preview';
import { resultCommands } from './results';
import { serverCommands } from './servers';
import type { CommandTable } from './types';
import { viewCommands } from './views';

export { registerCommands } from './registry';

/** Every command the extension contributes: one table, registered in one place. */
export const commandTable: CommandTable = {
  ...dispatchCommands,
  ...previewCommands,
  ...viewCommands,
  ...resultCommands,
  ...serverCommands,
  ...gettingStartedCommands,
};
