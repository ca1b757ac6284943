import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { BridgeError, type ReplayOutcome, type ReplayPrepared, type WorkflowSource } from '../bridge/protocol';
import type { BridgeCalls } from '../dispatch/bridgeCalls';
import type { DispatchService } from '../dispatch/dispatchService';
import type { WorkflowSources } from '../dispatch/workflowSources';
import type { SourceLocator } from '../languageClient/sourceLocator';
import type { Core } from '../core';
import { messageOf, UntrustedWorkspaceError } from '../util/errors';
import { ReplayServerTrust } from './serverTrust';
import { inputBytes, outcomeSummary, replayableTask, type RunTaskResult, runTaskResult } from './replayPlan';

/** The debug type this extension contributes: debugpy's own adapter, launched in the user's interpreter. */
export const TASK_DEBUG_TYPE = 'covalent-task';

export interface TaskRequest {
  readonly dispatchId: string;
  readonly taskId: number;
  /** The file (or notebook) the electron's current source is taken from; default: where the workspace defines it. */
  readonly uri?: vscode.Uri;
  /** Run the function the server stored instead of the workspace's current one. */
  readonly useStoredFunction?: boolean;
}

/** Where the progress of a replay goes (a notification, or a test's recorder). */
export interface ReplayProgress {
  report(value: { message?: string }): void;
}

/** The electron is no longer defined in the workspace: the stored function is the way out. */
export class FunctionNotInWorkspace extends Error {
  constructor(
    readonly taskName: string,
    where: string,
  ) {
    super(`No electron named ${taskName} is defined in ${where} any more. Run the function the server stored for it instead (\`useStoredFunction: true\`), or pass \`uri\`: the file that defines it now.`);
    this.name = 'FunctionNotInWorkspace';
  }
}

/** What a replay needs beside the core: the bridge requests and the definitions of electrons. */
export type ReplayServices = Core & {
  readonly bridgeCalls: BridgeCalls;
  readonly workflowSources: WorkflowSources;
  readonly dispatch: DispatchService;
  readonly locator: SourceLocator;
};

interface Prepared {
  readonly prepared: ReplayPrepared;
  readonly bundleDir: string;
  readonly resource: vscode.Uri | undefined;
  readonly serverAddress: string;
  /** The interpreter's own path (sys.executable), for debugpy's adapter. */
  readonly executable: string;
}

/** A session this extension started, until it ends: its bundle is read and removed then. */
interface DebuggedTask {
  readonly request: TaskRequest;
  readonly prepared: Prepared;
}

/**
 * Runs or debugs one task of any dispatch on this machine with the inputs the
 * server recorded for it. The bridge downloads and checks them (through the SDK,
 * so the server's token goes along) into a bundle folder; the task then runs in a
 * process of its own, plainly or under debugpy's adapter, which this extension
 * registers for the `covalent-task` debug type (no Python extension needed).
 */
export class TaskReplay implements vscode.DebugConfigurationProvider, vscode.DebugAdapterDescriptorFactory, vscode.Disposable {
  private readonly debugged = new Map<string, DebuggedTask>();
  /** Sessions of tasks this extension started, stopped when it deactivates. */
  private readonly sessions = new Set<vscode.DebugSession>();
  private readonly serverTrust: ReplayServerTrust;
  private readonly disposables: vscode.Disposable[] = [];
  private nextDebugId = 1;
  private readonly finished = new vscode.EventEmitter<{ session: vscode.DebugSession; result: RunTaskResult | undefined }>();
  /** Fires when a task's debug session ended, with what the run gave (undefined when it was stopped first). */
  readonly onDidFinishDebugging = this.finished.event;

