import { type GraphViewState, parseGraphViewState } from '../graphProtocol';
import type { PreviewHeader } from '../previewProtocol';
import type { PanelHeader, PanelTab, TaskDetailsView, TaskLive, WorkflowDetailsView } from '../protocol';

/**
 * What the page knows: restored when it opens from the webview's saved state
 * (or the attributes the panel put on <body>), then changed by main.ts as the
 * extension's messages and the user's clicks come. The views paint from it and
 * keep none of it.
 */
export class PageState {
  /** The dispatch this panel shows ('' in a preview). */
  readonly dispatchId: string;
  /** The dispatch's server as last saved: kept until a header names it. */
  persistedServer: string | undefined;
  /** The graph view this panel showed before (kept in the webview state): the extension lays out for it. */
  readonly savedView: GraphViewState | undefined;
  selectedNodeId: number | undefined;
  activeTab: PanelTab;
  header: PanelHeader | undefined;
  previewHeader: PreviewHeader | undefined;
  /** In preview mode: the selected node's view has arrived (else it is asked for again when a graph comes). */
  previewNodeShown = false;
  /** Live tasks by node id, as the last graph and updates left them. */
  readonly tasks = new Map<number, TaskLive>();
  currentDetails: TaskDetailsView | undefined;
  workflowDetails: WorkflowDetailsView | undefined;
  /** Asked for once, when their tab is first shown (again after a problem). */
  workflowRequested = false;
  compareRequested = false;

  /** `saved` is the webview's state as last saved, unchecked until read here. */
  constructor(saved: unknown, body: HTMLElement, tabs: readonly PanelTab[]) {
    const restored = (saved ?? {}) as { selectedNodeId?: unknown; tab?: unknown; view?: unknown; serverAddress?: unknown };
    this.dispatchId = body.getAttribute('data-dispatch-id') ?? '';
    this.persistedServer = typeof restored.serverAddress === 'string' ? restored.serverAddress : undefined;
    this.savedView = parseGraphViewState(restored.view);
    const initialSelected = body.getAttribute('data-selected');
    this.selectedNodeId = typeof restored.selectedNodeId === 'number' ? restored.selectedNodeId : initialSelected ? Number(initialSelected) : undefined;
    this.activeTab = tabs.includes(restored.tab as PanelTab) ? (restored.tab as PanelTab) : 'task';
  }
}
