/**
 * Reads, over REST, the source Covalent stored for each task of a dispatch (its
 * `function_string`), from the v2 manifest's node assets: the UI API's
 * `details/function_string` answers null in 0.240. No `vscode` here; it can move
 * behind the shared Covalent client later.
 */

interface ManifestAsset {
  readonly remote_uri?: string | null;
  readonly size?: number | null;
}

interface ManifestNode {
  readonly id: number;
  readonly metadata?: { readonly name?: string };
  readonly assets?: { readonly function_string?: ManifestAsset };
}

interface Manifest {
  readonly lattice?: { readonly transport_graph?: { readonly nodes?: readonly ManifestNode[] } };
}

/** Task name → the source the server stored for it. Parameters and post-processing nodes are left out. */
export async function storedFunctionStrings(serverAddress: string, dispatchId: string, timeoutMs: number): Promise<Map<string, string>> {
  const manifest = (await getJson(`${serverAddress}/api/v2/dispatches/${encodeURIComponent(dispatchId)}`, timeoutMs)) as Manifest;
  const nodes = manifest.lattice?.transport_graph?.nodes ?? [];
  const byName = new Map<string, string>();
  const tasks = nodes.filter((node) => {
    const name = node.metadata?.name;
    return typeof name === 'string' && !name.startsWith(':') && node.assets?.function_string?.remote_uri;
  });
  await Promise.all(
    tasks.map(async (node) => {
      const name = node.metadata?.name as string;
      if (byName.has(name)) return;
      const text = await getText(node.assets?.function_string?.remote_uri as string, timeoutMs);
      byName.set(name, text);
    }),
  );
  return byName;
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}

async function getText(url: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}
