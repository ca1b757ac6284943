import type * as vscode from 'vscode';
import { isBridgeError } from '../bridge/protocol';
import { buildPreview, type BuiltPreview } from '../preview/graphPreviewer';
import type { Services } from '../services';
import { UserCancelled } from '../util/errors';
import { readPreviewRequest, readTarget } from './arguments';
import { toUri } from './dispatch';
import type { Invocation } from '../util/invocation';
import { askForInputs, askForTarget } from './prompts';
import { type CommandTable, runsUserCode } from './types';
import { Commands } from '../util/commandIds';

/** What `covalent.previewGraph` returns: the size of the whole transport graph. */
export interface PreviewCounts {
  readonly nodes: number;
  readonly edges: number;
}

/**
 * Preview Graph: the lattice's graph built locally with the given inputs and
 * shown in its preview panel; nothing is dispatched. The API's `{ uri, lattice,
 * args? }` asks nothing (inputs absent: the ones last used for that lattice);
 * a lens, Workflows row or panel asks for inputs the lattice needs and has none
 * of. The preview runs the workflow file's code, so it is off in Restricted Mode.
 */
export const previewCommands: CommandTable = {
  [Commands.previewGraph]: runsUserCode('Previewing a workflow’s graph', (services, invocation) => previewGraph(services, invocation)),
};

async function previewGraph(services: Services, invocation: Invocation): Promise<PreviewCounts | undefined> {
  const { target, args: given, askAlways } = await previewRequest(services, invocation);
  const remembered = services.choices.rememberedInputs(target.uri, target.lattice);
  let args = given ?? remembered;
  if (askAlways) args = await askForInputs(services, target.uri, target.lattice, args ?? '');
  const panel = services.panels.openPreview(target, (args ?? '').trim());
  const previousArgs = panel.shown.args;
  let inputs = (args ?? '').trim();
  let build = panel.building(inputs);
  try {
    let built: BuiltPreview;
    try {
      built = await buildPreview(services, target, inputs);
    } catch (error) {
      // Nothing given or remembered and the lattice needs inputs: a person is asked, as Dispatch asks.
      if (!(invocation.interactive && args === undefined && isBridgeError(error, 'inputsMissing') && panel.isNewest(build))) throw error;
      // The panel says what is missing while the person types it.
      panel.failed(inputs, error);
      inputs = (await askForInputs(services, target.uri, target.lattice, error.data.template ?? '')).trim();
      build = panel.building(inputs);
      built = await buildPreview(services, target, inputs);
    }
    const counts = { nodes: built.graph.nodeCount, edges: built.graph.edgeCount };
    // A newer build of this panel started meanwhile: the panel and the remembered inputs are its.
    if (!panel.isNewest(build)) return counts;
    panel.show(built.graph, inputs, built.text);
    await services.choices.rememberInputs(target.uri, target.lattice, inputs);
    services.output.info(`Previewed ${target.lattice} (${inputs || 'no inputs'}): ${built.graph.nodeCount} nodes, ${built.graph.edgeCount} edges; nothing dispatched.`);
    return counts;
  } catch (error) {
    const newest = panel.isNewest(build);
    if (error instanceof UserCancelled) {
      if (newest) panel.cancelled(previousArgs);
      throw error;
    }
    const explained = services.bridgeCalls.explain(error);
    if (newest) panel.failed(inputs, explained);
    // A person sees the traceback in the panel, each frame a link: no second message (nor one for a build overtaken by a newer one).
    if (invocation.interactive && (!newest || isBridgeError(explained, 'graphFailed'))) return undefined;
    throw explained;
  }
}

async function previewRequest(services: Services, invocation: Invocation): Promise<{ target: { uri: vscode.Uri; lattice: string }; args?: string; askAlways: boolean }> {
  if (!invocation.interactive) {
    const request = readPreviewRequest(invocation.argument);
    return { target: { uri: toUri(request.uri), lattice: request.lattice }, args: request.args, askAlways: false };
  }
  const given = invocation.argument !== undefined ? readTarget(invocation.argument) : {};
  const target = given.uri && given.lattice ? { uri: toUri(given.uri), lattice: given.lattice } : await askForTarget(services, 'Preview the graph of which lattice?');
  return { target, args: given.args, askAlways: given.askForInputs === true };
}
