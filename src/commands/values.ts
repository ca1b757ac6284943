import * as vscode from 'vscode';
import type { RenderedValue } from '../values/rendered';
import { ArgumentError, readValueRequest } from './arguments';
import { pickDispatch } from './prompts';
import { command, type CommandTable } from './types';
import { Commands } from '../util/commandIds';

/** Drawn values: what the result panel shows of one value, as data. */
export const valueCommands: CommandTable = {
  [Commands.renderValue]: command(async (services, invocation) => {
    if (invocation.argument === undefined) {
      // From the palette: the panel is where a value is looked at.
      const dispatchId = await pickDispatch(services, { title: 'Show the values of a dispatch', allowTyping: true });
      services.panels.open(dispatchId);
      return undefined;
    }
    let request: ReturnType<typeof readValueRequest>;
    try {
      request = readValueRequest(invocation.argument);
    } catch (error) {
      throw error instanceof ArgumentError ? error : new ArgumentError(String(error));
    }
    const drawn = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Covalent: drawing the value…' }, () => services.values.draw(request));
    return answer(drawn.value);
  }),
};

/** The value as data: pictures by their type and size (the panel loads their bytes from files). */
function answer(value: RenderedValue): RenderedValue {
  if (value.kind === 'image') {
    return { kind: 'image', mime: value.mime, width: value.width, height: value.height, bytes: value.bytes, ...(value.pixelRatio === undefined ? {} : { pixelRatio: value.pixelRatio }), ...(value.source === undefined ? {} : { source: value.source }) };
  }
  if (value.kind === 'mapping') return { ...value, entries: value.entries.map((entry) => ({ ...entry, value: answer(entry.value) })) };
  return value;
}
