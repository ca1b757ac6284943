import { algorithmFits, GRAPH_ALGORITHM_CHOICES, GRAPH_DIRECTIONS, type GraphAlgorithm, type GraphControl, type GraphDirection, type GraphExportFormat, type GraphViewState } from '../graphProtocol';
import { element } from './dom';

/**
 * The graph's controls, as in the Covalent UI: zoom, fit, find a task,
 * orientation, layout, parameters, post-processing, labels, minimap, movable
 * nodes, and saving a picture. Buttons show their key in the tooltip; toggles
 * say their state through aria-pressed.
 */
export interface ToolbarActions {
  zoom(factor: number): void;
  fit(): void;
  find(query: string, step: 1 | -1): void;
  clearFind(): void;
  change(view: Partial<GraphViewState>): void;
  exportPicture(format: GraphExportFormat): void;
}

const DIRECTION_LABELS: Record<GraphDirection, [string, string]> = {
  DOWN: ['top-down', 'arrow-down'],
  RIGHT: ['left-right', 'arrow-right'],
  UP: ['bottom-up', 'arrow-up'],
  LEFT: ['right-left', 'arrow-left'],
};

export class GraphToolbar {
  readonly root: HTMLElement;
  private readonly buttons = new Map<GraphControl, HTMLButtonElement>();
  private readonly layoutSelect: HTMLSelectElement;
  readonly findInput: HTMLInputElement;
  private readonly findStatus: HTMLElement;
  private view: GraphViewState;

  constructor(
    initial: GraphViewState,
    private readonly actions: ToolbarActions,
    legend: HTMLElement,
  ) {
    this.view = initial;
    this.findInput = element('input', { className: 'graph-find', attributes: { type: 'search', placeholder: 'Find a task', 'aria-label': 'Find a task by name (Enter: next, Shift+Enter: previous)', spellcheck: 'false' } });
    this.findStatus = element('span', { className: 'graph-find-status', attributes: { 'aria-live': 'polite' } });
    let typing: number | undefined;
    this.findInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        window.clearTimeout(typing);
        this.actions.find(this.findInput.value, event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape') {
        this.findInput.value = '';
        this.actions.clearFind();
      }
    });
    this.findInput.addEventListener('input', () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(() => (this.findInput.value ? this.actions.find(this.findInput.value, 1) : this.actions.clearFind()), 200);
    });

    this.layoutSelect = element('select', { className: 'graph-layout', title: 'Layout', attributes: { 'aria-label': 'Layout' } });
    for (const choice of GRAPH_ALGORITHM_CHOICES) this.layoutSelect.appendChild(element('option', { text: choice.label, attributes: { value: choice.value } }));
    this.layoutSelect.addEventListener('change', () => this.actions.change({ algorithm: this.layoutSelect.value as GraphAlgorithm }));

    const control = (name: GraphControl, icon: string, title: string, onClick: () => void) => {
      const node = element('button', { className: 'icon-button', title, attributes: { 'aria-label': title, 'data-control': name }, onClick }, element('span', { className: `codicon codicon-${icon}` }));
      node.type = 'button';
      this.buttons.set(name, node);
      return node;
    };
    const toggle = (name: GraphControl, icon: string, title: string, key: keyof GraphViewState) => control(name, icon, title, () => this.actions.change({ [key]: !this.view[key] }));
    const exportButton = (format: GraphExportFormat, icon: string, title: string) => {
      const node = element('button', { className: 'icon-button', title, attributes: { 'aria-label': title, 'data-export': format }, onClick: () => this.actions.exportPicture(format) }, element('span', { className: `codicon codicon-${icon}` }));
      node.type = 'button';
      return node;
    };
    this.root = element(
      'div',
      { className: 'graph-toolbar', attributes: { role: 'toolbar', 'aria-label': 'Graph' } },
      control('zoomIn', 'zoom-in', 'Zoom in (+)', () => this.actions.zoom(1.25)),
      control('zoomOut', 'zoom-out', 'Zoom out (-)', () => this.actions.zoom(0.8)),
      control('fit', 'screen-full', 'Fit the graph (0)', () => this.actions.fit()),
      element('span', { className: 'toolbar-separator' }),
      element('span', { className: 'graph-find-box' }, element('span', { className: 'codicon codicon-search' }), this.findInput, this.findStatus),
      element('span', { className: 'toolbar-separator' }),
      control('orientation', 'arrow-down', 'Orientation (O)', () => this.actions.change({ direction: GRAPH_DIRECTIONS[(GRAPH_DIRECTIONS.indexOf(this.view.direction) + 1) % GRAPH_DIRECTIONS.length] })),
      this.layoutSelect,
      toggle('parameters', 'symbol-parameter', 'Show parameters (P)', 'showParameters'),
      toggle('postprocessing', 'symbol-event', 'Show post-processing', 'showPostprocessing'),
      toggle('labels', 'tag', 'Show labels (L)', 'labels'),
      toggle('minimap', 'map', 'Show the minimap (M)', 'minimap'),
      toggle('draggable', 'move', 'Move nodes by dragging (D; Shift+arrows move the selected one)', 'draggable'),
      element('span', { className: 'toolbar-separator' }),
      exportButton('svg', 'file-code', 'Save the graph as SVG…'),
      exportButton('png', 'file-media', 'Save the graph as PNG…'),
      legend,
    );
    this.show(initial, 0);
  }

  /** Shows the state (pressed toggles, orientation icon, layouts that fit this many nodes). */
  show(view: GraphViewState, nodes: number): void {
    this.view = view;
    const pressed: [GraphControl, boolean][] = [
      ['parameters', view.showParameters],
      ['postprocessing', view.showPostprocessing],
      ['labels', view.labels],
      ['minimap', view.minimap],
      ['draggable', view.draggable],
    ];
    for (const [name, on] of pressed) this.buttons.get(name)?.setAttribute('aria-pressed', String(on));
    const orientation = this.buttons.get('orientation');
    if (orientation) {
      const [label, icon] = DIRECTION_LABELS[view.direction];
      const title = `Orientation: ${label} (O)`;
      orientation.title = title;
      orientation.setAttribute('aria-label', title);
      orientation.firstElementChild?.setAttribute('class', `codicon codicon-${icon}`);
    }
    for (const option of Array.from(this.layoutSelect.options)) {
      const choice = GRAPH_ALGORITHM_CHOICES.find((entry) => entry.value === option.value)!;
      const fits = algorithmFits(choice.value, nodes);
      option.disabled = !fits;
      option.textContent = fits ? choice.label : `${choice.label} (too slow here)`;
      option.title = fits ? '' : `Too slow for ${nodes} nodes (up to ${choice.maxNodes})`;
    }
    this.layoutSelect.value = view.algorithm;
  }

  /** Presses a control as a click would (keyboard shortcuts and test hooks use this). */
  press(name: GraphControl): void {
    this.buttons.get(name)?.click();
  }

  chooseLayout(algorithm: GraphAlgorithm): void {
    this.layoutSelect.value = algorithm;
    this.layoutSelect.dispatchEvent(new Event('change'));
  }

  findResult(text: string): void {
    this.findStatus.textContent = text;
  }
}
