import * as vscode from 'vscode';
import { command, type CommandTable, runsUserCode } from './types';
import { Commands } from '../util/commandIds';

/** The walkthrough's actions (its steps complete on what these and the other commands do). */
export const gettingStartedCommands: CommandTable = {
  [Commands.checkInterpreter]: runsUserCode('Checking the Python interpreter', async (services, invocation) => {
    const { python, covalentVersion } = await services.gettingStarted.checkInterpreter();
    if (invocation.interactive) {
      const message = covalentVersion ? `Covalent: ${python} has Covalent ${covalentVersion}.` : `Covalent: ${python} does not have Covalent yet.`;
      const install = 'Install Covalent';
      const choice = await vscode.window.showInformationMessage(message, ...(covalentVersion ? [] : [install]));
      if (choice === install) await services.gettingStarted.installCovalent();
    }
    return { python, covalentVersion };
  }),
  [Commands.installCovalent]: runsUserCode('Installing Covalent', (services) => services.gettingStarted.installCovalent()),
  [Commands.openExample]: command(async (services) => (await services.gettingStarted.openExample()).toString()),
  [Commands.openWalkthrough]: command(() =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', 'covalent-vscode.covalent-vscode#covalent.gettingStarted', false),
  ),
};
