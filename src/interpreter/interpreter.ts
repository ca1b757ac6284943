import * as vscode from 'vscode';
import { readConfig } from '../config';

/**
 * Which Python runs the bridge (and so the user's workflow) for a file: the
 * interpreter the Python extension selected for the file's workspace folder,
 * else the `covalent.pythonPath` setting, else `python3`.
 *
 * The Python extension's API is read through `vscode.extensions.getExtension`
 * rather than `@vscode/python-extension`: that package declares Node >= 22.17
 * while this extension targets VS Code 1.100's Node 20, and all it adds is
 * typings plus the same `getExtension` call. The few members used are typed below.
 */
export type InterpreterSource = 'python-extension' | 'setting' | 'default';

export interface InterpreterChoice {
  readonly path: string;
  readonly source: InterpreterSource;
}

/** The part of ms-python.python's exported API (`environments`) this extension uses. */
interface PythonEnvironmentPath {
  readonly id: string;
  readonly path: string;
}
interface ResolvedPythonEnvironment {
  readonly executable: { readonly uri: vscode.Uri | undefined };
}
interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri | vscode.WorkspaceFolder): PythonEnvironmentPath;
    resolveEnvironment(environment: PythonEnvironmentPath | string): Promise<ResolvedPythonEnvironment | undefined>;
  };
}

export const PYTHON_EXTENSION_ID = 'ms-python.python';
export const DEFAULT_INTERPRETER = process.platform === 'win32' ? 'python' : 'python3';

export async function chooseInterpreter(resource: vscode.Uri | undefined, log?: vscode.LogOutputChannel): Promise<InterpreterChoice> {
  const fromExtension = await selectedByPythonExtension(resource, log);
  if (fromExtension) return { path: fromExtension, source: 'python-extension' };
  const setting = readConfig(resource).pythonPath;
  if (setting) return { path: expandHome(setting), source: 'setting' };
  return { path: DEFAULT_INTERPRETER, source: 'default' };
}

async function selectedByPythonExtension(resource: vscode.Uri | undefined, log?: vscode.LogOutputChannel): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const environments = api?.environments;
    if (!environments) return undefined;
    const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
    const active = environments.getActiveEnvironmentPath(folder ?? resource);
    const resolved = await environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath ?? active.path;
  } catch (error) {
    log?.warn(`The Python extension did not say which interpreter is selected: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function expandHome(value: string): string {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  return home && value.startsWith('~/') ? home + value.slice(1) : value;
}
