import { readTransportableObject } from '../../../src/covalent/transportableObject';

/**
 * Direct REST reads for tests: they check what the server itself says, not what
 * the extension shows, so assertions do not lean on the code under test.
 */
export interface DispatchSummary {
  readonly dispatch_id: string;
  readonly status: string;
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export async function dispatchStatus(server: string, dispatchId: string): Promise<string | undefined> {
  const body = await getJson<{ dispatches: DispatchSummary[] }>(
    `${server}/api/v2/dispatches?dispatch_id=${encodeURIComponent(dispatchId)}&status_only=true`,
  );
  return body.dispatches.find((dispatch) => dispatch.dispatch_id === dispatchId)?.status;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'POSTPROCESSING_FAILED']);

export async function waitForTerminalStatus(server: string, dispatchId: string, timeoutMs = 90000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let status: string | undefined;
  let lost: Error | undefined;
  while (Date.now() < deadline) {
    try {
      status = await dispatchStatus(server, dispatchId);
      lost = undefined;
    } catch (error) {
      // The test's own watcher: a kept-alive connection the server closed as it was reused
      // ("fetch failed") is asked again; only a server that stays away fails the wait.
      if (!(error instanceof TypeError)) throw error;
      lost = error;
    }
    if (status && TERMINAL.has(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const cause = lost?.cause instanceof Error ? lost.cause.message : lost?.message;
  throw new Error(`dispatch ${dispatchId} still ${status ?? 'unknown'} after ${timeoutMs} ms${cause ? ` (the last poll failed: ${cause})` : ''}`);
}

interface Asset {
  readonly remote_uri: string | null;
}

/** The workflow's result in the server's string form, read from its manifest's result asset. */
export async function dispatchResultString(server: string, dispatchId: string): Promise<string> {
  const manifest = await getJson<{ assets: { result: Asset } }>(`${server}/api/v2/dispatches/${dispatchId}`);
  const uri = manifest.assets.result.remote_uri;
  if (!uri) throw new Error(`dispatch ${dispatchId} has no result asset`);
  const response = await fetch(uri);
  if (!response.ok) throw new Error(`GET ${uri} answered ${response.status}`);
  return readTransportableObject(new Uint8Array(await response.arrayBuffer())).objectString;
}
