import * as vscode from 'vscode';
import type { LatticeMemory } from '../dispatch/inputsMemory';
import { AS_WRITTEN, describeChoice, type ExecutorChoice, isAsWritten } from '../executors/choice';
import type { LatticeContribution } from '../languageClient/types';

export const CHOOSE_EXECUTOR_COMMAND = 'covalent.chooseExecutor';

/**
 * Where each lattice runs when a person dispatches it, in its lens row
 * (`as written`, `on cluster`); clicking it asks where. The hover of a lattice
 * with a choice says so, next to what its code names.
 */
export class ExecutorLens implements LatticeContribution, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly choices: LatticeMemory<ExecutorChoice>) {
    this.subscription = choices.onDidChange(() => this.changed.fire());
  }

  lenses(target: { uri: string; lattice: string }): vscode.Command[] {
    const choice = this.choices.get(target.uri, target.lattice);
    return [
      {
        title: `$(server-environment) ${describeChoice(choice)}`,
        tooltip: isAsWritten(choice)
          ? `${target.lattice} runs on the executors its code names. Choose where it runs, without editing the code…`
          : `${target.lattice} runs ${describeChoice(choice)} when dispatched from this editor (the code is unchanged). Change it…`,
        command: CHOOSE_EXECUTOR_COMMAND,
        arguments: [target],
      },
    ];
  }

  hover(target: { uri: string; lattice: string }): string | undefined {
    const choice = this.choices.get(target.uri, target.lattice);
    if (isAsWritten(choice)) return undefined;
    return `Dispatched from this editor, it runs **${describeChoice(choice)}** instead of ${AS_WRITTEN} (the lens above it changes that).`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
