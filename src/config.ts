import * as vscode from 'vscode';
import { type NamedServer, normalizeAddress, parseServers, triggersAddressFor } from './covalent/servers';

/** Every `covalent.*` setting, typed, read in one place. */
export interface CovalentConfig {
  /** The active server: every command that names no dispatch uses it. */
  readonly dispatcherAddress: string;
  /** Where Stop Triggers goes while the active server is active; resolved here (see `triggersAddressFor`). */
  readonly triggersServerAddress: string;
  /** The named servers a person switches between (`covalent.servers`). */
  readonly servers: readonly NamedServer[];
  /** Entries of `covalent.servers` that were skipped, in words. */
  readonly serverProblems: readonly string[];
  readonly pythonPath: string;
  readonly reusePreviousResults: boolean;
  readonly unsavedFiles: 'ask' | 'save' | 'dispatchBuffer';
  readonly pollIntervalMs: number;
  readonly requestTimeoutMs: number;
  /** How long importing a workflow and building its graph may take in the bridge (seconds). */
  readonly buildTimeoutSeconds: number;
  /** Values larger than this (MB) are announced by their size and downloaded only when asked. */
  readonly maxValueMB: number;
  /** `covalent.executors` as written: profile name → `{ executor, ...constructor arguments }` (read with `readProfiles`). */
  readonly executors: Readonly<Record<string, unknown>>;
}

export const DEFAULT_DISPATCHER_ADDRESS = 'http://localhost:48008';

export function readConfig(scope?: vscode.ConfigurationScope): CovalentConfig {
  // Window-scoped settings are read without a resource, the one resource-scoped setting
  // (pythonPath) for `scope` or, with `null`, for any resource: VS Code warns about either mix-up.
  const section = vscode.workspace.getConfiguration('covalent');
  const forResource = vscode.workspace.getConfiguration('covalent', scope ?? null);
  const dispatcherAddress = normalizeAddress(section.get<string>('dispatcherAddress') || DEFAULT_DISPATCHER_ADDRESS);
  const { servers, problems } = parseServers(section.get<unknown>('servers'));
  return {
    dispatcherAddress,
    triggersServerAddress: triggersAddressFor(servers, dispatcherAddress, section.get<string>('triggersServerAddress') ?? ''),
    servers,
    serverProblems: problems,
    pythonPath: (forResource.get<string>('pythonPath') ?? '').trim(),
    reusePreviousResults: section.get<boolean>('reusePreviousResults') ?? false,
    unsavedFiles: section.get<CovalentConfig['unsavedFiles']>('unsavedFiles') ?? 'ask',
    pollIntervalMs: Math.max(200, section.get<number>('pollIntervalMs') ?? 500),
    requestTimeoutMs: Math.max(500, section.get<number>('requestTimeoutMs') ?? 10000),
    buildTimeoutSeconds: Math.max(1, section.get<number>('buildTimeoutSeconds') ?? 300),
    maxValueMB: Math.max(0, section.get<number>('maxValueMB') ?? 20),
    executors: { ...(section.get<Record<string, unknown>>('executors') ?? {}) },
  };
}

/** Settings are plain JSON: objects (`executors`) are the same when they say the same. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** What changed in one settings edit: listeners compare the two instead of asking VS Code again. */
export interface ConfigChange {
  readonly previous: CovalentConfig;
  readonly current: CovalentConfig;
  /** True when any of these settings has a different value now. */
  changed(...keys: (keyof CovalentConfig)[]): boolean;
}

/**
 * The settings as everyone reads them, and the one event that says they changed.
 * The event fires after `current` holds the new values, so no listener depends on
 * running before another.
 */
export class Settings implements vscode.Disposable {
  private value = readConfig();
  private readonly emitter = new vscode.EventEmitter<ConfigChange>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('covalent')) return;
      const previous = this.value;
      const current = (this.value = readConfig());
      // Lists and objects (servers, executors) are new at each read: compare what they hold.
      const changed = (...keys: (keyof CovalentConfig)[]) => keys.some((key) => !sameValue(previous[key], current[key]));
      if ((Object.keys(current) as (keyof CovalentConfig)[]).some((key) => changed(key))) this.emitter.fire({ previous, current, changed });
    });
  }

  get current(): CovalentConfig {
    return this.value;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