  constructor(private readonly services: ReplayServices) {
    this.serverTrust = new ReplayServerTrust(services.extension.globalState);
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((session) => {
        if (session.type === TASK_DEBUG_TYPE) this.sessions.add(session);
      }),
      this.finished,
      vscode.debug.registerDebugConfigurationProvider(TASK_DEBUG_TYPE, this),
      vscode.debug.registerDebugAdapterDescriptorFactory(TASK_DEBUG_TYPE, this),
      vscode.debug.onDidTerminateDebugSession((session) => void this.sessionEnded(session)),
    );
  }

  /** Run Task Locally: the outcome, compared with what the server recorded. */
  async run(request: TaskRequest, progress: ReplayProgress, token?: vscode.CancellationToken): Promise<RunTaskResult> {
    const prepared = await this.prepare(request, progress, token);
    try {
      progress.report({ message: `running ${prepared.prepared.taskName}…` });
      const outcome = await this.services.bridgeCalls.request(prepared.resource, 'replayRun', { bundle: prepared.prepared.bundle }, token);
      return await this.conclude(request, prepared, outcome);
    } finally {
      removeFolder(prepared.bundleDir);
    }
  }

  /** Debug Task Locally: starts the session and resolves with its name once it runs. */
  async debug(request: TaskRequest, progress: ReplayProgress, token?: vscode.CancellationToken, options: { justMyCode?: boolean } = {}): Promise<string> {
    const prepared = await this.prepare(request, progress, token);
    let configuration: vscode.DebugConfiguration;
    try {
      configuration = this.launchConfiguration(request, prepared, options.justMyCode ?? true);
    } catch (error) {
      removeFolder(prepared.bundleDir);
      throw error;
    }
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const subscription = vscode.debug.onDidStartDebugSession((session) => {
        if (session.configuration.covalentReplayId !== configuration.covalentReplayId) return;
        subscription.dispose();
        resolve(session);
      });
    });
    const folder = request.uri ? vscode.workspace.getWorkspaceFolder(request.uri) : vscode.workspace.workspaceFolders?.[0];
    if (!(await vscode.debug.startDebugging(folder, configuration))) {
      this.forget(String(configuration.covalentReplayId));
      throw new Error(`The debugger did not start for ${prepared.prepared.taskName} (see the Debug Console and the Covalent output).`);
    }
    return (await started).name;
  }

  /**
   * Downloads and checks everything the task needs: the task must be one, its
   * function must be found (or the stored one asked for), its inputs must
   * unpickle here. Cancelling removes what was downloaded.
   */
  async prepare(request: TaskRequest, progress: ReplayProgress, token?: vscode.CancellationToken): Promise<Prepared> {
    const serverAddress = this.services.dispatch.serverOf(request.dispatchId);
    await this.serverTrust.require(serverAddress, `Running task ${request.taskId} of ${request.dispatchId.slice(0, 8)} locally`);
    progress.report({ message: 'reading the dispatch…' });
    const manifest = await this.services.servers.client(serverAddress).details.manifest(request.dispatchId);
    const node = replayableTask(manifest, request.taskId);
    const source = request.useStoredFunction ? undefined : await this.functionSource(request, node.name);
    const resource = source ? vscode.Uri.file(source.file) : request.uri;
    const { bridge } = await this.services.bridgeCalls.bridgeFor(resource);
    const executable = (await bridge.ready).executable;
    const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-replay-'));
    const total = inputBytes(manifest, request.taskId);
    const watcher = setInterval(() => {
      const done = folderBytes(bundleDir);
      if (done > 0) progress.report({ message: `downloading the recorded inputs: ${formatBytes(done)}${total ? ` of ${formatBytes(total)}` : ''}…` });
    }, 250);
    progress.report({ message: `downloading the recorded inputs${total ? ` (${formatBytes(total)})` : ''}…` });
    try {
      const prepared = await this.services.bridgeCalls.request(
        resource,
        'replayPrepare',
        {
          dispatchId: request.dispatchId,
          dispatcherAddress: serverAddress,
          taskId: request.taskId,
          bundleDir,
          useStoredFunction: request.useStoredFunction,
          function: source,
          workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
        },
        token,
      );
      this.services.output.info(describePrepared(request, prepared, serverAddress));
      return { prepared, bundleDir, resource, serverAddress, executable };
    } catch (error) {
      removeFolder(bundleDir);
      throw error;
    } finally {
      clearInterval(watcher);
    }
  }

  /**
   * The module the electron's current source is imported from: the given file,
   * else where the workspace defines the electron (the file the dispatch came
   * from first). Read as a dispatch reads it (unsaved edits follow the
   * covalent.unsavedFiles setting).
   */
  private async functionSource(request: TaskRequest, taskName: string): Promise<WorkflowSource> {
    if (request.uri) return this.services.workflowSources.resolve(request.uri);
    const origin = this.originFile(request.dispatchId);
    // A notebook is read as one program, the way a dispatch from it reads it.
    if (origin?.path.endsWith('.ipynb')) return this.services.workflowSources.resolve(origin);
    const location = await this.services.locator.locate(taskName, { preferred: origin ? [origin] : [], kinds: ['electron'] });
    if (!location) throw new FunctionNotInWorkspace(taskName, 'this workspace');
    return this.services.workflowSources.resolve(location.uri);
  }

  /** The file the dispatch (or, for a sublattice's dispatch, its root) was made from in this editor. */
  private originFile(dispatchId: string): vscode.Uri | undefined {
    const state = this.services.store.get(dispatchId);
    const file = state?.origin?.fileUri ?? (state?.rootDispatchId ? this.services.store.get(state.rootDispatchId)?.origin?.fileUri : undefined);
    return file ? vscode.Uri.parse(file) : undefined;
  }

  /** Compares with the server, writes the outcome to the output channel. */
  private async conclude(request: TaskRequest, prepared: Prepared, outcome: ReplayOutcome): Promise<RunTaskResult> {
    const serverError =
      outcome.status === 'failed' && prepared.prepared.serverStatus === 'FAILED'
        ? await this.services.servers
            .client(prepared.serverAddress)
            .details.taskError(request.dispatchId, request.taskId)
            .catch(() => undefined)
        : undefined;
    const result = runTaskResult(outcome, prepared.prepared.function.from, prepared.prepared.serverStatus, serverError);
    const output = this.services.output;
    output.info(outcomeSummary(prepared.prepared.taskName, result, result.location ? `${result.location.file}:${result.location.line}` : undefined));
    if (outcome.status === 'failed') {
      // `path:line` is what the output view turns into links.
      const frames = (outcome.frames ?? []).map((entry) => `    at ${entry.file}:${entry.line} in ${entry.function}`);
      output.error([outcome.traceback?.trim() ?? outcome.error ?? '', ...frames].join('\n'));
    }
    return result;
  }

  /** The launch request debugpy's adapter gets: the runner, the bundle, this interpreter. */
  private launchConfiguration(request: TaskRequest, prepared: Prepared, justMyCode: boolean): vscode.DebugConfiguration {
    if (!prepared.prepared.debugpy) {
      throw new BridgeError(
        `Debugging a task needs debugpy in the interpreter ${prepared.executable}, and it is not installed there. Install it ("Install debugpy" runs pip install debugpy in a terminal), or choose an interpreter that has it.`,
        { kind: 'debugpyMissing', executable: prepared.executable },
      );
    }
    const id = `replay-${this.nextDebugId++}`;
    this.debugged.set(id, { request, prepared });
    return {
      type: TASK_DEBUG_TYPE,
      request: 'launch',
      name: `Debug ${prepared.prepared.taskName} (task ${request.taskId} of ${request.dispatchId.slice(0, 8)})`,
      dispatchId: request.dispatchId,
      taskId: request.taskId,
      program: prepared.prepared.runner,
      args: [prepared.prepared.bundle, '--debug'],
      python: [prepared.executable],
      cwd: prepared.prepared.cwd,
      console: 'internalConsole',
      // The task's process ends with this editor's extension host (see owner.py).
      env: { COVALENT_OWNER_PID: String(process.pid) },
      justMyCode,
      // The runner is the extension's, not the user's: stepping and "my code" skip it.
      rules: [{ path: prepared.prepared.packageFolder, include: false }],
      covalentReplayId: id,
    };
  }

  /**
   * A `covalent-task` configuration from launch.json names `dispatchId` and
   * `taskId` (and optionally `uri`, `useStoredFunction`, `justMyCode`): prepared
   * here, once variables such as `${file}` are substituted. One this extension
   * built is ready as it is.
   */
  async resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, configuration: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (configuration.covalentReplayId && this.debugged.has(String(configuration.covalentReplayId))) return configuration;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(`Covalent: ${new UntrustedWorkspaceError('Debugging a task').message}`);
      return undefined;
    }
    const dispatchId: unknown = configuration.dispatchId;
    const taskId: unknown = configuration.taskId;
    if (typeof dispatchId !== 'string' || typeof taskId !== 'number') {
      void vscode.window.showErrorMessage('Covalent: a "covalent-task" debug configuration needs "dispatchId" (text) and "taskId" (the task\'s node number).');
      return undefined;
    }
    const request: TaskRequest = {
      dispatchId,
      taskId,
      uri: typeof configuration.uri === 'string' ? vscode.Uri.file(configuration.uri) : undefined,
      useStoredFunction: configuration.useStoredFunction === true,
    };
    try {
      const prepared = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Covalent: preparing task ${taskId} of ${dispatchId.slice(0, 8)}`, cancellable: true },
        (progress, token) => this.prepare(request, progress, token),
      );
      try {
        return { ...this.launchConfiguration(request, prepared, configuration.justMyCode !== false), name: configuration.name ?? `Debug task ${taskId}` };
      } catch (error) {
        removeFolder(prepared.bundleDir);
        throw error;
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`Covalent: ${messageOf(this.services.bridgeCalls.explain(error))}`);
      return undefined;
    }
  }

  /** debugpy's adapter, in the interpreter that runs the task: `python -m debugpy.adapter` on stdio. */
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const python: unknown = session.configuration.python;
    const executable = Array.isArray(python) && typeof python[0] === 'string' ? python[0] : typeof python === 'string' ? python : 'python3';
    return new vscode.DebugAdapterExecutable(executable, ['-m', 'debugpy.adapter']);
  }

  private async sessionEnded(session: vscode.DebugSession): Promise<void> {
    this.sessions.delete(session);
    const id: unknown = session.configuration.covalentReplayId;
    const debugged = typeof id === 'string' ? this.debugged.get(id) : undefined;
    if (!debugged || typeof id !== 'string') return;
    this.forget(id);
    let result: RunTaskResult | undefined;
    try {
      const outcomeFile = path.join(debugged.prepared.bundleDir, 'outcome.json');
      if (fs.existsSync(outcomeFile)) {
        const outcome = JSON.parse(fs.readFileSync(outcomeFile, 'utf8')) as ReplayOutcome;
        result = await this.conclude(debugged.request, debugged.prepared, outcome);
        vscode.window.setStatusBarMessage(`Covalent: ${outcomeSummary(debugged.prepared.prepared.taskName, result)}`, 15000);
      } else {
        this.services.output.info(`Debugging ${debugged.prepared.prepared.taskName} ended before the task finished.`);
      }
    } catch (error) {
      this.services.output.warn(`Reading what the debugged task gave failed: ${messageOf(error)}`);
    } finally {
      removeFolder(debugged.prepared.bundleDir);
    }
    this.finished.fire({ session, result });
  }

  private forget(id: string): void {
    const debugged = this.debugged.get(id);
    this.debugged.delete(id);
    if (debugged && !fs.existsSync(path.join(debugged.prepared.bundleDir, 'outcome.json'))) removeFolder(debugged.prepared.bundleDir);
  }

  dispose(): void {
    for (const session of this.sessions) void vscode.debug.stopDebugging(session);
    this.sessions.clear();
    for (const { prepared } of this.debugged.values()) removeFolder(prepared.bundleDir);
    this.debugged.clear();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function describePrepared(request: TaskRequest, prepared: ReplayPrepared, serverAddress: string): string {
  const from =
    prepared.function.from === 'stored'
      ? 'the function the server stored'
      : `the workspace's current source${prepared.function.file ? ` (${prepared.function.file}${prepared.function.line ? `:${prepared.function.line}` : ''})` : ''}`;
  const inputs = prepared.inputs.map((input) => `    ${input.name} = ${input.text}`);
  return [
    `Replaying ${prepared.taskName} (task ${request.taskId} of dispatch ${request.dispatchId} on ${serverAddress}, ${prepared.serverStatus} there) with ${from}; the recorded inputs:`,
    ...(inputs.length ? inputs : ['    (none)']),
  ].join('\n');
}

function folderBytes(folder: string): number {
  let total = 0;
  const visit = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else {
        try {
          total += fs.statSync(full).size;
        } catch {
          // Being written or already removed.
        }
      }
    }
  };
  visit(folder);
  return total;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function removeFolder(folder: string): void {
  try {
    fs.rmSync(folder, { recursive: true, force: true });
  } catch {
    // A file still held open (Windows): the OS's temp cleanup takes it.
  }
}
