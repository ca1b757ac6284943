import * as vscode from 'vscode';
import { BridgePool } from './bridge/bridgePool';
import { commandTable, registerCommands } from './commands';
import { askAboutUnsavedFile } from './commands/prompts';
import { Settings } from './config';
import { ServerConnections } from './covalent/connections';
import { BridgeCalls } from './dispatch/bridgeCalls';
import { ComparisonsAtSave } from './dispatch/comparisonsAtSave';
import { DispatchService } from './dispatch/dispatchService';
import { LatticeChoices } from './dispatch/latticeChoices';
import { Submissions } from './dispatch/submissions';
import { WorkflowSources } from './dispatch/workflowSources';
import { DetectionClient } from './languageClient/detectionClient';
import { SourceLocator } from './languageClient/sourceLocator';
import { LanguageModelTools } from './languageModelTools/languageModelTools';
import { previewLens } from './preview/previewLens';
import type { Core } from './core';
import type { Services } from './services';
import { TaskFixes } from './replay/taskFixes';
import { TaskCompare } from './replay/taskCompare';
import { ValueService } from './values/valueService';
import { TaskReplay } from './replay/taskReplay';
import { DispatchStore } from './store/dispatchStore';
import { ExecutorLens } from './views/executorLens';
import { GettingStarted } from './views/gettingStarted';
import { LiveStatusViews } from './views/liveStatusViews';
import { WorkflowsTree } from './views/workflowsTree';
import { ResultPanels } from './webview/resultPanels';

/** What `activate` returns: other extensions and the integration tests read it. */
export interface CovalentExtensionApi {
  readonly services: Services;
  /** The agent tools chat's agent mode calls (what each asks before it acts). */
  readonly agentTools: LanguageModelTools;
}

/** Disposables of the running extension, stopped in reverse order; async ones are awaited. */
class Parts {
  private readonly items: { dispose(): unknown }[] = [];

  add<T extends { dispose(): unknown }>(item: T): T {
    this.items.push(item);
    return item;
  }

  async dispose(): Promise<void> {
    for (const item of this.items.splice(0).reverse()) {
      try {
        await item.dispose();
      } catch (error) {
        console.error('Covalent: dispose failed', error);
      }
    }
  }
}

let running: Parts | undefined;

/** Builds every part of the extension, in order: each step uses only what the steps before it built. */
export function activate(extension: vscode.ExtensionContext): CovalentExtensionApi {
  const parts = (running = new Parts());
  extension.subscriptions.push({ dispose: () => void deactivate() });

  // 1. Core: output, typed settings, the one dispatch store, the Python bridges, the
  //    server clients (with their tokens), dispatching.
  const output = parts.add(vscode.window.createOutputChannel('Covalent', { log: true }));
  const settings = parts.add(new Settings());
  const store = parts.add(new DispatchStore());
  // The editor shows figures and tables: its bridges preload the libraries that draw them (when installed).
  const bridges = parts.add(new BridgePool(extension.asAbsolutePath('dist/bridge/covalent_bridge'), output, { COVALENT_BRIDGE_PRELOAD: 'pandas,matplotlib.pyplot' }));
  const servers = parts.add(new ServerConnections({ secrets: extension.secrets, timeoutMs: () => settings.current.requestTimeoutMs }));
  const core: Core = { extension, output, settings, store, bridges, servers };
  const bridgeCalls = new BridgeCalls(core);
  const workflowSources = new WorkflowSources(core, askAboutUnsavedFile);
  const choices = new LatticeChoices(extension.workspaceState);
  const dispatch = new DispatchService({ core, calls: bridgeCalls, sources: workflowSources, choices });
  const comparisons = parts.add(new ComparisonsAtSave(core, bridgeCalls, workflowSources, (dispatchId) => dispatch.serverOf(dispatchId)));

  // 2. Live status and its views: the poller, the Dispatches tree, the status bar, and status in the editor.
  const locator = parts.add(new SourceLocator());
  const liveViews = parts.add(new LiveStatusViews(core, locator));

  // 3. The language client (lattice detection), with the lenses and hovers added per lattice:
  //    the graph preview, where it runs (the executor choice) and live status.
  const executorLens = parts.add(new ExecutorLens(choices.executors));
  const detection = parts.add(new DetectionClient(core, [previewLens, executorLens, liveViews.editor.latticeContribution()]));

  // 4. The Workflows view, from the language server's workspace symbols.
  const workflows = parts.add(new WorkflowsTree(detection));

  // 5. Result panels (one per dispatch; restored after a window reload).
  const values = new ValueService(core, bridgeCalls, (dispatchId) => dispatch.serverOf(dispatchId));
  const panels = parts.add(new ResultPanels({ ...core, liveViews, locator, values }));

  // 6. The walkthrough's progress, from what dispatching and the views do.
  const gettingStarted = parts.add(new GettingStarted(core, bridgeCalls, liveViews));

  // 7. Investigating a task: replaying it here (run or debug, with debugpy's adapter), comparing it
  //    across dispatches, and the failed-task quick fixes that offer both.
  const replay = parts.add(new TaskReplay({ ...core, bridgeCalls, workflowSources, dispatch, locator }));
  const compare = parts.add(new TaskCompare(core, (dispatchId) => dispatch.serverOf(dispatchId), values, panels.picturesRoot));
  parts.add(new TaskFixes(store));

  // 8. Commands: every command, one error funnel, one trust check.
  const submissions = new Submissions();
  const services: Services = { ...core, bridgeCalls, workflowSources, choices, dispatch, submissions, comparisons, liveViews, detection, locator, workflows, panels, gettingStarted, replay, compare, values };
  for (const registration of registerCommands(services, commandTable)) parts.add(registration);

  // 9. The agent tools for chat's agent mode: each runs the command a person would.
  const agentTools = parts.add(new LanguageModelTools(services, () => gettingStarted.agentAnswered()));

  output.info(`Covalent for VS Code activated (VS Code ${vscode.version}, Node ${process.version}).`);
  return { services, agentTools };
}

/** Stops the language server and the Python bridges, and resolves once they have. */
export async function deactivate(): Promise<void> {
  const parts = running;
  running = undefined;
  await parts?.dispose();
}
