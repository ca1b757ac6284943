import { ArgumentError, isDispatchId, readDispatchId } from './arguments';
import { pickDispatch } from './prompts';
import { command, type CommandTable } from './types';
import { Commands } from '../util/commandIds';

/** The result panel. */
export const resultCommands: CommandTable = {
  [Commands.openResult]: command(async (services, invocation) => {
    let dispatchId: string;
    if (invocation.argument === undefined) dispatchId = await pickDispatch(services, { title: 'Open the result of a dispatch', allowTyping: true });
    else {
      try {
        dispatchId = readDispatchId(invocation.argument);
      } catch {
        throw new ArgumentError('covalent.openResult needs { dispatchId: string }.');
      }
    }
    if (!isDispatchId(dispatchId)) throw new ArgumentError(`"${dispatchId}" is not a Covalent dispatch id (a UUID such as 4ec8b431-d437-4bf6-b364-f37a4ef5c082).`);
    services.panels.open(dispatchId);
    return { dispatchId };
  }),
};
