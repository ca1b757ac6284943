import * as vscode from 'vscode';
import type { ElectronSource, ExecutorPlugin } from '../bridge/protocol';
import { describeChoice, type ExecutorChoice, isAsWritten, normalizeChoice, readProfiles } from '../executors/choice';
import { describeExecutor, executorText } from '../executors/describe';
import type { Services } from '../services';
import { UserCancelled } from '../util/errors';

/**
 * Asking a person where a workflow runs, without editing its code: as written,
 * a profile of `covalent.executors`, an executor plugin installed in the
 * interpreter, or any of these per electron. Dismissing a question throws
 * `UserCancelled`.
 */

type Pick =
  | { readonly kind: 'choice'; readonly choice: ExecutorChoice | undefined }
  | { readonly kind: 'executor'; readonly name: string }
  | { readonly kind: 'perElectron' }
  | { readonly kind: 'editProfiles' };

interface PickItem extends vscode.QuickPickItem {
  readonly pick?: Pick;
}

export interface ExecutorQuestion {
  readonly title: string;
  /** The lattice's file: its interpreter lists the plugins, and its electrons can be chosen one by one. */
  readonly uri?: vscode.Uri;
  /** The choice now (pre-selected). */
  readonly current?: ExecutorChoice;
  /** An answer offered first, such as "as the earlier dispatch ran" for a redispatch. */
  readonly keep?: { readonly label: string; readonly detail?: string; readonly choice: ExecutorChoice | undefined };
}

/** Asks where a lattice runs, its remembered choice pre-selected, and remembers the answer (normalised). */
export async function chooseWhereToRun(services: Services, target: { readonly uri: vscode.Uri; readonly lattice: string }): Promise<ExecutorChoice | undefined> {
  const current = services.choices.rememberedExecutors(target.uri, target.lattice);
  const choice = normalizeChoice(await askForExecutors(services, { title: `Where should ${target.lattice} run?`, uri: target.uri, current }));
  await services.choices.rememberExecutors(target.uri, target.lattice, choice);
  return choice;
}

/**
 * Where to run. Resolves with the choice: `{}` is "as written"; `keep`'s choice
 * comes back as given (`undefined` too).
 */
export async function askForExecutors(services: Services, question: ExecutorQuestion): Promise<ExecutorChoice | undefined> {
  const plugins = await installedPlugins(services, question.uri);
  const picked = await pickOne(question.title, [
    ...(question.keep ? [{ label: `$(history) ${question.keep.label}`, detail: question.keep.detail, pick: { kind: 'choice', choice: question.keep.choice } } satisfies PickItem] : []),
    {
      label: '$(code) As written',
      description: isAsWritten(question.current) && !question.keep ? 'current' : undefined,
      detail: "Each electron's executor as its decorator names it, else its lattice's, else the default.",
      pick: { kind: 'choice', choice: {} },
    },
    ...executorItems(services, plugins, question.current?.all),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: '$(list-selection) Per electron…',
      description: Object.keys(question.current?.electrons ?? {}).length ? describeChoice({ electrons: question.current?.electrons }) : undefined,
      detail: 'Choose electrons of this file and where they run; the others keep theirs.',
      pick: { kind: 'perElectron' },
    },
    { label: '$(settings-edit) Edit executor profiles…', detail: 'The covalent.executors setting: a name → { "executor": plugin, …its arguments }.', pick: { kind: 'editProfiles' } },
  ]);
  switch (picked.kind) {
    case 'choice':
      return picked.choice;
    case 'executor':
      return { all: picked.name };
    case 'perElectron':
      return perElectron(services, question, plugins);
    case 'editProfiles':
      await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'covalent.executors', edit: true } });
      throw new UserCancelled();
  }
}

async function installedPlugins(services: Services, uri: vscode.Uri | undefined): Promise<ExecutorPlugin[]> {
  const { plugins } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Covalent: listing executor plugins…' }, () =>
    services.bridgeCalls.request(uri, 'executorPlugins', {}),
  );
  return plugins;
}

