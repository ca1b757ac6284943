import * as vscode from 'vscode';
import { command, type CommandTable, runsUserCode } from './types';

/** The walkthrough's actions (its steps complete on what these and the other commands do). */
export const gettingStartedCommands: CommandTable = {
  'covalent.checkInterpreter': runsUserCode('Checking the Python interpreter', async (services, invocation) => {
    const { python, covalentVersion } = await services.gettingStarted.checkInterpreter();
    if (invocation.interactive) {
      const message = covalentVersion ? `Covalent: ${python} has Covalent ${covalentVersion}.` : `Covalent: ${python} does not have Covalent yet.`;
      const install = 'Install Covalent';
      const choice = await vscode.window.showInformationMessage(message, ...(covalentVersion ? [] : [install]));
      if (choice === install) await services.gettingStarted.installCovalent();
    }
    return { python, covalentVersion };
  }),
  'covalent.installCovalent': runsUserCode('Installing Covalent', (services) => services.gettingStarted.installCovalent()),
  'covalent.openExample': command(async (services) => (await services.gettingStarted.openExample()).toString()),
  'covalent.openWalkthrough': command(() =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', 'covalent-vscode.covalent-vscode#covalent.gettingStarted', false),
  ),
};
