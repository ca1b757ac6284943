import type { PanelTab, RenderReport } from '../protocol';
import type { GraphView } from './graph';
import type { ValueViews } from './valueView';

/**
 * What the page reports when a test probes it: what it drew, what its tabs say,
 * and any element or handler in it that data could have put there.
 */
export interface ReportedPage {
  readonly graph: GraphView;
  readonly selectedNodeId: number | undefined;
  readonly tabBodies: Readonly<Record<PanelTab, HTMLElement>>;
  readonly values: ValueViews;
  readonly header: HTMLElement;
  readonly tabBar: HTMLElement;
  readonly savedState: unknown;
}

export function pageReport(page: ReportedPage): RenderReport {
  const { graph, tabBodies } = page;
  // Value boxes hold text only: any element inside one came from data, not from us.
  // (Scripts outside #app are VS Code's own webview bridge.)
  // Drawn values' pictures are ours (img.value-image); sanitized HTML is counted apart.
  const foreign = Array.from(document.querySelectorAll('pre.value *, .placeholder *, dd *, td *:not(.badge), #app script, #app img:not(.value-image), #app iframe, #app object, #app embed, #app b')).filter(
    (node) => !node.closest('.side-by-side') && (!node.closest('.value-html') || ['SCRIPT', 'IMG', 'IFRAME', 'OBJECT', 'EMBED'].includes(node.tagName)),
  );
  const handlers = Array.from(document.querySelectorAll('#app *')).filter((node) => Array.from(node.attributes).some((attribute) => attribute.name.startsWith('on'))).length;
  const scripts = Array.from(document.querySelectorAll('script')).map((script) => script.src || 'inline');
  return {
    nodes: graph.testHooks.drawnNodes(),
    edges: graph.testHooks.drawnEdges(),
    selectedNodeId: page.selectedNodeId,
    detailsText: tabBodies.task.textContent ?? '',
    workflowText: tabBodies.workflow.textContent ?? '',
    foreignElements: foreign.length,
    foreignTags: foreign.map((node) => node.tagName.toLowerCase()),
    eventHandlerAttributes: handlers,
    values: page.values.reports(),
    scripts,
    injectedScriptRan: (window as unknown as { __covalentInjected?: unknown }).__covalentInjected !== undefined,
    header: page.header.textContent ?? '',
    tabs: Array.from(page.tabBar.querySelectorAll('.tab')).map((tab) => tab.textContent ?? ''),
    timelineBars: tabBodies.timeline.querySelectorAll('.timeline-row').length,
    timelineReused: tabBodies.timeline.querySelectorAll('.timeline-mark.reused').length,
    compareRows: tabBodies.compare.querySelectorAll('tbody tr').length,
    graphRenders: graph.renders,
    transform: { ...graph.transform },
    graph: graph.testHooks.report(),
    savedState: page.savedState,
  };
}
