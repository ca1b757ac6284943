import * as fs from 'fs';
import { requestScreenshot } from './browserHost';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../src/extension';
import type { GraphControl } from '../src/webview/graphProtocol';
import type { PanMeasurement } from '../src/webview/protocol';

/**
 * Runs inside VS Code's extension host for bench/panel.bench.ts (loaded as the
 * "extension tests" module): opens the result panel for each planned dispatch
 * and times `covalent.openResult` → the webview reporting the graph drawn.
 */
interface PlanItem {
  readonly label: string;
  readonly dispatchId: string;
  /** Nodes the server's graph has: the panel is drawn when the webview reports this many. */
  readonly nodes: number;
  readonly repeats: number;
  readonly panFrames?: number;
  /** Leave this panel open at the end (for the screenshot), with this task selected. */
  readonly keepOpenSelecting?: number;
  /** …and with this tab of the side pane shown. */
  readonly keepOpenTab?: 'task' | 'workflow' | 'timeline' | 'compare';
  /** Graph controls to press before the last screenshot (e.g. the minimap). */
  readonly pressBeforeScreenshot?: readonly GraphControl[];
  /** Screenshots of the graph while it is open, after measuring: each a list of controls pressed first. */
  readonly screenshots?: readonly { readonly name: string; readonly press: readonly GraphControl[] }[];
}

export interface HostResult {
  readonly label: string;
  readonly openToDrawnMs: number[];
  readonly pan?: PanMeasurement;
  readonly zoom?: PanMeasurement;
  readonly error?: string;
}

/** The window as drawn, after a moment for the last frame to settle. */
async function screenshot(name: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await requestScreenshot(process.env.PANEL_BENCH_RESULTS, name);
}

export async function run(): Promise<void> {
  const plan = JSON.parse(process.env.PANEL_BENCH_PLAN ?? '[]') as PlanItem[];
  const resultsFile = process.env.PANEL_BENCH_RESULTS;
  const extension = vscode.extensions.getExtension<CovalentExtensionApi>('covalent-vscode.covalent-vscode');
  if (!extension) throw new Error('the extension is not installed in this VS Code');
  const api = await extension.activate();
  const results: HostResult[] = [];
  for (const item of plan) {
    const times: number[] = [];
    let pan: PanMeasurement | undefined;
    let zoom: PanMeasurement | undefined;
    let error: string | undefined;
    try {
      for (let attempt = 0; attempt < item.repeats; attempt++) {
        const started = Date.now();
        await vscode.commands.executeCommand('covalent.openResult', { dispatchId: item.dispatchId });
        const panel = api.services.panels.get(item.dispatchId);
        if (!panel) throw new Error(`no panel for ${item.dispatchId}`);
        const drawnAt = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${item.label}: the graph was not drawn within 600 s`)), 600000);
          const subscription = panel.onDidDraw((event) => {
            if (event.nodes < item.nodes) return;
            clearTimeout(timer);
            subscription.dispose();
            resolve(event.at);
          });
        });
        times.push(drawnAt - started);
        const last = attempt === item.repeats - 1;
        if (last && item.panFrames) {
          pan = await panel.measurePan(item.panFrames);
          zoom = await panel.measurePan(item.panFrames, 60000, 'zoom');
        }
        if (last) {
          for (const shot of item.screenshots ?? []) {
            for (const control of shot.press) panel.graphControls.pressControl(control);
            await screenshot(shot.name);
          }
        }
        if (last && item.keepOpenSelecting !== undefined) {
          panel.select(item.keepOpenSelecting);
          for (const control of item.pressBeforeScreenshot ?? []) panel.graphControls.pressControl(control);
          await new Promise((resolve) => setTimeout(resolve, 2000));
          if (item.keepOpenTab) panel.showTab(item.keepOpenTab);
          await new Promise((resolve) => setTimeout(resolve, 3000));
        } else {
          panel.close();
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      }
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    results.push({ label: item.label, openToDrawnMs: times, pan, zoom, error });
    if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  }
}
