import { CommandTable } from './types';

/** Dispatch, redispatch, cancel, triggers and the local server (issue: dispatch). */
export const dispatchCommands: CommandTable = {};
