import { element } from './dom';

/** The toolbar's key to the graph's colours: the statuses a node shows, parameters and reused tasks. */
export function graphLegend(): HTMLElement {
  return element(
    'span',
    { className: 'legend' },
    legendItem('COMPLETED', 'completed'),
    legendItem('RUNNING', 'running'),
    legendItem('FAILED', 'failed'),
    legendItem('NEW_OBJECT', 'waiting'),
    element('span', { className: 'legend-item legend-parameter', text: 'parameter' }),
    element('span', { className: 'legend-item legend-reused', text: '↻ reused' }),
  );
}

function legendItem(status: string, label: string): HTMLElement {
  return element('span', { className: 'legend-item', attributes: { 'data-status': status } }, element('span', { className: 'legend-swatch' }), element('span', { text: label }));
}
