import { displayName } from '../graphProtocol';
import type { PreviewAction, PreviewHeader, PreviewNodeView } from '../previewProtocol';
import type { WebviewMessage } from '../protocol';
import { button, clear, definitionList, element, icon, metaItem } from './dom';

/**
 * The parts of the page that differ in preview mode (a workflow's graph built
 * before any dispatch): the header with its Dispatch button, the selected node's
 * function and flows, and the Summary tab (counts per electron, the traceback of
 * a build that failed). Everything reaches the page as text.
 */
type Post = (message: WebviewMessage) => void;

const ACTIONS: readonly { action: PreviewAction; label: string; icon: string; title: string }[] = [
  { action: 'dispatch', label: 'Dispatch', icon: 'play', title: 'Dispatch this lattice with these inputs (what the graph shows)' },
  { action: 'changeInputs', label: 'Change Inputs…', icon: 'edit', title: 'Preview the graph with other inputs' },
  { action: 'refresh', label: 'Preview Again', icon: 'refresh', title: 'Build the graph again from the file as it is now' },
];

/** `workflow(1, 2)`: the call the graph was built from. */
function call(header: PreviewHeader): string {
  return `${header.latticeName}(${header.args})`;
}

export function renderPreviewHeader(root: HTMLElement, header: PreviewHeader, post: Post): void {
  clear(root);
  const title = element(
    'div',
    { className: 'title-row' },
    element('h1', { text: header.latticeName }),
    element('span', { className: 'badge preview-badge', text: 'preview · nothing dispatched', title: 'Built locally by Covalent’s own graph building; nothing was sent to a server' }),
    element('code', { className: 'preview-call', text: call(header), title: 'The inputs the graph was built from' }),
  );
  const meta = element(
    'div',
    { className: 'meta-row' },
    metaItem('File', header.file),
    metaItem('Nodes', header.nodes !== undefined ? header.nodes.toLocaleString('en-US') : '—'),
    metaItem('Tasks', header.tasks !== undefined ? header.tasks.toLocaleString('en-US') : '—'),
    metaItem('Edges', header.edges !== undefined ? header.edges.toLocaleString('en-US') : '—'),
    metaItem('State', header.state === 'building' ? 'building the graph…' : header.state === 'failed' ? 'failed' : 'built'),
  );
  const actions = element('div', { className: 'actions' });
  for (const { action, label, icon: iconName, title: tip } of ACTIONS) {
    const node = button(label, iconName, () => post({ type: 'previewAction', action }), tip);
    node.setAttribute('data-action', action);
    if (action === 'dispatch') {
      node.classList.add('primary');
      node.disabled = header.state !== 'ready';
    }
    actions.appendChild(node);
  }
  root.appendChild(element('div', { className: 'header-main' }, title, meta));
  root.appendChild(actions);
  if (header.problem) {
    const problem = element('div', { className: 'problem preview-problem', attributes: { role: 'alert' } }, icon('error'), element('span', { text: header.problem.message }));
    const frames = header.problem.frames ?? [];
    if (frames.length > 0) {
      const list = element('div', { className: 'frames' }, element('span', { className: 'meta-label', text: 'In your code:' }));
      frames.forEach((frame, index) => {
        const link = element('a', { className: 'link frame-link', text: frame, title: 'Open this line', attributes: { href: '#', 'data-frame': String(index) } });
        link.addEventListener('click', (event) => {
          event.preventDefault();
          post({ type: 'openFrame', index });
        });
        list.appendChild(link);
      });
      problem.appendChild(list);
    }
    root.appendChild(problem);
  }
}

/** What the graph area says instead of (or on top of) a graph. */
export function previewGraphMessage(header: PreviewHeader): string | undefined {
  if (header.state === 'building') return `Building the graph of ${call(header)}…`;
  if (header.state === 'failed') return 'No graph: building it failed (see above).';
  if (header.tooLarge) {
    return `This graph has ${header.tooLarge.nodes.toLocaleString('en-US')} nodes, more than the ${header.tooLarge.limit.toLocaleString('en-US')} the graph view draws. The Summary tab counts them per electron.`;
  }
  return undefined;
}

export function renderPreviewNode(target: HTMLElement, node: PreviewNodeView, post: Post): void {
  clear(target);
  target.appendChild(element('div', { className: 'details-title' }, element('h2', { text: displayName(node.name, node.kind) }), element('span', { className: 'badge', text: node.kind })));
  const actions = element('div', { className: 'details-actions' });
  if (node.function) actions.appendChild(button('Go to source', 'go-to-file', () => post({ type: 'goToSource', nodeId: node.nodeId })));
  target.appendChild(actions);
  target.appendChild(
    definitionList([
      ['Name', node.name],
      ['Kind', node.kind],
      ['Runs', node.function ?? (node.kind === 'parameter' ? 'nothing: an input value' : 'Covalent’s own code')],
      ['Defined at', node.where ?? '—'],
      ['Node', String(node.nodeId)],
    ]),
  );
  target.appendChild(flowSection('Inputs', node.inputs, '←'));
  target.appendChild(flowSection('Outputs', node.outputs, '→'));
}

function flowSection(title: string, flows: PreviewNodeView['inputs'], arrow: string): HTMLElement {
  const section = element('section', { className: 'value-section' }, element('h3', { text: title }));
  if (flows.length === 0) {
    section.appendChild(element('p', { className: 'empty', text: '(none)' }));
    return section;
  }
  const list = element('ul', { className: 'flows' });
  for (const flow of flows) list.appendChild(element('li', { text: `${flow.edge || '(value)'} ${arrow} ${flow.node}` }));
  section.appendChild(list);
  return section;
}

export function renderPreviewSummary(target: HTMLElement, header: PreviewHeader | undefined): void {
  clear(target);
  if (!header) {
    target.appendChild(element('p', { className: 'placeholder', text: 'Building the graph…' }));
    return;
  }
  target.appendChild(element('div', { className: 'details-title' }, element('h2', { text: call(header) })));
  target.appendChild(
    definitionList([
      ['File', header.file],
      ['Nodes', header.nodes?.toLocaleString('en-US') ?? '—'],
      ['Tasks', header.tasks?.toLocaleString('en-US') ?? '—'],
      ['Edges', header.edges?.toLocaleString('en-US') ?? '—'],
    ]),
  );
  if (header.summary?.length) {
    const table = element('table', { className: 'compare preview-summary' });
    const head = element('tr');
    for (const title of ['Electron or node', 'Kind', 'Nodes']) head.appendChild(element('th', { text: title }));
    table.appendChild(element('thead', {}, head));
    const body = element('tbody');
    for (const row of header.summary) {
      const tr = element('tr');
      tr.appendChild(element('td', { text: row.label }));
      tr.appendChild(element('td', { text: row.kind }));
      tr.appendChild(element('td', { className: 'count', text: row.count.toLocaleString('en-US') }));
      body.appendChild(tr);
    }
    table.appendChild(body);
    target.appendChild(table);
  }
  if (header.problem?.traceback) {
    const section = element('section', { className: 'value-section' }, element('h3', { text: 'Traceback' }));
    section.appendChild(element('pre', { className: 'value value-error', text: header.problem.traceback }));
    target.appendChild(section);
  }
}
