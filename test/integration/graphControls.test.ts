import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DOMParser } from '@xmldom/xmldom';
import type { CovalentExtensionApi } from '../../src/extension';
import type { RenderReport } from '../../src/webview/protocol';
import type { ResultPanel } from '../../src/webview/resultPanel';
import { waitForTerminalStatus } from './support/covalentRest';
import { dispatchWithPython, extensionApi } from './support/dispatching';
import { testEnvironment } from './support/env';
import { probeUntil, serverGraph } from './support/panels';

type DrawnNode = RenderReport['nodes'][number];

/** Centre of a drawn node on screen (CSS pixels of the canvas). */
function onScreen(report: RenderReport, node: DrawnNode): { x: number; y: number } {
  const { x, y, scale } = report.transform;
  return { x: ((node.x ?? 0) + (node.width ?? 0) / 2) * scale + x, y: ((node.y ?? 0) + (node.height ?? 0) / 2) * scale + y };
}

describe('Result panel: the graph’s controls change what the canvas draws', function () {
  this.timeout(180000);
  const env = testEnvironment();
  let api: CovalentExtensionApi;
  let dispatchId: string;
  let panel: ResultPanel;
  let serverNodes: Awaited<ReturnType<typeof serverGraph>>['nodes'];

  before(async () => {
    api = await extensionApi();
    dispatchId = await dispatchWithPython(env, 'redispatch_howto', 'workflow', '1, 2');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    serverNodes = (await serverGraph(env.serverAddress, dispatchId)).nodes;
    await vscode.commands.executeCommand('covalent.openResult', { dispatchId });
    const opened = api.services.panels.get(dispatchId);
    assert.ok(opened);
    panel = opened;
    await probeUntil(panel, (report) => report.nodes.length === serverNodes.length && report.nodes.every((node) => node.status === 'COMPLETED'), 'the seed graph COMPLETED');
  });

  after(() => panel?.close());

  it('paints each task in its status colour, with labels, at full detail', async () => {
    const report = await probeUntil(panel, (drawn) => (drawn.graph?.pixels.length ?? 0) > 0, 'pixels read back');
    assert.strictEqual(report.graph?.detail, 'full');
    assert.ok(report.graph.pixels.every((pixel) => pixel.actual === pixel.expected), JSON.stringify(report.graph.pixels));
    assert.strictEqual(report.graph.visibleNodes, serverNodes.length, 'fitted: every node in view');
    assert.strictEqual(report.graph.labelsPainted, serverNodes.length);
  });

  it('zooms in, out and fits', async () => {
    const fitted = await panel.probe();
    panel.graphControls.pressControl('zoomIn');
    const zoomed = await probeUntil(panel, (report) => report.transform.scale > fitted.transform.scale, 'a closer view');
    assert.ok(Math.abs(zoomed.transform.scale / fitted.transform.scale - 1.25) < 0.01);
    for (let press = 0; press < 6; press++) panel.graphControls.pressControl('zoomIn');
    const close = await probeUntil(panel, (report) => report.graph!.visibleNodes < serverNodes.length, 'some nodes out of view');
    assert.ok(close.transform.scale > zoomed.transform.scale);
    panel.graphControls.pressControl('fit');
    const refitted = await probeUntil(panel, (report) => report.graph!.visibleNodes === serverNodes.length, 'the whole graph again');
    assert.deepStrictEqual(refitted.transform, fitted.transform);
    panel.graphControls.pressControl('zoomOut');
    await probeUntil(panel, (report) => report.transform.scale < fitted.transform.scale, 'a farther view');
    panel.graphControls.pressControl('fit');
  });

  it('turns labels off and on, and shows the minimap', async () => {
    panel.graphControls.pressControl('labels');
    const unlabelled = await probeUntil(panel, (report) => report.graph?.view.labels === false, 'labels off');
    assert.strictEqual(unlabelled.graph?.labelsPainted, 0);
    panel.graphControls.pressControl('labels');
    await probeUntil(panel, (report) => report.graph?.labelsPainted === serverNodes.length, 'labels back');
    panel.graphControls.pressControl('minimap');
    const withMap = await probeUntil(panel, (report) => report.graph?.minimapShown === true && report.graph.minimapPainted > 0, 'the minimap');
    assert.strictEqual(withMap.graph?.minimapPainted, serverNodes.length);
    panel.graphControls.pressControl('minimap');
    await probeUntil(panel, (report) => report.graph?.minimapShown === false, 'no minimap');
  });

  it('turns the flow left-to-right and back, laid out again by the extension', async () => {
    panel.graphControls.pressControl('orientation', 'RIGHT');
    const right = await probeUntil(panel, (report) => report.graph?.layout.direction === 'RIGHT', 'a left-right layout');
    const at = new Map(right.nodes.map((node) => [node.nodeId, node]));
    const dataEdges = right.edges.filter((edge) => !at.get(edge.target)?.name.startsWith(':postprocess:'));
    assert.ok(dataEdges.length > 0);
    for (const edge of dataEdges) assert.ok(at.get(edge.target)!.x! > at.get(edge.source)!.x!, `left-right: ${at.get(edge.target)!.name} right of ${at.get(edge.source)!.name}`);
    panel.graphControls.pressControl('orientation', 'DOWN');
    const down = await probeUntil(panel, (report) => report.graph?.layout.direction === 'DOWN', 'a top-down layout');
    const below = new Map(down.nodes.map((node) => [node.nodeId, node]));
    for (const edge of dataEdges) assert.ok(below.get(edge.target)!.y! > below.get(edge.source)!.y!, 'top-down again');
  });

  it('hides and shows parameters and post-processing', async () => {
    const parameters = serverNodes.filter((node) => node.kind === 'parameter').length;
    const postprocessing = serverNodes.filter((node) => node.name.startsWith(':postprocess:')).length;
    assert.ok(parameters > 0 && postprocessing > 0, 'the seed graph has both');
    panel.graphControls.pressControl('parameters');
    const noParameters = await probeUntil(panel, (report) => report.graph?.layout.showParameters === false, 'parameters hidden');
    assert.strictEqual(noParameters.nodes.length, serverNodes.length - parameters);
    assert.ok(noParameters.nodes.every((node) => node.kind !== 'parameter'));
    panel.graphControls.pressControl('postprocessing');
    const neither = await probeUntil(panel, (report) => report.graph?.layout.showPostprocessing === false, 'post-processing hidden');
    assert.strictEqual(neither.nodes.length, serverNodes.length - parameters - postprocessing);
    panel.graphControls.pressControl('parameters');
    panel.graphControls.pressControl('postprocessing');
    await probeUntil(panel, (report) => report.nodes.length === serverNodes.length, 'every node again');
  });

  it('lays the graph out with another algorithm', async () => {
    const layered = await panel.probe();
    panel.graphControls.pressControl('layout', 'box');
    const box = await probeUntil(panel, (report) => report.graph?.layout.algorithm === 'box', 'the box layout');
    assert.strictEqual(box.graph?.layout.engine, 'elk box');
    assert.strictEqual(box.nodes.length, serverNodes.length);
    const moved = box.nodes.filter((node) => {
      const before = layered.nodes.find((other) => other.nodeId === node.nodeId)!;
      return before.x !== node.x || before.y !== node.y;
    });
    assert.ok(moved.length > 0, 'nodes moved');
    panel.graphControls.pressControl('layout', 'layered');
    await probeUntil(panel, (report) => report.graph?.layout.algorithm === 'layered', 'layered again');
  });

  it('moves a node by dragging it once nodes are movable, not before', async () => {
    const before = await panel.probe();
    const task = before.nodes.find((node) => node.name === 'task_1')!;
    panel.graphControls.dragNode(task.nodeId, 60, 30);
    const drags = before.graph?.dragsFinished ?? 0;
    const panned = await probeUntil(panel, (report) => report.graph?.dragsFinished === drags + 1, 'a drag that pans the view, ended');
    assert.notStrictEqual(panned.transform.x, before.transform.x, 'locked: the drag pans the view');
    assert.strictEqual(panned.nodes.find((node) => node.nodeId === task.nodeId)!.x, task.x, 'locked: the node stays');
    panel.graphControls.pressControl('fit');
    panel.graphControls.pressControl('draggable');
    // Messages reach the page in order: once nodes are movable the fit before it has happened.
    const fitted = await probeUntil(panel, (report) => report.graph?.view.draggable === true, 'movable nodes');
    panel.graphControls.dragNode(task.nodeId, 60, 30);
    const scale = fitted.transform.scale;
    const movedBy = (report: RenderReport) => {
      const now = report.nodes.find((node) => node.nodeId === task.nodeId)!;
      return report.graph?.dragsFinished === drags + 2 && Math.abs(now.x! - task.x! - 60 / scale) < 1 && Math.abs(now.y! - task.y! - 30 / scale) < 1;
    };
    const dragged = await probeUntil(panel, movedBy, 'the node moved with the pointer');
    assert.deepStrictEqual(dragged.transform, fitted.transform, 'the view stayed');
    panel.graphControls.pressControl('draggable');
  });

  it('finds a task by name, centres and selects it', async () => {
    panel.graphControls.pressControl('zoomIn');
    panel.graphControls.findTask('task_2');
    const found = await probeUntil(panel, (report) => report.selectedNodeId === serverNodes.find((node) => node.name === 'task_2')!.nodeId, 'task_2 selected');
    const node = found.nodes.find((entry) => entry.name === 'task_2')!;
    const centre = onScreen(found, node);
    const viewport = found.graph!.viewport;
    assert.ok(Math.abs(centre.x - viewport.width / 2) < 6 && Math.abs(centre.y - viewport.height / 2) < 6, `centred: ${JSON.stringify(centre)} in ${JSON.stringify(viewport)}`);
    assert.strictEqual(found.graph?.findResult, '1/1');
    assert.match(found.detailsText, /task_2/);
  });

  it('saves the graph as SVG and PNG into the workspace', async () => {
    const drawn = await panel.probe();
    const svgPath = await panel.graphControls.exportGraph('svg', 'graph-export.svg');
    assert.strictEqual(svgPath, path.join(env.workspaceFolder, 'graph-export.svg'));
    const errors: string[] = [];
    const svg = new DOMParser({ onError: (level, message) => errors.push(`${level}: ${message}`) }).parseFromString(fs.readFileSync(svgPath, 'utf8'), 'image/svg+xml');
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(svg.documentElement?.nodeName, 'svg');
    const svgNodes = Array.from(svg.getElementsByTagName('g')).filter((group) => group.getAttribute('class') === 'node');
    assert.deepStrictEqual(svgNodes.map((group) => Number(group.getAttribute('data-node'))).sort((a, b) => a - b), drawn.nodes.map((node) => node.nodeId).sort((a, b) => a - b));
    assert.ok(Array.from(svg.getElementsByTagName('text')).some((text) => text.textContent === 'task_1'));

    const pngPath = await panel.graphControls.exportGraph('png', 'graph-export.png');
    const png = fs.readFileSync(pngPath);
    assert.deepStrictEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
    assert.strictEqual(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.ok(png.readUInt32BE(16) > 100 && png.readUInt32BE(20) > 100, 'a picture of some size');
    fs.rmSync(svgPath);
    fs.rmSync(pngPath);
  });

  it('remembers the view per panel: a restored panel shows it again', async () => {
    panel.graphControls.pressControl('orientation', 'RIGHT');
    panel.graphControls.pressControl('labels');
    await probeUntil(panel, (report) => report.graph?.layout.direction === 'RIGHT' && report.graph.view.labels === false, 'left-right without labels');
    panel.close();
    const kept = vscode.window.createWebviewPanel('covalent.result', 'restored', vscode.ViewColumn.Active, { enableScripts: true });
    const restored = api.services.panels.restore(kept, { dispatchId, view: { direction: 'RIGHT', labels: false } });
    assert.ok(restored);
    panel = restored;
    const report = await probeUntil(restored, (drawn) => drawn.nodes.length === serverNodes.length && drawn.graph?.layout.direction === 'RIGHT', 'the restored view');
    assert.strictEqual(report.graph?.view.labels, false);
    assert.strictEqual(report.graph?.labelsPainted, 0);
  });
});
