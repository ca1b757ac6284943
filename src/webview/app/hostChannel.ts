import type { WebviewMessage } from '../protocol';

/**
 * The page's way to the extension, as VS Code gives it to a webview: messages
 * out (validated on arrival there), and the state VS Code keeps for the page
 * while the panel is hidden or reloaded.
 */
export interface HostChannel {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): HostChannel;

/** Called once, when the page starts: VS Code hands the channel out only once. */
export function acquireHostChannel(): HostChannel {
  return acquireVsCodeApi();
}
