import * as vscode from 'vscode';
import type { CovalentContext } from '../context';
import { resultPanels } from '../webview/resultPanel';
import { CommandTable } from './types';

/** Covalent dispatch ids are UUIDs; anything else the server would answer 404 for. */
const DISPATCH_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** `{ dispatchId }` from the API or a tree item; a bare id string also works. */
function dispatchIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string') return argument.trim();
  if (typeof argument === 'object' && argument !== null && 'dispatchId' in argument) {
    const value = (argument as { dispatchId: unknown }).dispatchId;
    return typeof value === 'string' ? value.trim() : undefined;
  }
  return undefined;
}

async function askForDispatch(context: CovalentContext): Promise<string | undefined> {
  const typeId = { label: '$(edit) Enter a dispatch id…', dispatchId: undefined as string | undefined };
  const items = [
    ...context.store.all().map((dispatch) => ({
      label: dispatch.name ?? dispatch.origin?.latticeName ?? dispatch.dispatchId,
      description: dispatch.status,
      detail: dispatch.dispatchId,
      dispatchId: dispatch.dispatchId as string | undefined,
    })),
    typeId,
  ];
  const picked = items.length > 1 ? await vscode.window.showQuickPick(items, { title: 'Open the result of a dispatch', matchOnDetail: true }) : typeId;
  if (!picked) return undefined;
  if (picked.dispatchId) return picked.dispatchId;
  const typed = await vscode.window.showInputBox({
    title: 'Open the result of a dispatch',
    prompt: 'Dispatch id (as printed by ct.dispatch)',
    validateInput: (value) => (DISPATCH_ID.test(value.trim()) ? undefined : 'A dispatch id looks like 4ec8b431-d437-4bf6-b364-f37a4ef5c082.'),
  });
  return typed?.trim();
}

/** The result panel. */
export const resultCommands: CommandTable = {
  'covalent.openResult': async (context, argument) => {
    const dispatchId = argument === undefined ? await askForDispatch(context) : dispatchIdOf(argument);
    if (argument !== undefined && !dispatchId) throw new Error('covalent.openResult needs { dispatchId: string }.');
    if (!dispatchId) return undefined;
    if (!DISPATCH_ID.test(dispatchId)) throw new Error(`"${dispatchId}" is not a Covalent dispatch id (a UUID such as 4ec8b431-d437-4bf6-b364-f37a4ef5c082).`);
    resultPanels(context).open(dispatchId);
    return { dispatchId };
  },
};
