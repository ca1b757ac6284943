import * as vscode from 'vscode';
import { normalizeAddress } from '../config';
import type { CovalentContext } from '../context';
import { DISPATCH_STATUSES, DispatchStatus, isDispatchStatus } from '../store/types';
import { LIST_STATUS_FILTERS } from '../covalent/client';
import { dispatchDescription, dispatchLabel, humanStatus } from '../views/format';
import { LOAD_MORE_COMMAND } from '../views/dispatchesTree';
import type { LiveStatusViews } from '../views/liveStatusViews';
import { CommandTable } from './types';

/**
 * Commands of the Dispatches tree and status bar (issue: live status). A handler
 * takes a tree row (context menu), `{ dispatchId }` (other extensions, tests), or
 * nothing (palette: it asks).
 */
export const viewCommands: CommandTable = {
  'covalent.refresh': async (context) => {
    await views(context).live.refresh();
  },
  [LOAD_MORE_COMMAND]: async (context) => {
    await views(context).live.loadMore();
  },
  'covalent.copyDispatchId': async (context, argument) => {
    const dispatchId = await dispatchIdFrom(context, argument, 'Copy the id of which dispatch?');
    if (!dispatchId) return undefined;
    await vscode.env.clipboard.writeText(dispatchId);
    if (argument === undefined || isTreeRow(argument)) void vscode.window.setStatusBarMessage(`Copied dispatch id ${dispatchId}`, 3000);
    return dispatchId;
  },
  'covalent.openInCovalentUI': async (context, argument) => {
    const dispatchId = await dispatchIdFrom(context, argument, 'Open which dispatch in the Covalent UI?');
    if (!dispatchId) return undefined;
    const url = views(context).live.client.uiUrl(dispatchId);
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  },
  'covalent.deleteDispatch': async (context, argument) => {
    const dispatchId = await dispatchIdFrom(context, argument, 'Delete which dispatch from the server?');
    if (!dispatchId) return false;
    if (argument === undefined || isTreeRow(argument)) {
      const label = dispatchLabel(context.store.get(dispatchId) ?? { dispatchId, status: 'NEW_OBJECT' });
      const choice = await vscode.window.showWarningMessage(
        `Delete dispatch "${label}" (${dispatchId}) from the Covalent server? Its results are deleted too.`,
        { modal: true },
        'Delete',
      );
      if (choice !== 'Delete') return false;
    }
    await views(context).live.delete([dispatchId]);
    return true;
  },
  'covalent.goToSource': async (context, argument) => goToSource(context, argument),
  'covalent.filterDispatches': async (context, argument) => {
    const live = views(context).live;
    if (isFilterArgument(argument)) {
      await live.setFilter({ search: argument.search || undefined, status: argument.status });
      return context.store.listing.filter;
    }
    const current = context.store.listing.filter;
    const statusPick = await vscode.window.showQuickPick(
      [
        { label: 'All statuses', status: undefined as DispatchStatus | undefined, picked: !current.status },
        ...LIST_STATUS_FILTERS.map((status) => ({ label: humanStatus(status), status: status as DispatchStatus, picked: current.status === status })),
      ],
      { title: 'Filter dispatches (1/2): status', placeHolder: current.status ? `now: ${humanStatus(current.status)}` : 'now: all statuses' },
    );
    if (!statusPick) return undefined;
    const search = await vscode.window.showInputBox({
      title: 'Filter dispatches (2/2): lattice name or dispatch id',
      prompt: 'Part of a lattice name or dispatch id; empty shows all.',
      value: current.search ?? '',
    });
    if (search === undefined) return undefined;
    await live.setFilter({ search: search.trim() || undefined, status: statusPick.status });
    return context.store.listing.filter;
  },
  'covalent.configureServer': async (context, argument) => {
    const given = typeof argument === 'object' && argument !== null && typeof (argument as { address?: unknown }).address === 'string' ? (argument as { address: string }).address : undefined;
    const address =
      given ??
      (await vscode.window.showInputBox({
        title: 'Covalent server address',
        prompt: 'The dispatcher address every command uses, e.g. http://localhost:48008',
        value: context.config.dispatcherAddress,
        validateInput: (value) => addressProblem(value),
      }));
    if (address === undefined) return undefined;
    const problem = addressProblem(address);
    if (problem) throw new Error(problem);
    const normalized = normalizeAddress(address);
    await vscode.workspace.getConfiguration('covalent').update('dispatcherAddress', normalized, vscode.ConfigurationTarget.Global);
    return normalized;
  },
  'covalent.setServerToken': async (context, argument) => {
    const given = typeof argument === 'object' && argument !== null && 'token' in argument ? (argument as { token?: unknown }).token : undefined;
    let token: string | undefined;
    if (argument !== undefined) {
      token = typeof given === 'string' && given ? given : undefined;
    } else {
      const typed = await vscode.window.showInputBox({
        title: `Token for ${context.config.dispatcherAddress}`,
        prompt: 'Sent as "Authorization: Bearer …" to this server only. Kept in VS Code\'s secret storage. Empty removes it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (typed === undefined) return undefined;
      token = typed.trim() || undefined;
    }
    await views(context).setToken(token);
    if (argument === undefined) void vscode.window.showInformationMessage(token ? 'Covalent: server token saved.' : 'Covalent: server token removed.');
    return token !== undefined;
  },
};

function views(context: CovalentContext): LiveStatusViews {
  const live = context.liveStatus;
  if (!live) throw new Error('Live status is not running yet.');
  return live;
}

/** A row of the Dispatches tree (what the context menu passes). */
function isTreeRow(argument: unknown): argument is { kind: 'dispatch' | 'task'; dispatchId: string; nodeId?: number } {
  return typeof argument === 'object' && argument !== null && 'kind' in argument && 'dispatchId' in argument;
}

function isFilterArgument(argument: unknown): argument is { search?: string; status?: DispatchStatus } {
  if (typeof argument !== 'object' || argument === null) return false;
  const { search, status } = argument as { search?: unknown; status?: unknown };
  if (search !== undefined && typeof search !== 'string') throw new Error('filterDispatches: "search" must be text.');
  if (status !== undefined && !isDispatchStatus(status)) throw new Error(`filterDispatches: "status" must be one of ${DISPATCH_STATUSES.join(', ')}.`);
  return true;
}

async function dispatchIdFrom(context: CovalentContext, argument: unknown, question: string): Promise<string | undefined> {
  if (typeof argument === 'string' && argument) return argument;
  if (typeof argument === 'object' && argument !== null) {
    const dispatchId = (argument as { dispatchId?: unknown }).dispatchId;
    if (typeof dispatchId === 'string' && dispatchId) return dispatchId;
    throw new Error('Expected { dispatchId }.');
  }
  const picked = await vscode.window.showQuickPick(
    context.store.all().map((dispatch) => ({ label: dispatchLabel(dispatch), description: humanStatus(dispatch.status), detail: `${dispatch.dispatchId} · ${dispatchDescription(dispatch)}`, dispatchId: dispatch.dispatchId })),
    { title: question, matchOnDetail: true },
  );
  return picked?.dispatchId;
}

/** A task row → its electron's `def`; a dispatch row → its lattice. Uses the language server's symbols. */
async function goToSource(context: CovalentContext, argument: unknown): Promise<boolean> {
  const dispatchId = await dispatchIdFrom(context, argument, 'Go to the source of which dispatch?');
  if (!dispatchId) return false;
  const dispatch = context.store.get(dispatchId);
  const fileUri = dispatch?.origin?.fileUri;
  if (!fileUri) throw new Error(`Dispatch ${dispatchId} was not made from this editor, so its source file is unknown.`);
  let name = dispatch.origin?.latticeName;
  const nodeId = (argument as { nodeId?: unknown } | undefined)?.nodeId;
  if (typeof nodeId === 'number') name = context.store.graph(dispatchId)?.tasks.find((task) => task.nodeId === nodeId)?.name ?? name;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(fileUri));
  const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', document.uri)) ?? [];
  const flat: vscode.DocumentSymbol[] = [];
  const visit = (symbol: vscode.DocumentSymbol) => {
    flat.push(symbol);
    for (const child of symbol.children ?? []) visit(child);
  };
  symbols.forEach(visit);
  const target = flat.find((symbol) => symbol.name === name && ['lattice', 'electron', 'sublattice'].includes(symbol.detail));
  let range = target?.selectionRange;
  if (!range && name) {
    const index = document.getText().search(new RegExp(`def\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\(`));
    if (index >= 0) {
      const start = document.positionAt(index + document.getText().slice(index).indexOf(name));
      range = new vscode.Range(start, start.translate(0, name.length));
    }
  }
  await vscode.window.showTextDocument(document, { selection: range, preserveFocus: false });
  return range !== undefined;
}

function addressProblem(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The address must start with http:// or https://.';
    return undefined;
  } catch {
    return 'Not an address: type something like http://localhost:48008.';
  }
}
