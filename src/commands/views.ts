import { CommandTable } from './types';

/** Commands of the Dispatches tree and status bar (issue: live status). */
export const viewCommands: CommandTable = {};
