import * as vscode from 'vscode';
import type { LatticeMemory } from '../dispatch/inputsMemory';
import { AS_WRITTEN, describeChoice, type ExecutorChoice, isAsWritten } from '../executors/choice';
import type { LatticeContribution } from '../languageClient/types';
import { workflowFileOf } from '../notebook/notebookCells';
import { escapeMarkdown, inlineCode } from './markdown';
import { Commands } from '../util/commandIds';


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
    const choice = this.choices.get(fileOf(target.uri), target.lattice);
    return [
      {
        title: `$(server-environment) ${describeChoice(choice)}`,
        tooltip: isAsWritten(choice)
          ? `${target.lattice} runs on the executors its code names. Choose where it runs, without editing the code…`
          : `${target.lattice} runs ${describeChoice(choice)} when dispatched from this editor (the code is unchanged). Change it…`,
        command: Commands.chooseExecutor,
        arguments: [target],
      },
    ];
  }

  /** On a lattice: its choice. On another symbol: the choices of this file's lattices, which may move it. */
  hover(target: { uri: string; lattice: string }): string | undefined {
    const choice = this.choices.get(fileOf(target.uri), target.lattice);
    if (!isAsWritten(choice)) return `Dispatched from this editor, it runs **${escapeMarkdown(describeChoice(choice))}** instead of ${AS_WRITTEN} (the lens above it changes that).`;
    const others = this.choices.forFile(fileOf(target.uri)).filter(([lattice, latticeChoice]) => lattice !== target.lattice && !isAsWritten(latticeChoice));
    if (!others.length) return undefined;
    const lines = others.map(([lattice, latticeChoice]) => {
      const mine = latticeChoice.electrons?.[target.lattice];
      return mine ? `${inlineCode(lattice)} runs it on ${escapeMarkdown(mine)}` : `${inlineCode(lattice)} runs ${escapeMarkdown(describeChoice(latticeChoice))}`;
    });
    return `Dispatched from this editor: ${lines.join('; ')} (chosen in the lens row; the code is unchanged).`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Choices are kept per file: a notebook's, whichever cell shows the lattice. */
function fileOf(uri: string): string {
  return workflowFileOf(vscode.Uri.parse(uri)).toString();
}
