import * as vscode from 'vscode';

/** Every `covalent.*` setting, typed, read in one place. */
export interface CovalentConfig {
  readonly dispatcherAddress: string;
  /** Empty in settings means "the dispatcher's address"; resolved here. */
  readonly triggersServerAddress: string;
  readonly pythonPath: string;
  readonly reusePreviousResults: boolean;
  readonly unsavedFiles: 'ask' | 'save' | 'dispatchBuffer';
  readonly pollIntervalMs: number;
  readonly requestTimeoutMs: number;
}

export const DEFAULT_DISPATCHER_ADDRESS = 'http://localhost:48008';

export function readConfig(scope?: vscode.ConfigurationScope): CovalentConfig {
  const section = vscode.workspace.getConfiguration('covalent', scope);
  const dispatcherAddress = normalizeAddress(section.get<string>('dispatcherAddress') || DEFAULT_DISPATCHER_ADDRESS);
  const triggers = section.get<string>('triggersServerAddress') ?? '';
  return {
    dispatcherAddress,
    triggersServerAddress: triggers ? normalizeAddress(triggers) : dispatcherAddress,
    pythonPath: (section.get<string>('pythonPath') ?? '').trim(),
    reusePreviousResults: section.get<boolean>('reusePreviousResults') ?? false,
    unsavedFiles: section.get<CovalentConfig['unsavedFiles']>('unsavedFiles') ?? 'ask',
    pollIntervalMs: Math.max(200, section.get<number>('pollIntervalMs') ?? 500),
    requestTimeoutMs: Math.max(500, section.get<number>('requestTimeoutMs') ?? 10000),
  };
}

/** Trailing slashes would double up when endpoint paths are appended. */
export function normalizeAddress(address: string): string {
  return address.trim().replace(/\/+$/, '');
}
