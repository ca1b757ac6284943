import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentToolName } from '../src/agentTools/catalog';
import type { CovalentExtensionApi } from '../src/extension';

/**
 * Runs inside VS Code's extension host for bench/tools.bench.ts (loaded as the
 * "extension tests" module): each agent tool called as agent mode calls it
 * (`vscode.lm.invokeTool`), interleaved with the command or read it wraps, the
 * same inputs each time. VS Code answers its own confirmations in this mode,
 * so what is timed is the tool, not a person.
 */
export interface ToolTiming {
  readonly tool: AgentToolName;
  readonly anchor: string;
  readonly toolMs: number[];
  readonly anchorMs: number[];
  readonly error?: string;
}

const REPEATS = Number(process.env.TOOLS_BENCH_REPEATS ?? 15);

export async function run(): Promise<void> {
  const resultsFile = process.env.TOOLS_BENCH_RESULTS ?? '';
  const extension = vscode.extensions.getExtension<CovalentExtensionApi>('covalent-vscode.covalent-vscode');
  if (!extension) throw new Error('the extension is not installed in this VS Code');
  const { services } = await extension.activate();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const howto = vscode.Uri.file(path.join(folder, 'redispatch_howto.py'));
  const server = services.settings.current.dispatcherAddress;
  const reader = () => services.servers.client(server).details;
  const seedInput = { file: 'redispatch_howto.py', lattice: 'workflow', args: '1, 2' };
  const seedArgument = { uri: howto.toString(), lattice: 'workflow', args: '1, 2' };

  // Warm, as after a first dispatch in a session: the bridge, the language server, a completed dispatch.
  const seedId = await vscode.commands.executeCommand<string>('covalent.dispatch', seedArgument);
  await untilEnded(services, seedId);
  await services.detection.workspaceLattices();

  const long = { uri: vscode.Uri.file(path.join(folder, 'long_running.py')).toString(), lattice: 'long_running', args: 'seconds=60, steps=1' };
  const running = async () => {
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.dispatch', long);
    await untilRunning(services, dispatchId);
    return dispatchId;
  };

  const cases: { tool: AgentToolName; anchor: string; prepare?: () => Promise<Record<string, unknown>>; input?: Record<string, unknown>; wrapped: (input: Record<string, unknown>) => Promise<unknown> }[] = [
    { tool: 'covalent_listWorkflows', anchor: 'the Workflows view\'s read (workspace symbols)', input: {}, wrapped: () => services.detection.workspaceLattices() },
    { tool: 'covalent_previewGraph', anchor: 'covalent.previewGraph', input: seedInput, wrapped: () => settled(vscode.commands.executeCommand('covalent.previewGraph', seedArgument)) },
    { tool: 'covalent_dispatch', anchor: 'covalent.dispatch', input: seedInput, wrapped: () => settled(vscode.commands.executeCommand('covalent.dispatch', seedArgument)) },
    {
      tool: 'covalent_getDispatch',
      anchor: 'the result panel\'s read (manifest, fresh)',
      input: { dispatchId: seedId },
      wrapped: () => {
        reader().forget(seedId);
        return reader().manifest(seedId);
      },
    },
    {
      tool: 'covalent_getTask',
      anchor: 'the result panel\'s task details read',
      input: { dispatchId: seedId, taskId: 0 },
      wrapped: () => {
        reader().forget(seedId);
        return reader().task(seedId, 0);
      },
    },
    {
      tool: 'covalent_redispatch',
      anchor: 'covalent.redispatch',
      input: { dispatchId: seedId, reusePreviousResults: true },
      wrapped: () => settled(vscode.commands.executeCommand('covalent.redispatch', { dispatchId: seedId, reusePreviousResults: true })),
    },
    { tool: 'covalent_runTaskLocally', anchor: 'covalent.runTaskLocally', input: { dispatchId: seedId, taskId: 0 }, wrapped: () => settled(vscode.commands.executeCommand('covalent.runTaskLocally', { dispatchId: seedId, taskId: 0 })) },
    {
      tool: 'covalent_cancel',
      anchor: 'covalent.cancel',
      prepare: async () => ({ dispatchId: await running() }),
      wrapped: (input) => settled(vscode.commands.executeCommand('covalent.cancel', input)),
    },
  ];

  const results: ToolTiming[] = [];
  for (const item of cases) {
    const timing: ToolTiming = { tool: item.tool, anchor: item.anchor, toolMs: [], anchorMs: [] };
    try {
      const repeats = item.tool === 'covalent_cancel' ? Math.min(REPEATS, 5) : REPEATS;
      for (let attempt = 0; attempt < repeats; attempt++) {
        const toolInput = item.prepare ? await item.prepare() : (item.input ?? {});
        let started = performance.now();
        const answer = await vscode.lm.invokeTool(item.tool, { input: toolInput, toolInvocationToken: undefined });
        timing.toolMs.push(performance.now() - started);
        const text = (answer.content[0] as { value?: string } | undefined)?.value ?? '';
        const parsed = JSON.parse(text) as { error?: string };
        if (parsed.error && Object.keys(parsed).length === 1) throw new Error(`${item.tool}: ${parsed.error}`);
        const anchorInput = item.prepare ? await item.prepare() : (item.input ?? {});
        started = performance.now();
        await item.wrapped(anchorInput);
        timing.anchorMs.push(performance.now() - started);
      }
    } catch (error) {
      (timing as { error?: string }).error = error instanceof Error ? error.message : String(error);
    }
    results.push(timing);
    fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  }
}

function settled<T>(thenable: Thenable<T>): Promise<T> {
  return Promise.resolve(thenable);
}

async function untilEnded(services: CovalentExtensionApi['services'], dispatchId: string): Promise<void> {
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline) {
    const status = (await services.servers.client(services.dispatch.serverOf(dispatchId)).statuses([dispatchId])).get(dispatchId);
    if (status && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(status)) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${dispatchId} did not end`);
}

async function untilRunning(services: CovalentExtensionApi['services'], dispatchId: string): Promise<void> {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const status = (await services.servers.client(services.dispatch.serverOf(dispatchId)).statuses([dispatchId])).get(dispatchId);
    if (status === 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${dispatchId} did not start running`);
}
