import type { PanelTab } from '../protocol';
import { element, icon } from './dom';

/** What a tab's button says, and its codicon. */
export interface TabLabel {
  readonly text: string;
  readonly icon: string;
}

/** The side pane's tab bar (a button for each of `tabs`) and one body per tab. */
export function buildTabs(tabs: readonly PanelTab[], labels: Readonly<Record<PanelTab, TabLabel>>, show: (tab: PanelTab) => void): { tabBar: HTMLElement; tabBodies: Record<PanelTab, HTMLElement>; tabButtons: Map<PanelTab, HTMLButtonElement> } {
  const tabBar = element('nav', { className: 'tabs', attributes: { role: 'tablist' } });
  const tabBodies: Record<PanelTab, HTMLElement> = {
    task: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-task' } }),
    workflow: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-workflow' } }),
    timeline: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-timeline' } }),
    compare: element('div', { className: 'tab-body', attributes: { role: 'tabpanel', id: 'tab-compare' } }),
  };
  const tabButtons = new Map<PanelTab, HTMLButtonElement>();
  for (const tab of tabs) {
    const label = labels[tab];
    const tabButton = element('button', { className: 'tab', attributes: { role: 'tab', 'data-tab': tab }, onClick: () => show(tab) }, icon(label.icon), element('span', { text: label.text }));
    tabButton.type = 'button';
    tabButtons.set(tab, tabButton);
    tabBar.appendChild(tabButton);
  }
  return { tabBar, tabBodies, tabButtons };
}
