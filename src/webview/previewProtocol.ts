/**
 * What a preview panel and its page say to each other beyond the graph: the
 * preview's header (what was built, from which inputs, or why it failed), the
 * selected node's function and flows, and the header's buttons. The page is the
 * result panel's, in its preview mode (`data-mode="preview"` on its body).
 *
 * No `vscode` and no DOM here: both bundles import it.
 */

export type PreviewState = 'building' | 'ready' | 'failed';

export interface PreviewSummaryRow {
  readonly label: string;
  readonly kind: string;
  readonly count: number;
}

/** Why a preview has no graph: the message, and for a lattice that raised its traceback with the user's frames as links. */
export interface PreviewProblem {
  readonly message: string;
  readonly traceback?: string;
  /** The traceback's frames in the user's code, innermost last: the page sends `openFrame` with an index. */
  readonly frames?: readonly string[];
}

export interface PreviewHeader {
  /** The workflow file's URI (the page keeps it to be restored after a reload). */
  readonly uri: string;
  readonly latticeName: string;
  /** The workflow file as shown (relative to the workspace). */
  readonly file: string;
  /** The inputs in Python call syntax ('' for none). */
  readonly args: string;
  readonly state: PreviewState;
  readonly nodes?: number;
  readonly edges?: number;
  /** Nodes that run something (not parameters). */
  readonly tasks?: number;
  readonly summary?: readonly PreviewSummaryRow[];
  /** More nodes than the graph draws: the page shows the summary instead. */
  readonly tooLarge?: { readonly nodes: number; readonly limit: number };
  readonly problem?: PreviewProblem;
}

export interface PreviewNodeView {
  readonly nodeId: number;
  readonly name: string;
  readonly kind: string;
  /** The user's function it runs, and where that is defined ("steps.py:10"). */
  readonly function?: string;
  readonly where?: string;
  readonly inputs: readonly { readonly edge: string; readonly node: string }[];
  readonly outputs: readonly { readonly edge: string; readonly node: string }[];
}

export const PREVIEW_ACTIONS = ['dispatch', 'refresh', 'changeInputs'] as const;
export type PreviewAction = (typeof PREVIEW_ACTIONS)[number];

export type PreviewHostMessage =
  | { readonly type: 'previewHeader'; readonly header: PreviewHeader }
  | { readonly type: 'previewNode'; readonly node: PreviewNodeView }
  /** Test hook: the page clicks the header's button for `action`, as a person would. */
  | { readonly type: 'pressPreviewAction'; readonly action: PreviewAction };

export const PREVIEW_HOST_TYPES = ['previewHeader', 'previewNode', 'pressPreviewAction'] as const;

export type PreviewWebviewMessage = { readonly type: 'previewAction'; readonly action: PreviewAction } | { readonly type: 'openFrame'; readonly index: number };

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAction(value: unknown): value is PreviewAction {
  return typeof value === 'string' && (PREVIEW_ACTIONS as readonly string[]).includes(value);
}

export function parsePreviewWebviewMessage(value: Fields): PreviewWebviewMessage | undefined {
  switch (value.type) {
    case 'previewAction':
      return isAction(value.action) ? { type: 'previewAction', action: value.action } : undefined;
    case 'openFrame':
      return typeof value.index === 'number' && Number.isInteger(value.index) && value.index >= 0 ? { type: 'openFrame', index: value.index } : undefined;
    default:
      return undefined;
  }
}

export function parsePreviewHostMessage(value: Fields): PreviewHostMessage | undefined {
  switch (value.type) {
    case 'previewHeader':
      return isObject(value.header) && typeof value.header.latticeName === 'string' && typeof value.header.args === 'string' ? (value as unknown as PreviewHostMessage) : undefined;
    case 'previewNode':
      return isObject(value.node) && typeof value.node.nodeId === 'number' && Array.isArray(value.node.inputs) && Array.isArray(value.node.outputs) ? (value as unknown as PreviewHostMessage) : undefined;
    case 'pressPreviewAction':
      return isAction(value.action) ? (value as unknown as PreviewHostMessage) : undefined;
    default:
      return undefined;
  }
}

/** What a preview panel's page keeps across a window reload: which lattice, from which inputs. */
export interface PersistedPreviewState {
  readonly uri: string;
  readonly lattice: string;
  readonly args: string;
  readonly selectedNodeId?: number;
}

export function parsePersistedPreview(value: unknown): PersistedPreviewState | undefined {
  if (!isObject(value) || !isObject(value.preview)) return undefined;
  const { uri, lattice, args } = value.preview;
  if (typeof uri !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(uri) || typeof lattice !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,200}$/.test(lattice) || typeof args !== 'string') return undefined;
  const selected = value.selectedNodeId;
  return { uri, lattice, args, selectedNodeId: typeof selected === 'number' && Number.isInteger(selected) && selected >= 0 ? selected : undefined };
}
