import type { Core } from './core';
import type { BridgeCalls } from './dispatch/bridgeCalls';
import type { ComparisonsAtSave } from './dispatch/comparisonsAtSave';
import type { DispatchService } from './dispatch/dispatchService';
import type { LatticeChoices } from './dispatch/latticeChoices';
import type { Submissions } from './dispatch/submissions';
import type { WorkflowSources } from './dispatch/workflowSources';
import type { DetectionClient } from './languageClient/detectionClient';
import type { SourceLocator } from './languageClient/sourceLocator';
import type { TaskCompare } from './replay/taskCompare';
import type { TaskReplay } from './replay/taskReplay';
import type { GettingStarted } from './views/gettingStarted';
import type { LiveStatusViews } from './views/liveStatusViews';
import type { WorkflowsTree } from './views/workflowsTree';
import type { ValueService } from './values/valueService';
import type { ResultPanels } from './webview/resultPanels';

/**
 * Every part of the extension, fully built (src/extension.ts builds them, in
 * order). Commands receive this; integration tests reach it through the API
 * `activate` returns.
 */
export interface Services extends Core {
  /** Calls into the user's Python through its bridge, with tokens, limits and advice on failures. */
  readonly bridgeCalls: BridgeCalls;
  /** A workflow's source as the bridge imports it (unsaved edits as the setting, or the person, says). */
  readonly workflowSources: WorkflowSources;
  /** Each lattice's last inputs and executor choice. */
  readonly choices: LatticeChoices;
  /** Dispatch, redispatch, cancel: the operations on a server's dispatches. */
  readonly dispatch: DispatchService;
  /** The submissions under way: what their progress notifications say, and their Cancel. */
  readonly submissions: Submissions;
  /** Redispatch…'s comparison of a file's electrons with an earlier dispatch, prepared when the file is saved. */
  readonly comparisons: ComparisonsAtSave;
  /** Poller, Dispatches tree, status bar and editor status. */
  readonly liveViews: LiveStatusViews;
  /** The language client: lattice detection. */
  readonly detection: DetectionClient;
  /** Where a lattice or electron is defined. */
  readonly locator: SourceLocator;
  readonly workflows: WorkflowsTree;
  /** The result panels, one per dispatch. */
  readonly panels: ResultPanels;
  /** The walkthrough's progress: its steps complete on the context keys this sets. */
  readonly gettingStarted: GettingStarted;
  /** Running and debugging a task here with its recorded inputs. */
  readonly replay: TaskReplay;
  /** A task of two dispatches side by side in the diff editor. */
  readonly compare: TaskCompare;
  /** A dispatch's values drawn as figures, tables and arrays (the panel and `covalent.renderValue`). */
  readonly values: ValueService;
}
