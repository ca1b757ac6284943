import { CommandTable } from './types';

/** The result panel (issue: result panel). */
export const resultCommands: CommandTable = {};
