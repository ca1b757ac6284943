/**
 * What the result panel and its page say to each other about drawn values: the
 * page asks for a value of the selected task or of the workflow (at its pixel
 * ratio, a page of rows, or a large one "Fetch"ed), saves or copies it; the panel
 * answers with the value drawn (`RenderedValue`). Tests ask the page to press
 * those buttons as a click would.
 *
 * No `vscode` and no DOM here: both bundles import it.
 */
import { isValueName, type RenderedValue, type ValueName } from '../values/rendered';

export type { RenderedValue, ValueName } from '../values/rendered';

/** What the page does with a value beyond showing it. */
export const VALUE_ACTIONS = ['saveAs', 'copyLoadingCode'] as const;
export type ValueAction = (typeof VALUE_ACTIONS)[number];

/** The buttons of a drawn value. */
export type ValueButton = 'fetch' | 'more' | 'text' | 'sideBySide' | ValueAction;
const VALUE_BUTTONS: readonly string[] = ['fetch', 'more', 'text', 'sideBySide', ...VALUE_ACTIONS];

export interface ValueAddress {
  /** null: the workflow's. */
  readonly nodeId: number | null;
  readonly value: ValueName;
  /** Another dispatch than the panel's: its parent, in the Compare tab. */
  readonly dispatchId?: string;
}

export type ValueWebviewMessage =
  | (ValueAddress & {
      readonly type: 'drawValue';
      readonly requestId: number;
      readonly pixelRatio: number;
      readonly offset?: number;
      readonly fetchLarge?: boolean;
    })
  | (ValueAddress & { readonly type: 'valueAction'; readonly action: ValueAction })
  /** A value is on screen (a picture loaded, a table's first rows in): for the log and the benchmark. */
  | (ValueAddress & { readonly type: 'valuePainted'; readonly kind: string; readonly elapsedMs: number });

export type ValueHostMessage =
  | (ValueAddress & { readonly type: 'drawnValue'; readonly requestId: number; readonly offset: number; readonly drawn: RenderedValue })
  | (ValueAddress & { readonly type: 'valueProblem'; readonly requestId: number; readonly message: string })
  /** Test hook: press a value's Fetch, Show more rows or action button as a click would. */
  | (ValueAddress & { readonly type: 'pressValueButton'; readonly button: ValueButton });

export const VALUE_HOST_TYPES = ['drawnValue', 'valueProblem', 'pressValueButton'] as const;

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function address(value: Fields): ValueAddress | undefined {
  const nodeId = value.nodeId;
  if (!(nodeId === null || (typeof nodeId === 'number' && Number.isInteger(nodeId) && nodeId >= 0)) || !isValueName(value.value)) return undefined;
  if (value.dispatchId !== undefined && !(typeof value.dispatchId === 'string' && /^[0-9A-Za-z_-]{1,100}$/.test(value.dispatchId))) return undefined;
  return { nodeId, value: value.value, ...(typeof value.dispatchId === 'string' ? { dispatchId: value.dispatchId } : {}) };
}

export function parseValueWebviewMessage(value: Fields): ValueWebviewMessage | undefined {
  const at = address(value);
  if (!at) return undefined;
  switch (value.type) {
    case 'drawValue': {
      if (typeof value.requestId !== 'number') return undefined;
      const ratio = typeof value.pixelRatio === 'number' && Number.isFinite(value.pixelRatio) ? Math.min(Math.max(value.pixelRatio, 0.5), 4) : 1;
      const offset = typeof value.offset === 'number' && Number.isInteger(value.offset) && value.offset >= 0 ? value.offset : undefined;
      return { type: 'drawValue', ...at, requestId: value.requestId, pixelRatio: ratio, ...(offset === undefined ? {} : { offset }), ...(value.fetchLarge === true ? { fetchLarge: true } : {}) };
    }
    case 'valueAction':
      return (VALUE_ACTIONS as readonly unknown[]).includes(value.action) ? { type: 'valueAction', ...at, action: value.action as ValueAction } : undefined;
    case 'valuePainted':
      return typeof value.kind === 'string' && value.kind.length < 20 && typeof value.elapsedMs === 'number' ? { type: 'valuePainted', ...at, kind: value.kind, elapsedMs: value.elapsedMs } : undefined;
    default:
      return undefined;
  }
}

export function parseValueHostMessage(value: Fields): ValueHostMessage | undefined {
  const at = address(value);
  if (!at) return undefined;
  switch (value.type) {
    case 'drawnValue':
      return typeof value.requestId === 'number' && isObject(value.drawn) && typeof value.drawn.kind === 'string' ? (value as unknown as ValueHostMessage) : undefined;
    case 'valueProblem':
      return typeof value.requestId === 'number' && typeof value.message === 'string' ? (value as unknown as ValueHostMessage) : undefined;
    case 'pressValueButton':
      return typeof value.button === 'string' && VALUE_BUTTONS.includes(value.button) ? (value as unknown as ValueHostMessage) : undefined;
    default:
      return undefined;
  }
}

/** What the page painted of a value: the test hook reads this, not the extension's model. */
export interface ValueReport {
  readonly nodeId: number | null;
  /** Set for a value of another dispatch (the parent's, in the Compare tab). */
  readonly dispatchId?: string;
  readonly value: string;
  readonly kind: string;
  /** An image's natural size as loaded (pixels), and the size it is shown at. */
  readonly naturalWidth?: number;
  readonly naturalHeight?: number;
  /** A table's header cells, and the line that counts its rows. */
  readonly header?: readonly string[];
  readonly rowsShown?: number;
  readonly countLine?: string;
  /** An array's shape line. */
  readonly shapeLine?: string;
  readonly heatmapCells?: number;
  readonly entries?: readonly string[];
  readonly text: string;
}
