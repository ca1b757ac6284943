import type { ExecutorChoiceParams, ExecutorSpec } from '../bridge/protocol';

/**
 * Where the user chose to run a workflow, without editing its code: by name, a
 * profile of the `covalent.executors` setting or an installed plugin's short
 * name; for the whole workflow (every electron and the workflow executor) and/or
 * for named electrons. No choice at all: the executors as written. No `vscode`.
 */
export interface ExecutorChoice {
  /** Every electron and the workflow executor. */
  readonly all?: string;
  /** Electron (task) name → executor name, for these electrons only. */
  readonly electrons?: Readonly<Record<string, string>>;
}

/** An executor profile of `covalent.executors`: a plugin's short name and its constructor's arguments. */
export interface ExecutorProfile {
  readonly executor: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface ExecutorProfiles {
  readonly profiles: ReadonlyMap<string, ExecutorProfile>;
  /** Profile name → what is wrong with its entry in the setting. */
  readonly problems: ReadonlyMap<string, string>;
}

export const AS_WRITTEN = 'as written';

/** A choice the extension cannot use as given (a broken profile); nothing is dispatched. */
export class ExecutorChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutorChoiceError';
  }
}

/** The `covalent.executors` setting read into profiles, and the entries that are not. */
export function readProfiles(raw: unknown): ExecutorProfiles {
  const profiles = new Map<string, ExecutorProfile>();
  const problems = new Map<string, string>();
  if (!isObject(raw)) return { profiles, problems };
  for (const [name, entry] of Object.entries(raw)) {
    if (!name.trim()) continue;
    if (!isObject(entry)) {
      problems.set(name, `covalent.executors["${name}"] must be an object such as { "executor": "dask", "scheduler_address": "tcp://10.0.0.5:8786" }.`);
      continue;
    }
    const { executor, ...args } = entry;
    if (typeof executor !== 'string' || !executor.trim()) {
      problems.set(name, `covalent.executors["${name}"] needs "executor": the short name of an executor plugin (for example "dask", "local", "ssh").`);
      continue;
    }
    profiles.set(name, { executor: executor.trim(), args });
  }
  return { profiles, problems };
}

/** What the bridge gets for one name: the profile it names, else an installed plugin's short name. */
export function executorSpec(name: string, profiles: ExecutorProfiles): ExecutorSpec {
  const problem = profiles.problems.get(name);
  if (problem) throw new ExecutorChoiceError(`${problem} Fix the setting; nothing was dispatched.`);
  const profile = profiles.profiles.get(name);
  if (profile) return { label: name, plugin: profile.executor, args: profile.args, profile: true };
  return { label: name, plugin: name, args: {}, profile: false };
}

/** The bridge's parameter for a choice; undefined: the executors as written. */
export function choiceParams(choice: ExecutorChoice | undefined, profiles: ExecutorProfiles): ExecutorChoiceParams | undefined {
  if (!choice || isAsWritten(choice)) return undefined;
  const electrons = Object.entries(choice.electrons ?? {});
  return {
    all: choice.all ? executorSpec(choice.all, profiles) : undefined,
    electrons: electrons.length ? Object.fromEntries(electrons.map(([electron, name]) => [electron, executorSpec(name, profiles)])) : undefined,
  };
}

export function isAsWritten(choice: ExecutorChoice | undefined): boolean {
  return !choice?.all && Object.keys(choice?.electrons ?? {}).length === 0;
}

/** `as written`, `on cluster`, `add, total on cluster`, `on cluster · add on local`. */
export function describeChoice(choice: ExecutorChoice | undefined): string {
  if (!choice || isAsWritten(choice)) return AS_WRITTEN;
  const parts: string[] = [];
  if (choice.all) parts.push(`on ${choice.all}`);
  const byExecutor = new Map<string, string[]>();
  for (const [electron, name] of Object.entries(choice.electrons ?? {})) byExecutor.set(name, [...(byExecutor.get(name) ?? []), electron]);
  for (const [name, electrons] of byExecutor) parts.push(`${electrons.sort().join(', ')} on ${name}`);
  return parts.join(' · ');
}

/** The choice without its empty parts; undefined when nothing is left (as written). */
export function normalizeChoice(choice: ExecutorChoice | undefined): ExecutorChoice | undefined {
  if (!choice || isAsWritten(choice)) return undefined;
  const electrons = Object.entries(choice.electrons ?? {}).filter(([electron, name]) => electron && name);
  return { ...(choice.all ? { all: choice.all } : {}), ...(electrons.length ? { electrons: Object.fromEntries(electrons) } : {}) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
