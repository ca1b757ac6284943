import type { PanelTab } from '../protocol';
import { element, icon } from './dom';

/** The side pane's tab bar and one body per tab (a preview calls its Workflow tab Summary). */
export function buildTabs(tabs: readonly PanelTab[], previewMode: boolean, show: (tab: PanelTab) => void): { tabBar: HTMLElement; tabBodies: Record<PanelTab, HTMLElement>; tabButtons: Map<PanelTab, HTMLButtonElement> } {
  const tabBar = element('nav', { className: 'tabs', attributes: { role: 'tablist' } });
  const tabBodies: Record<PanelTab, HTMLElement> = {
    task: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-task' } }),
    workflow: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-workflow' } }),
    timeline: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-timeline' } }),
    compare: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-compare' } }),
  };
  const labels: Record<PanelTab, [string, string]> = {
    task: ['Task', 'symbol-method'],
    workflow: previewMode ? ['Summary', 'list-flat'] : ['Workflow', 'type-hierarchy'],
    timeline: ['Timeline', 'graph-line'],
    compare: ['Compare', 'diff'],
  };
  const tabButtons = new Map<PanelTab, HTMLButtonElement>();
  for (const tab of tabs) {
    const [label, iconName] = labels[tab];
    const tabButton = element('button', { className: 'tab', attributes: { role: 'tab', 'data-tab': tab }, onClick: () => show(tab) }, icon(iconName), element('span', { text: label }));
    tabButton.type = 'button';
    tabButtons.set(tab, tabButton);
    tabBar.appendChild(tabButton);
  }
  return { tabBar, tabBodies, tabButtons };
}
