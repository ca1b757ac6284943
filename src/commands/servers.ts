import * as vscode from 'vscode';
import { addressProblem, normalizeAddress, resolveServer, sameAddress, serverAt, serverLabel } from '../covalent/servers';
import type { Services } from '../services';
import { UserCancelled } from '../util/errors';
import { readAddress, readServerChoice, readToken } from './arguments';
import { command, type CommandTable } from './types';
import { Commands, focusViewCommand, Views } from '../util/commandIds';

/**
 * Which server the extension talks to, and the tokens it sends: the active server
 * (`covalent.dispatcherAddress`), switching between the named ones of
 * `covalent.servers` (the status bar's picker), and each server's token.
 */
export const serverCommands: CommandTable = {
  [Commands.useServer]: command(async (services, invocation) => {
    const given = invocation.argument as { name?: unknown; address?: unknown } | undefined;
    const named = typeof given === 'object' && given !== null && (given.name !== undefined || given.address !== undefined);
    if (!invocation.interactive || named) {
      const address = resolveServer(services.settings.current.servers, readServerChoice(invocation.argument));
      return useAddress(services, address);
    }
    return pickServer(services);
  }),

  [Commands.configureServer]: command(async (services, invocation) => {
    const address = invocation.interactive ? await askForAddress(services) : readAddress(invocation.argument);
    const problem = addressProblem(address);
    if (problem) throw new Error(problem);
    return useAddress(services, normalizeAddress(address));
  }),

  [Commands.setServerToken]: command(async (services, invocation) => {
    const given = invocation.argument !== undefined ? readToken(invocation.argument) : {};
    const address = normalizeAddress(given.address ?? services.settings.current.dispatcherAddress);
    const problem = addressProblem(address);
    if (problem) throw new Error(problem);
    let token = given.token;
    if (invocation.interactive) {
      const typed = await vscode.window.showInputBox({
        title: `Token for ${serverLabel(services.settings.current.servers, address)} (${address})`,
        prompt: 'Sent as "Authorization: Bearer …" to this server only. Kept in VS Code\'s secret storage. Empty removes it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (typed === undefined) throw new UserCancelled();
      token = typed.trim() || undefined;
    }
    await services.servers.setToken(address, token);
    if (invocation.interactive) void vscode.window.showInformationMessage(token ? `Covalent: token for ${address} saved.` : `Covalent: token for ${address} removed.`);
    return token !== undefined;
  }),
};

/**
 * Makes `address` the active server, where the setting is kept (a workspace that
 * sets it keeps its own); resolves once every part sees the new address.
 */
async function useAddress(services: Services, address: string): Promise<string> {
  if (sameAddress(services.settings.current.dispatcherAddress, address)) return services.settings.current.dispatcherAddress;
  const section = vscode.workspace.getConfiguration('covalent');
  const where = section.inspect<string>('dispatcherAddress');
  const target = where?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  let subscription: vscode.Disposable | undefined;
  const changed = new Promise<boolean>((resolve) => {
    subscription = services.settings.onDidChange(({ current }) => sameAddress(current.dispatcherAddress, address) && resolve(true));
  });
  try {
    await section.update('dispatcherAddress', address, target);
    const seen = await Promise.race([changed, new Promise<boolean>((resolve) => setTimeout(() => resolve(sameAddress(services.settings.current.dispatcherAddress, address)), 5000))]);
    if (!seen) throw new Error(`covalent.dispatcherAddress is still ${services.settings.current.dispatcherAddress}: a setting elsewhere (a workspace folder or policy) overrides it.`);
  } finally {
    subscription?.dispose();
  }
  services.output.info(`Active Covalent server: ${serverLabel(services.settings.current.servers, address)} (${address})`);
  return services.settings.current.dispatcherAddress;
}

async function askForAddress(services: Services): Promise<string> {
  const address = await vscode.window.showInputBox({
    title: 'Covalent server address',
    prompt: 'The server every command uses, e.g. http://localhost:48008 or https://covalent.example.org',
    value: services.settings.current.dispatcherAddress,
    validateInput: (value) => addressProblem(value),
    ignoreFocusOut: true,
  });
  if (address === undefined) throw new UserCancelled();
  return address;
}

type PickAction = { readonly address: string } | { readonly run: 'other' | 'token' | 'settings' | 'dispatches' };

/** The status bar's picker: the named servers, another address, the active server's token, the Dispatches view. */
async function pickServer(services: Services): Promise<string | undefined> {
  const { servers, dispatcherAddress } = services.settings.current;
  type Item = vscode.QuickPickItem & { readonly action?: PickAction };
  const serverItem = (name: string, address: string): Item => {
    const active = sameAddress(address, dispatcherAddress);
    return { label: `${active ? '$(check)' : '$(server)'} ${name}`, description: address, detail: active ? 'active' : undefined, action: { address } };
  };
  const items: Item[] = servers.map((server) => serverItem(server.name, server.address));
  if (!serverAt(servers, dispatcherAddress)) items.unshift(serverItem(serverLabel(servers, dispatcherAddress), dispatcherAddress));
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(add) Other Server Address…', action: { run: 'other' } },
    { label: '$(key) Set Server Token…', description: `for ${serverLabel(servers, dispatcherAddress)}`, action: { run: 'token' } },
    { label: '$(settings-gear) Edit Servers…', description: 'covalent.servers', action: { run: 'settings' } },
    { label: '$(list-tree) Show Dispatches', action: { run: 'dispatches' } },
  );
  const picked = await vscode.window.showQuickPick(items, { title: 'Covalent server', placeHolder: `Active: ${serverLabel(servers, dispatcherAddress)} (${dispatcherAddress})`, matchOnDescription: true });
  const action = picked?.action;
  if (!action) throw new UserCancelled();
  if ('address' in action) return useAddress(services, action.address);
  switch (action.run) {
    case 'other':
      return useAddress(services, normalizeAddress(await askForAddress(services)));
    case 'token':
      await vscode.commands.executeCommand(Commands.setServerToken);
      return dispatcherAddress;
    case 'settings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'covalent.servers');
      return dispatcherAddress;
    case 'dispatches':
      await vscode.commands.executeCommand(focusViewCommand(Views.dispatches));
      return dispatcherAddress;
  }
}
