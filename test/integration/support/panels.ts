import type { RenderReport } from '../../../src/webview/protocol';
import type { ResultPanel } from '../../../src/webview/resultPanel';
import { waitForDespiteErrors } from '../../support/wait';

/** Asks the webview what it drew until `accept` holds (the poller and the webview run on their own). */
export async function probeUntil(panel: ResultPanel, accept: (report: RenderReport) => boolean, what: string, timeoutMs = 60000): Promise<RenderReport> {
  let last: RenderReport | undefined;
  const drawn = async () => {
    last = await panel.probe(5000);
    return accept(last) ? last : undefined;
  };
  try {
    return await waitForDespiteErrors(what, drawn, timeoutMs, 300);
  } catch (timeout) {
    throw new Error(`the panel never showed ${what}; last report: ${JSON.stringify(last)?.slice(0, 1500)} ${(timeout as Error).message}`, { cause: timeout });
  }
}
