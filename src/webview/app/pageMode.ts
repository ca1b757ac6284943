import { PANEL_TABS, type PanelTab } from '../protocol';
import { DISPATCH_GRAPH, type GraphViewOptions } from './graph';
import type { PageState } from './pageState';
import type { TabLabel } from './tabsView';

/**
 * What differs between the page's two uses, chosen once when it opens: the
 * result panel of a dispatch, or the preview of a workflow's graph before any
 * dispatch (`data-mode="preview"` on <body>), which has no statuses, no values
 * on a server, no Timeline or Compare tab, and calls its Workflow tab Summary.
 */
export interface PageMode {
  /** The side pane's tabs, in order. */
  readonly tabs: readonly PanelTab[];
  readonly tabLabels: Readonly<Record<PanelTab, TabLabel>>;
  readonly graph: GraphViewOptions;
  /** Inputs and results are drawn (figures, tables, arrays): only a dispatch's are on a server. */
  readonly drawsValues: boolean;
  /** The Workflow tab is the preview's Summary, painted from its header (else the dispatch's details, asked for). */
  readonly workflowTabIsSummary: boolean;
  /** The graph area says how the preview's build went (building, failed, too big to draw). */
  readonly graphShowsBuildState: boolean;
  /** What the saved state names the page by, so that a reload shows the same dispatch or preview. */
  identity(state: PageState): PageIdentity;
  /** The selected node's view has come; until it has, a new graph asks for it again. */
  selectedNodeShown(state: PageState): boolean;
}

export type PageIdentity =
  | { readonly dispatchId: string; readonly serverAddress: string | undefined }
  | { readonly preview: { readonly uri: string; readonly lattice: string; readonly args: string } | undefined };

const DISPATCH_TAB_LABELS: Readonly<Record<PanelTab, TabLabel>> = {
  task: { text: 'Task', icon: 'symbol-method' },
  workflow: { text: 'Workflow', icon: 'type-hierarchy' },
  timeline: { text: 'Timeline', icon: 'graph-line' },
  compare: { text: 'Compare', icon: 'diff' },
};

const RESULT_PANEL: PageMode = {
  tabs: PANEL_TABS,
  tabLabels: DISPATCH_TAB_LABELS,
  graph: DISPATCH_GRAPH,
  drawsValues: true,
  workflowTabIsSummary: false,
  graphShowsBuildState: false,
  // A dispatch's server is kept too: after a reload the panel reads from that server, not the active one.
  identity: (state) => ({ dispatchId: state.dispatchId, serverAddress: state.persistedServer }),
  selectedNodeShown: (state) => state.currentDetails !== undefined,
};

const PREVIEW: PageMode = {
  tabs: ['task', 'workflow'],
  tabLabels: { ...DISPATCH_TAB_LABELS, workflow: { text: 'Summary', icon: 'list-flat' } },
  graph: { statuses: false, emptyText: 'The graph has no nodes.' },
  drawsValues: false,
  workflowTabIsSummary: true,
  graphShowsBuildState: true,
  identity: ({ previewHeader }) => ({ preview: previewHeader && { uri: previewHeader.uri, lattice: previewHeader.latticeName, args: previewHeader.args } }),
  selectedNodeShown: (state) => state.previewNodeShown,
};

export function pageModeOf(body: HTMLElement): PageMode {
  return body.getAttribute('data-mode') === 'preview' ? PREVIEW : RESULT_PANEL;
}
