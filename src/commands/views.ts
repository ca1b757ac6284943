import * as vscode from 'vscode';
import { LIST_STATUS_FILTERS } from '../covalent/client';
import type { Services } from '../services';
import type { DispatchStatus } from '../store/types';
import { dispatchLabel, humanStatus } from '../views/format';
import type { WorkflowLatticeElement } from '../views/workflowsTree';
import { readDispatchId, readFilter } from './arguments';
import type { Invocation } from '../util/invocation';
import { pickDispatch } from './prompts';
import { command, type CommandTable } from './types';
import { Commands } from '../util/commandIds';

/**
 * Commands of the Dispatches tree, the status bar and the server settings. A
 * handler takes a tree row (context menu), `{ dispatchId }` (other extensions,
 * tests), or nothing (palette: it asks).
 */
export const viewCommands: CommandTable = {
  [Commands.showOutput]: command((services) => services.output.show(true)),
  [Commands.refresh]: command(async (services) => {
    await services.liveViews.poller.refresh();
  }),
  [Commands.loadMoreDispatches]: command(async (services) => {
    await services.liveViews.poller.loadMore();
  }),
  // The tree's row (or `{ dispatchId }`): one page more of its task rows; answers how many it shows.
  [Commands.showMoreTasks]: command((services, invocation) => services.liveViews.tree.showMoreTasks(readDispatchId(invocation.argument))),
  [Commands.copyDispatchId]: command(async (services, invocation) => {
    const dispatchId = await dispatchIdOf(services, invocation, 'Copy the id of which dispatch?');
    await vscode.env.clipboard.writeText(dispatchId);
    if (invocation.interactive) void vscode.window.setStatusBarMessage(`Copied dispatch id ${dispatchId}`, 3000);
    return dispatchId;
  }),
  [Commands.openInCovalentUI]: command(async (services, invocation) => {
    const dispatchId = await dispatchIdOf(services, invocation, 'Open which dispatch in the Covalent UI?');
    const url = services.servers.client(services.dispatch.serverOf(dispatchId)).uiUrl(dispatchId);
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  }),
  [Commands.deleteDispatch]: command(async (services, invocation) => {
    const dispatchId = await dispatchIdOf(services, invocation, 'Delete which dispatch from the server?');
    if (invocation.interactive) {
      const label = dispatchLabel(services.store.get(dispatchId) ?? { dispatchId, status: 'NEW_OBJECT' });
      const choice = await vscode.window.showWarningMessage(`Delete dispatch "${label}" (${dispatchId}) from the Covalent server? Its results are deleted too.`, { modal: true }, 'Delete');
      if (choice !== 'Delete') return false;
    }
    await services.liveViews.poller.delete([dispatchId]);
    return true;
  }),
  [Commands.goToSource]: command(async (services, invocation) => {
    // A Workflows row: the lattice it shows.
    const row = invocation.argument as Partial<WorkflowLatticeElement> | undefined;
    if (row?.type === 'lattice' && row.symbol) return services.locator.showLattice(row.symbol);
    const dispatchId = await dispatchIdOf(services, invocation, 'Go to the source of which dispatch?');
    const dispatch = services.store.get(dispatchId);
    const nodeId = (invocation.argument as { nodeId?: unknown } | undefined)?.nodeId;
    const task = typeof nodeId === 'number' ? services.store.graph(dispatchId)?.tasks.find((candidate) => candidate.nodeId === nodeId) : undefined;
    const name = task?.name ?? dispatch?.origin?.latticeName ?? dispatch?.name;
    if (!name) throw new Error(`Dispatch ${dispatchId} has no lattice name yet: its source cannot be found.`);
    const fileUri = dispatch?.origin?.fileUri;
    const found = await services.locator.reveal(name, { preferred: fileUri ? [vscode.Uri.parse(fileUri)] : [], kinds: task ? ['electron', 'sublattice'] : ['lattice'] });
    if (!found) throw new Error(`No definition of ${name} found in this workspace.`);
    return found;
  }),
  [Commands.filterDispatches]: command(async (services, invocation) => {
    const poller = services.liveViews.poller;
    if (!invocation.interactive) {
      const { search, status } = readFilter(invocation.argument);
      await poller.setFilter({ search: search || undefined, status });
      return services.store.listing.filter;
    }
    const current = services.store.listing.filter;
    const statusPick = await vscode.window.showQuickPick(
      [
        { label: 'All statuses', status: undefined as DispatchStatus | undefined, picked: !current.status },
        ...LIST_STATUS_FILTERS.map((status) => ({ label: humanStatus(status), status: status, picked: current.status === status })),
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
    await poller.setFilter({ search: search.trim() || undefined, status: statusPick.status });
    return services.store.listing.filter;
  }),
};

/** The dispatch a row, panel or API call names; from the palette, the one the person picks. */
function dispatchIdOf(services: Services, invocation: Invocation, title: string): Promise<string> | string {
  return invocation.argument !== undefined ? readDispatchId(invocation.argument) : pickDispatch(services, { title });
}
