import * as vscode from 'vscode';
import { describeChoice, type ExecutorChoice, readProfiles } from '../executors/choice';
import type { Services } from '../services';
import { readExecutorChoiceRequest, readTarget } from './arguments';
import { toUri } from './dispatch';
import { chooseWhereToRun } from './executorPrompts';
import { askForTarget } from './prompts';
import { type CommandTable, runsUserCode } from './types';
import { Commands } from '../util/commandIds';

/**
 * Where a lattice runs when a person dispatches it (its lens row says so):
 * chosen once, remembered for the lattice, applied at each dispatch without
 * editing the code.
 */
export const executorCommands: CommandTable = {
  [Commands.chooseExecutor]: runsUserCode('Choosing where a workflow runs', async (services, invocation) => {
    if (!invocation.interactive) {
      // The API sets the choice without asking; the names are checked now, not at the next dispatch.
      const request = readExecutorChoiceRequest(invocation.argument);
      const uri = toUri(request.uri);
      await checkNames(services, uri, request.executors);
      await services.choices.rememberExecutors(uri, request.lattice, request.executors);
      return request.executors;
    }
    const given = invocation.argument !== undefined ? readTarget(invocation.argument) : {};
    const target = given.uri && given.lattice ? { uri: vscode.Uri.parse(given.uri), lattice: given.lattice } : await askForTarget(services);
    const choice = await chooseWhereToRun(services, target);
    void vscode.window.setStatusBarMessage(`Covalent: ${target.lattice} runs ${describeChoice(choice)} when dispatched from this editor`, 5000);
    return choice;
  }),
};

/** Every name is a profile or an installed plugin: said now, with what there is. */
async function checkNames(services: Services, uri: vscode.Uri, choice: ExecutorChoice | undefined): Promise<void> {
  const names = new Set([...(choice?.all ? [choice.all] : []), ...Object.values(choice?.electrons ?? {})]);
  if (names.size === 0) return;
  const { profiles } = readProfiles(services.settings.current.executors);
  const { plugins } = await services.bridgeCalls.request(uri, 'executorPlugins', {});
  const known = new Set([...profiles.keys(), ...plugins.map((plugin) => plugin.name)]);
  const unknown = [...names].filter((name) => !known.has(name));
  if (unknown.length) {
    throw new Error(
      `${unknown.join(', ')}: neither a profile of covalent.executors (${[...profiles.keys()].join(', ') || 'none'}) nor an executor plugin installed in the interpreter (${plugins.map((plugin) => plugin.name).join(', ')}).`,
    );
  }
}
