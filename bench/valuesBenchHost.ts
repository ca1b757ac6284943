import * as fs from 'fs';
import { requestScreenshot } from './browserHost';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../src/extension';

/**
 * Runs inside VS Code's extension host for bench/values.bench.ts (loaded as the
 * "extension tests" module): starts the bridge (as any dispatch or preview
 * before it would have), opens the result panel of the dispatch, then for
 * each planned task times selecting it (as a click does) → the page saying its
 * result is on screen (a picture loaded, a table's first rows in).
 */
interface PlanItem {
  readonly label: string;
  readonly nodeId: number;
  readonly kind: string;
  readonly repeats: number;
}

export interface ValuesHostResult {
  readonly label: string;
  readonly clickToPaintedMs: number[];
  readonly error?: string;
}

const screenshot = (name: string) => requestScreenshot(process.env.VALUES_BENCH_RESULTS, name);

export async function run(): Promise<void> {
  const dispatchId = process.env.VALUES_BENCH_DISPATCH ?? '';
  const plan = JSON.parse(process.env.VALUES_BENCH_PLAN ?? '[]') as PlanItem[];
  const resultsFile = process.env.VALUES_BENCH_RESULTS;
  const extension = vscode.extensions.getExtension<CovalentExtensionApi>('covalent-vscode.covalent-vscode');
  if (!extension) throw new Error('the extension is not installed in this VS Code');
  const api = await extension.activate();
  // As after any dispatch or preview: the bridge and its warm request process are up.
  const { bridge } = await api.services.bridgeCalls.bridgeFor(undefined);
  await bridge.ready;
  await api.services.bridgeCalls.request(undefined, 'checkInputs', { args: '' });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await vscode.commands.executeCommand('covalent.openResult', { dispatchId });
  const panel = api.services.panels.get(dispatchId);
  if (!panel) throw new Error(`no panel for ${dispatchId}`);
  await new Promise<void>((resolve) => {
    const subscription = panel.onDidDraw(() => {
      subscription.dispose();
      resolve();
    });
  });
  const results: ValuesHostResult[] = [];
  for (const item of plan) {
    const times: number[] = [];
    let error: string | undefined;
    try {
      for (let attempt = 0; attempt < item.repeats; attempt++) {
        const painted = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${item.label}: not painted within 120 s`)), 120000);
          const subscription = panel.onDidPaintValue((event) => {
            if (event.nodeId !== item.nodeId || event.value !== 'result') return;
            clearTimeout(timer);
            subscription.dispose();
            if (event.kind !== item.kind) reject(new Error(`${item.label}: painted as ${event.kind}, not ${item.kind}`));
            else resolve(event.at);
          });
        });
        const started = Date.now();
        panel.select(item.nodeId);
        times.push((await painted) - started);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      await screenshot(`values-${item.kind}.png`);
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    results.push({ label: item.label, clickToPaintedMs: times, error });
    if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  }
  panel.showTab('workflow');
  await new Promise((resolve) => setTimeout(resolve, 4000));
  await screenshot('values-workflow.png');
}
