import type * as vscode from 'vscode';
import type { Core } from '../core';
import type { ResultDetailsReader } from '../covalent/resultDetails';
import type { SourceLocator } from '../languageClient/sourceLocator';
import type { ValueService } from '../values/valueService';
import type { GraphLayoutOptions } from './graphProtocol';
import type { LayoutInput } from './layout';
import type { GraphLayout } from './protocol';

/** Where a panel says whether it is in view: the poller follows live what some view shows. */
export interface LiveDemand {
  setDemand(key: string, visible: boolean): void;
}

/** What a panel reads and uses, beside its registry. */
export interface PanelServices extends Pick<Core, 'extension' | 'output' | 'settings' | 'store' | 'servers'> {
  readonly liveViews: { readonly poller: LiveDemand };
  readonly locator: SourceLocator;
  /** Values drawn as figures, tables and arrays. */
  readonly values: ValueService;
}

/**
 * What a panel uses of the registry that made it (`ResultPanels`): the services,
 * the shared layout worker and cache, opening another dispatch's panel, and the
 * details reader of a server. Panels see only this, so they import nothing of
 * the registry that imports them.
 */
export interface PanelHost {
  readonly services: PanelServices;
  readonly layouts: { warm(): void };
  /** The folder panels write drawn values' pictures in (one of the page's resource roots). */
  readonly picturesRoot: vscode.Uri;
  /** Lays a graph out for `options`; a shape laid out recently comes from the cache. */
  layoutFor(key: string, graph: LayoutInput, options: GraphLayoutOptions): Promise<GraphLayout>;
  /** Opens the panel of a dispatch, or focuses it when it is open. */
  open(dispatchId: string, serverAddress?: string): void;
  /** Task and workflow details, through the server's one client. */
  reader(serverAddress: string): ResultDetailsReader;
}
