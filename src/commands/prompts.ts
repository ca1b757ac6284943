import * as vscode from 'vscode';
import { isBridgeError } from '../bridge/protocol';
import type { UnsavedChoice } from '../dispatch/workflowSources';
import type { Services } from '../services';
import { type DispatchState, isTerminal } from '../store/types';
import { UserCancelled } from '../util/errors';
import { dispatchLabel, humanStatus } from '../views/format';
import { serverLabel } from '../covalent/servers';
import { isDispatchId } from './arguments';

/**
 * What the commands ask a person, apart from the command table. Each question
 * throws `UserCancelled` when dismissed: the command then ends quietly.
 */

/** The lattice to dispatch (or preview) from the active Python editor or notebook (asks which when it has several). */
export async function askForTarget(services: Services, title = 'Dispatch which lattice?'): Promise<{ uri: vscode.Uri; lattice: string }> {
  const editor = vscode.window.activeTextEditor;
  // In a notebook, the focused code cell (dispatched up to it), else the whole notebook.
  const uri = editor?.document.languageId === 'python' ? editor.document.uri : vscode.window.activeNotebookEditor?.notebook.uri;
  if (!uri) throw new Error('Open the Python file or notebook with the workflow, then run the command again.');
  const { lattices } = await services.bridgeCalls.request(uri, 'electrons', await services.workflowSources.resolve(uri));
  if (!lattices.length) throw new Error(`${vscode.workspace.asRelativePath(uri)} defines no Covalent lattice (a function decorated with @ct.lattice).`);
  const [only] = lattices;
  if (lattices.length === 1 && only) return { uri, lattice: only };
  const picked = await vscode.window.showQuickPick(lattices, { title });
  if (!picked) throw new UserCancelled();
  return { uri, lattice: picked };
}

/** A button of the inputs box: where the workflow will run, and a way to change it without leaving the box. */
export interface WhereToRun {
  /** `on cluster`, `as written`. */
  describe(): string;
  /** Asks where (throws `UserCancelled` when dismissed: the box comes back as it was). */
  change(): Promise<void>;
}

const INPUTS_PROMPT = 'Python call arguments, for example 1, 2 or a=1, b=[1, 2] (names from the module work too)';

/**
 * The lattice's inputs. With `where`, the box has a button to choose where the
 * workflow runs (Dispatch with Inputs…); the text typed so far is kept.
 */
export async function askForInputs(services: Services, uri: vscode.Uri, lattice: string, value: string, where?: WhereToRun): Promise<string> {
  // A template from the signature (`values=, by=0`): the cursor goes where the first value is missing.
  const firstGap = value.search(/=(?=,|$)/);
  let selection: [number, number] | undefined = firstGap >= 0 ? [firstGap + 1, firstGap + 1] : undefined;
  if (!where) {
    const inputs = await vscode.window.showInputBox({
      title: `Inputs for ${lattice}`,
      prompt: INPUTS_PROMPT,
      value,
      valueSelection: selection,
      ignoreFocusOut: true,
      validateInput: (text) => validateInputs(services, uri, text),
    });
    if (inputs === undefined) throw new UserCancelled();
    return inputs;
  }
  let text = value;
  for (;;) {
    const answer = await inputsBox(services, uri, lattice, text, selection, where);
    if (answer.kind === 'inputs') return answer.text;
    text = answer.text;
    selection = undefined;
    try {
      await where.change();
    } catch (error) {
      if (!(error instanceof UserCancelled)) throw error;
    }
  }
}

