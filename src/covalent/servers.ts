/**
 * The servers a person works with: the `covalent.servers` setting (name →
 * address, or name → { address, triggersAddress }), which of them is active, and
 * what a token sent to one of them risks. No `vscode` here: it tests in plain Node.
 */
export interface NamedServer {
  readonly name: string;
  /** Without a trailing slash. */
  readonly address: string;
  /** Where Stop Triggers goes for this server; absent: the server itself. */
  readonly triggersAddress?: string;
}

export interface ServerList {
  readonly servers: readonly NamedServer[];
  /** Entries that were skipped, each said in words (shown once in the output). */
  readonly problems: readonly string[];
}

/** Trailing slashes would double up when endpoint paths are appended. */
export function normalizeAddress(address: string): string {
  return address.trim().replace(/\/+$/, '');
}

/** A problem with a server address, or undefined when it is a usable http(s) address. */
export function addressProblem(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The address must start with http:// or https://.';
    return undefined;
  } catch {
    return 'Not an address: type something like http://localhost:48008.';
  }
}

/** Reads the `covalent.servers` setting; entries that make no sense are skipped and named. */
export function parseServers(raw: unknown): ServerList {
  const servers: NamedServer[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { servers, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { servers, problems: ['covalent.servers must be an object: { "name": "https://address" }.'] };
  for (const [rawName, value] of Object.entries(raw as Record<string, unknown>)) {
    const name = rawName.trim();
    const entry = typeof value === 'string' ? { address: value } : typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    const address = typeof entry?.address === 'string' ? entry.address : undefined;
    const triggers = typeof entry?.triggersAddress === 'string' && entry.triggersAddress.trim() ? entry.triggersAddress : undefined;
    const problem = !name ? 'a server needs a name' : address === undefined ? 'needs an address' : (addressProblem(address) ?? (triggers !== undefined ? addressProblem(triggers) : undefined));
    if (problem || address === undefined) {
      problems.push(`covalent.servers "${rawName}": ${problem ?? 'needs an address'}`);
      continue;
    }
    if (servers.some((server) => server.name === name)) continue;
    servers.push({ name, address: normalizeAddress(address), ...(triggers ? { triggersAddress: normalizeAddress(triggers) } : {}) });
  }
  return { servers, problems };
}

/** The named server at `address` (trailing slashes and letter case of the host ignored). */
export function serverAt(servers: readonly NamedServer[], address: string): NamedServer | undefined {
  const wanted = comparable(address);
  return servers.find((server) => comparable(server.address) === wanted);
}

/** Same server address? (trailing slashes and the host's letter case do not count) */
export function sameAddress(a: string, b: string): boolean {
  return comparable(a) === comparable(b);
}

/** How views name a server: its name in `covalent.servers`, else its host and port. */
export function serverLabel(servers: readonly NamedServer[], address: string): string {
  const named = serverAt(servers, address);
  if (named) return named.name;
  try {
    const url = new URL(address);
    return url.pathname && url.pathname !== '/' ? `${url.host}${url.pathname.replace(/\/+$/, '')}` : url.host;
  } catch {
    return address;
  }
}

/**
 * Where Stop Triggers goes while `address` is active: a named server's own
 * triggers address (or the server itself); for an address not in the list, the
 * `covalent.triggersServerAddress` setting, else the server itself.
 */
export function triggersAddressFor(servers: readonly NamedServer[], address: string, triggersSetting: string): string {
  const named = serverAt(servers, address);
  if (named) return named.triggersAddress ?? named.address;
  return triggersSetting.trim() ? normalizeAddress(triggersSetting) : normalizeAddress(address);
}

/** What `covalent.useServer` names: `{ name }` from the list, or any `{ address }`. */
export type ServerChoice = { readonly name: string } | { readonly address: string };

/** The address a choice stands for; throws a message that says what is wrong. */
export function resolveServer(servers: readonly NamedServer[], choice: ServerChoice): string {
  if ('name' in choice) {
    const found = servers.find((server) => server.name === choice.name.trim());
    if (!found) {
      const known = servers.map((server) => `"${server.name}"`).join(', ');
      throw new Error(`No server named "${choice.name}" in the covalent.servers setting${known ? ` (it has ${known})` : ' (it is empty)'}.`);
    }
    return found.address;
  }
  const problem = addressProblem(choice.address);
  if (problem) throw new Error(problem);
  return normalizeAddress(choice.address);
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** This machine: `localhost`, 127.0.0.0/8 or ::1 (a token sent there never crosses a network). */
export function isLoopback(address: string): boolean {
  try {
    const host = new URL(address).hostname.toLowerCase();
    return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** A token sent to `address` would cross a network unencrypted: plain http to another machine. */
export function tokenTravelsInClear(address: string): boolean {
  try {
    return new URL(address).protocol === 'http:' && !isLoopback(address);
  } catch {
    return false;
  }
}

function comparable(address: string): string {
  const trimmed = normalizeAddress(address);
  try {
    const url = new URL(trimmed);
    return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return trimmed;
  }
}
