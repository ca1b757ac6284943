import * as vscode from 'vscode';
import { fromPerson } from '../util/invocation';
import type { DispatchStore } from '../store/dispatchStore';
import { Commands } from '../util/commandIds';

/**
 * Quick fixes on a failed task's Problem (the Covalent diagnostic at its
 * electron): run the task here with the inputs the server recorded, or debug it.
 * The diagnostic's code is the dispatch id; the store's task errors say which
 * node failed.
 */
export class TaskFixes implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  private readonly registration: vscode.Disposable;

  constructor(private readonly store: DispatchStore) {
    this.registration = vscode.languages.registerCodeActionsProvider({ language: 'python' }, this, { providedCodeActionKinds: TaskFixes.kinds });
  }

  provideCodeActions(_document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const task = this.failedTask(diagnostic);
      if (!task) continue;
      const argument = { dispatchId: task.dispatchId, taskId: task.nodeId };
      const run = new vscode.CodeAction(`Run ${task.taskName} locally with the inputs the server recorded`, vscode.CodeActionKind.QuickFix);
      run.command = { title: run.title, command: Commands.runTaskLocally, arguments: [fromPerson('quickFix', { ...argument })] };
      run.diagnostics = [diagnostic];
      run.isPreferred = true;
      const debug = new vscode.CodeAction(`Debug ${task.taskName} locally with the inputs the server recorded`, vscode.CodeActionKind.QuickFix);
      debug.command = { title: debug.title, command: Commands.debugTask, arguments: [fromPerson('quickFix', { ...argument })] };
      debug.diagnostics = [diagnostic];
      actions.push(run, debug);
    }
    return actions;
  }

  /** The failed task a Covalent diagnostic stands for. */
  private failedTask(diagnostic: vscode.Diagnostic) {
    if (diagnostic.source !== 'Covalent') return undefined;
    const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    if (typeof code !== 'string') return undefined;
    const name = /^(\S+) failed in dispatch /.exec(diagnostic.message)?.[1];
    const errors = this.store.taskErrors(code).filter((error) => error.taskName === name);
    return errors.find((error) => diagnostic.message.includes(error.text.trim())) ?? errors[0];
  }

  dispose(): void {
    this.registration.dispose();
  }
}
