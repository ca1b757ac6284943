/**
 * Where a task ran, in words: an executor plugin's short name and the few of its
 * settings that say where (a Dask scheduler's address, an SSH host, a cloud
 * region), read from what the server stored (`executor`, `executor_data`). Never
 * a secret: settings whose names sound like one are left out, and URLs lose
 * their credentials. No `vscode` and no DOM: views and the panel's page use it.
 */

export interface ExecutorSetting {
  readonly key: string;
  readonly value: string;
}

export interface ExecutorDescription {
  /** The plugin's short name (`dask`, `local`, `ssh`). */
  readonly name: string;
  /** What says where it runs, in the order worth reading. */
  readonly settings: readonly ExecutorSetting[];
  /** The server builds the executor from its own configuration (`executor="dask"` in code, or no executor at all). */
  readonly serverDefaults: boolean;
}

/** Settings never shown, whatever the plugin. */
const SECRET = /pass|secret|token|key|credential|auth|cert|cookie|session/i;

/** Per plugin: attribute → the label it is shown with, in order. */
const KNOWN: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  dask: [['scheduler_address', 'scheduler']],
  ssh: [['hostname', 'host'], ['username', 'user'], ['remote_cache', 'remote folder'], ['remote_workdir', 'remote folder']],
  slurm: [['address', 'host'], ['username', 'user'], ['remote_workdir', 'remote folder'], ['options', 'options']],
  awsbatch: [['region', 'region'], ['batch_queue', 'queue']],
  awslambda: [['region', 'region'], ['function_name', 'function']],
  ec2: [['region', 'region'], ['instance_type', 'instance']],
  ecs: [['region', 'region'], ['ecs_cluster_name', 'cluster']],
  gcpbatch: [['region', 'region'], ['project_id', 'project']],
  azurebatch: [['pool_id', 'pool'], ['batch_account_url', 'account']],
  k8s: [['k8s_context', 'context'], ['namespace', 'namespace']],
  braket: [['device_arn', 'device'], ['region', 'region']],
};

/** For plugins not listed above: attributes whose names say where. */
const WHERE = /address|host|region|queue|partition|cluster|namespace|context|endpoint|url|zone|project|pool/i;
const MOST_SETTINGS = 4;

/** What the server says about one executor; `data` is its `executor_data` (`{}` for a bare name). */
export function describeExecutor(name: string | undefined, data: unknown): ExecutorDescription | undefined {
  const attributes = attributesOf(data);
  const shortName = name || (isObject(data) && typeof data.short_name === 'string' ? data.short_name : undefined);
  if (!shortName) return undefined;
  if (!attributes) return { name: shortName, settings: [], serverDefaults: true };
  const known = KNOWN[shortName];
  const picked: ExecutorSetting[] = [];
  const seen = new Set<string>();
  const add = (key: string, label: string) => {
    if (seen.has(label) || SECRET.test(key)) return;
    const value = settingText(attributes[key]);
    if (value === undefined) return;
    seen.add(label);
    picked.push({ key: label, value });
  };
  if (known) for (const [key, label] of known) add(key, label);
  else for (const key of Object.keys(attributes).sort()) if (WHERE.test(key) && picked.length < MOST_SETTINGS) add(key, key.replace(/_/g, ' '));
  return { name: shortName, settings: picked, serverDefaults: false };
}

/** `dask · scheduler tcp://10.0.0.5:8786`, `dask · the server's own cluster`, `local`. */
export function executorText(description: ExecutorDescription): string {
  const settings = description.settings.map((setting) => `${setting.key} ${setting.value}`);
  if (settings.length) return `${description.name} · ${settings.join(' · ')}`;
  // A Dask executor without a scheduler address uses the server's own cluster.
  if (description.name === 'dask') return "dask · the server's own cluster";
  return description.serverDefaults && description.name !== 'local' ? `${description.name} · the server's settings` : description.name;
}

/** The description's text, or the bare short name the graph gives when the settings are not known (yet). */
export function executorLabel(description: ExecutorDescription | undefined, shortName: string | undefined): string | undefined {
  return description ? executorText(description) : shortName;
}

function attributesOf(data: unknown): Record<string, unknown> | undefined {
  if (!isObject(data)) return undefined;
  const attributes = data.attributes;
  return isObject(attributes) ? attributes : undefined;
}

function settingText(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const text = withoutCredentials(value.trim());
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** `https://user:secret@host/x` → `https://host/x`. */
function withoutCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