/** The inputs box; its button (when `where` is given) leaves it to choose where to run, keeping the text. */
function inputsBox(services: Services, uri: vscode.Uri, lattice: string, value: string, selection: [number, number] | undefined, where: WhereToRun): Promise<{ kind: 'inputs' | 'where'; text: string }> {
  const box = vscode.window.createInputBox();
  box.title = `Inputs for ${lattice} · runs ${where.describe()}`;
  box.prompt = INPUTS_PROMPT;
  box.value = value;
  if (selection) box.valueSelection = selection;
  box.ignoreFocusOut = true;
  box.buttons = [{ iconPath: new vscode.ThemeIcon('server-environment'), tooltip: `Where to run (now ${where.describe()})…` }];
  let checked = 0;
  const check = async (text: string) => {
    const run = ++checked;
    const problem = await validateInputs(services, uri, text);
    if (run === checked) box.validationMessage = problem;
    return problem;
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (result: { kind: 'inputs' | 'where'; text: string } | undefined) => {
      if (settled) return;
      settled = true;
      if (result) resolve(result);
      else reject(new UserCancelled());
      box.dispose();
    };
    box.onDidChangeValue((text) => void check(text));
    box.onDidTriggerButton(() => finish({ kind: 'where', text: box.value }));
    const accept = async () => {
      const text = box.value;
      if (!(await check(text))) finish({ kind: 'inputs', text });
    };
    box.onDidAccept(() => void accept());
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

/** New inputs for a redispatch; empty keeps the previous ones. */
export async function askForRedispatchInputs(services: Services, uri: vscode.Uri | undefined, previous: string | undefined): Promise<string> {
  const args = await vscode.window.showInputBox({
    title: 'Redispatch: inputs',
    prompt: `New inputs in Python call syntax, or empty for the previous ones${previous ? ` (${previous})` : ''}.`,
    placeHolder: previous ? `previous: ${previous}` : 'empty: the previous inputs',
    ignoreFocusOut: true,
    validateInput: (value) => validateInputs(services, uri, value),
  });
  if (args === undefined) throw new UserCancelled();
  return args;
}

/** The bridge parses the inputs as Python would and says where they go wrong. */
async function validateInputs(services: Services, uri: vscode.Uri | undefined, text: string): Promise<string | undefined> {
  if (!text.trim()) return undefined;
  try {
    await services.bridgeCalls.request(uri, 'checkInputs', { args: text.trim() });
    return undefined;
  } catch (error) {
    if (isBridgeError(error, 'inputSyntax')) return `${error.message}\n${text.trim()}\n${' '.repeat(error.data.column ?? 0)}^`;
    return undefined; // other problems are reported when dispatching
  }
}

/** Tasks of the earlier dispatch to replace; pre-selected: those whose source in the file changed since. */
export async function askForReplacements(services: Services, dispatchId: string, uri: vscode.Uri): Promise<Record<string, string>> {
  // Usually ready: saving the file compared it already (ComparisonsAtSave).
  const comparison = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Covalent: comparing electrons with the earlier dispatch…' },
    () => services.comparisons.compare(uri, dispatchId),
  );
  const { electrons, stored } = comparison;
  if (!electrons.length) return {};
  const changed = new Set(comparison.changed);
  const tasks = [...stored.keys()].sort();
  const items = tasks.map((task) => ({
    label: task,
    description: !electrons.some((electron) => electron.name === task) ? 'not in this file any more' : changed.has(task) ? 'changed since that dispatch' : 'unchanged',
    picked: changed.has(task),
    task,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Redispatch: replace which tasks with the electrons of this file? (changed ones are selected)',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked) throw new UserCancelled();
  const replacements: Record<string, string> = {};
  for (const { task } of picked) {
    const same = electrons.some((electron) => electron.name === task);
    const others = electrons.filter((electron) => electron.name !== task);
    if (same && !others.length) {
      replacements[task] = task;
      continue;
    }
    const choice = await vscode.window.showQuickPick(
      [
        ...(same ? [{ label: task, description: 'its current definition', electron: task }] : []),
        ...others.map((electron) => ({ label: electron.name, description: 'another electron of this file', electron: electron.name })),
      ],
      { title: `Replace ${task} with which electron?`, ignoreFocusOut: true },
    );
    if (!choice) throw new UserCancelled();
    replacements[task] = choice.electron;
  }
  return replacements;
}

export async function askForReuse(services: Services): Promise<boolean> {
  const reuse = { label: 'Reuse previous results', detail: 'Tasks whose inputs and definition did not change are not run again. Do not use with stochastic tasks: they would keep their old random results.', reuse: true };
  const recompute = { label: 'Run every task again', detail: 'Nothing is reused.', reuse: false };
  const items = services.settings.current.reusePreviousResults ? [reuse, recompute] : [recompute, reuse];
  const picked = await vscode.window.showQuickPick(items, { title: 'Redispatch: reuse previous results?', ignoreFocusOut: true });
  if (!picked) throw new UserCancelled();
  return picked.reuse;
}

/** Tasks of a running dispatch to cancel; undefined: the whole dispatch. */
export async function askForTasks(services: Services, dispatchId: string): Promise<number[] | undefined> {
  const tasks = (services.store.graph(dispatchId)?.tasks ?? []).filter((task) => !task.name.startsWith(':') && !isTerminal(task.status));
  if (!tasks.length) return undefined;
  const whole = { label: 'The whole dispatch', nodeId: -1 };
  const picked = await vscode.window.showQuickPick([whole, ...tasks.map((task) => ({ label: `${task.nodeId}: ${task.name}`, description: task.status, nodeId: task.nodeId }))], {
    title: 'Cancel the whole dispatch or chosen tasks?',
    canPickMany: true,
  });
  if (!picked?.length) throw new UserCancelled();
  if (picked.some((item) => item.nodeId < 0)) return undefined;
  return picked.map((item) => item.nodeId);
}

interface DispatchItem extends vscode.QuickPickItem {
  readonly dispatchId?: string;
}

function dispatchItems(services: Services, states: readonly DispatchState[]): DispatchItem[] {
  // With dispatches of several servers at hand, each says which one it lives on.
  const serverOf = (state: DispatchState) => services.store.serverOf(state.dispatchId);
  const several = new Set(states.map(serverOf)).size > 1;
  const { servers, dispatcherAddress } = services.settings.current;
  return states.map((state) => ({
    label: dispatchLabel(state),
    description: `${humanStatus(state.status)} · ${state.dispatchId}`,
    detail:
      [
        several ? `on ${serverLabel(servers, serverOf(state) ?? dispatcherAddress)}` : undefined,
        state.origin?.inputs ? `inputs: ${state.origin.inputs}` : undefined,
        state.createdAt ? new Date(state.createdAt).toLocaleString() : undefined,
      ]
        .filter(Boolean)
        .join(' · ') || undefined,
    dispatchId: state.dispatchId,
  }));
}

export interface PickOptions {
  readonly title: string;
  /** Which dispatches of the store to offer (default: all). */
  readonly filter?: (state: DispatchState) => boolean;
  /** Also offer typing an id (a dispatch made elsewhere that the tree has not loaded). */
  readonly allowTyping?: boolean;
}

/** A dispatch of the store chosen by the person (or typed, with `allowTyping`). */
export async function pickDispatch(services: Services, options: PickOptions): Promise<string> {
  const candidates = services.store.all().filter(options.filter ?? (() => true));
  const typeId: DispatchItem = { label: '$(edit) Enter a dispatch id…' };
  if (!candidates.length && !options.allowTyping) throw new Error(`${options.title.replace(/\?$/, '')}: there is none to choose from yet in this window.`);
  const items = [...dispatchItems(services, candidates), ...(options.allowTyping ? [typeId] : [])];
  const picked = items.length > 1 || !options.allowTyping ? await vscode.window.showQuickPick(items, { title: options.title, matchOnDescription: true, matchOnDetail: true }) : typeId;
  if (!picked) throw new UserCancelled();
  if (picked.dispatchId) return picked.dispatchId;
  const typed = await vscode.window.showInputBox({
    title: options.title,
    prompt: 'Dispatch id (as printed by ct.dispatch)',
    validateInput: (value) => (isDispatchId(value) ? undefined : 'A dispatch id looks like 4ec8b431-d437-4bf6-b364-f37a4ef5c082.'),
  });
  if (!typed) throw new UserCancelled();
  return typed.trim();
}

/** What to do with a file's unsaved edits before Covalent imports it (the covalent.unsavedFiles setting is `ask`). */
export async function askAboutUnsavedFile(uri: vscode.Uri): Promise<UnsavedChoice> {
  const save = 'Save and Dispatch';
  const buffer = "Dispatch the Editor's Text";
  const answer = await vscode.window.showWarningMessage(
    `${vscode.workspace.asRelativePath(uri)} has unsaved changes.`,
    { modal: true, detail: 'Covalent imports the file to dispatch it. Save it first, or dispatch what the editor shows without saving?' },
    save,
    buffer,
  );
  if (!answer) throw new UserCancelled();
  return answer === save ? 'save' : 'dispatchBuffer';
}