/** Profiles, then installed plugins; `current` is marked. */
function executorItems(services: Services, plugins: readonly ExecutorPlugin[], current: string | undefined): PickItem[] {
  const { profiles, problems } = readProfiles(services.settings.current.executors);
  const installed = new Set(plugins.map((plugin) => plugin.name));
  const mark = (name: string) => (name === current ? 'current · ' : '');
  const items: PickItem[] = [{ label: 'Profiles (covalent.executors)', kind: vscode.QuickPickItemKind.Separator }];
  for (const [name, profile] of profiles) {
    const description = describeExecutor(profile.executor, { attributes: profile.args });
    items.push({
      label: `$(server-environment) ${name}`,
      description: `${mark(name)}${description ? executorText(description) : profile.executor}`,
      detail: installed.has(profile.executor) ? undefined : `$(warning) The plugin "${profile.executor}" is not installed in this interpreter.`,
      pick: { kind: 'executor', name },
    });
  }
  for (const [name, problem] of problems) items.push({ label: `$(warning) ${name}`, description: 'not usable', detail: problem });
  if (profiles.size + problems.size === 0) items.push({ label: '$(info) No profiles yet', detail: 'Add one with "Edit executor profiles…", for example a Dask cluster by its scheduler address.' });
  items.push({ label: 'Executor plugins installed in the interpreter', kind: vscode.QuickPickItemKind.Separator });
  for (const plugin of plugins) {
    items.push({
      label: `$(extensions) ${plugin.name}`,
      description: `${mark(plugin.name)}with the server's settings`,
      detail: `${plugin.className}${plugin.description ? `: ${plugin.description}` : ''}`,
      pick: { kind: 'executor', name: plugin.name },
    });
  }
  return items;
}

/** Electrons of the file, then where they run; the rest of the current choice stays. */
async function perElectron(services: Services, question: ExecutorQuestion, plugins: readonly ExecutorPlugin[]): Promise<ExecutorChoice | undefined> {
  if (!question.uri) throw new Error('Choosing executors per electron needs the workflow file: open it and run the command from its lens.');
  const { electrons } = await services.bridgeCalls.request(question.uri, 'electrons', await services.workflowSources.resolve(question.uri));
  if (!electrons.length) throw new Error(`${vscode.workspace.asRelativePath(question.uri)} defines no electrons to choose from.`);
  const current = question.current?.electrons ?? {};
  const chosen = await vscode.window.showQuickPick(
    electrons.map((electron) => ({ label: electron.name, description: current[electron.name] ? `on ${current[electron.name]}` : writtenExecutor(electron), picked: current[electron.name] !== undefined, electron })),
    { title: `${question.title}: which electrons?`, canPickMany: true, ignoreFocusOut: true },
  );
  if (!chosen?.length) throw new UserCancelled();
  const names = chosen.map((item) => item.electron.name);
  const where = await pickOne(`Run ${names.join(', ')} on…`, [
    { label: '$(code) As written', detail: 'Their executors as their decorators name them.', pick: { kind: 'choice', choice: undefined } },
    ...executorItems(services, plugins, undefined),
  ]);
  const electronsChoice: Record<string, string> = { ...current };
  for (const name of names) {
    if (where.kind === 'executor') electronsChoice[name] = where.name;
    else delete electronsChoice[name];
  }
  return normalizeChoice({ all: question.current?.all, electrons: electronsChoice }) ?? {};
}

function writtenExecutor(electron: ElectronSource): string {
  if (!electron.executor) return "as written: its lattice's executor";
  const description = describeExecutor(electron.executor, electron.executorData);
  return `as written: ${description ? executorText(description) : electron.executor}`;
}

async function pickOne(title: string, items: PickItem[]): Promise<Pick> {
  const quickPick = vscode.window.createQuickPick<PickItem>();
  quickPick.title = title;
  quickPick.items = items;
  quickPick.matchOnDescription = true;
  quickPick.ignoreFocusOut = true;
  const current = items.find((item) => item.description?.startsWith('current'));
  if (current) quickPick.activeItems = [current];
  try {
    return await new Promise<Pick>((resolve, reject) => {
      quickPick.onDidAccept(() => {
        const pick = quickPick.selectedItems[0]?.pick;
        if (pick) resolve(pick);
      });
      quickPick.onDidHide(() => reject(new UserCancelled()));
      quickPick.show();
    });
  } finally {
    quickPick.dispose();
  }
}
