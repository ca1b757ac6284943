/** What the benchmarks read from a Covalent server's REST API directly (not through the extension). */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Polls a dispatch's status until `wanted` says yes; fails after `timeoutMs`. */
export async function waitForStatus(server: string, dispatchId: string, wanted: (status: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let status = '';
  while (Date.now() < deadline) {
    const body = await getJson<{ dispatches: { dispatch_id: string; status: string }[] }>(`${server}/api/v2/dispatches?dispatch_id=${dispatchId}&status_only=true`);
    status = body.dispatches[0]?.status ?? '';
    if (wanted(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${dispatchId} still ${status} after ${timeoutMs / 1000} s`);
}
