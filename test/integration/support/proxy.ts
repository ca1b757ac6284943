import { getJson } from './covalentRest';

/** What the harness's authenticating proxy counted (test/harness/authProxy.js). */
export interface ProxyStats {
  readonly refused: number;
  readonly forwarded: number;
  readonly assets: number;
  readonly websockets: number;
  readonly refusedPaths: readonly string[];
  /** Bytes of each asset body the proxy sent back, by path. */
  readonly assetBytes: Readonly<Record<string, number>>;
}

export async function proxyStats(proxy: string, reset = false): Promise<ProxyStats> {
  if (reset) await fetch(`${proxy}/__proxy/reset`, { method: 'POST' });
  return getJson<ProxyStats>(`${proxy}/__proxy/stats`);
}
