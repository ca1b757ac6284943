import * as vscode from 'vscode';
import { CodeLensRequest, LanguageClient, type LanguageClientOptions, type Middleware, type ServerOptions, TransportKind, WorkspaceSymbolRequest } from 'vscode-languageclient/node';
import type { Core } from '../core';
import { fromPerson } from '../util/invocation';
import { CELL_SCHEME, cellOf, workflowFileKey } from '../notebook/notebookCells';
import type { LatticeContribution, WorkflowIndex, WorkspaceLattice } from './types';
import { LatticeCommands, type LatticeTarget, NOTEBOOK_SELECTOR, type ServerOptions as CovalentServerOptions, WORKFLOWS_CHANGED_NOTIFICATION, type WorkflowSymbolData } from '../languageServer/protocol';

const PYTHON_DOCUMENTS = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  // A Jupyter notebook's Python cells: synced as one notebook (LSP notebook document sync).
  { notebook: { notebookType: NOTEBOOK_SELECTOR.notebookType }, language: NOTEBOOK_SELECTOR.cellLanguage },
];

/**
 * Starts the Covalent language server (dist/server.js, over IPC) and adds to its
 * answers what only the extension knows, through the `LatticeContribution`s it
 * is given (the editor's Redispatch… and last-status lenses). Detection only reads
 * files, so it runs in untrusted workspaces too. It builds no view.
 */
export class DetectionClient implements WorkflowIndex, vscode.Disposable {
  readonly client: LanguageClient;
  /** Resolves when the server has answered `initialize` (rejects if it could not start). */
  readonly ready: Promise<void>;
  private readonly contributions: LatticeContribution[] = [];
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  private readonly workflowsChanged = new vscode.EventEmitter<void>();
  /** Fires when the set of lattices in the workspace may have changed. */
  readonly onDidChangeWorkflows = this.workflowsChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.lensesChanged, this.workflowsChanged];
  private lensRefreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly core: Pick<Core, 'extension' | 'output'>,
    contributions: readonly LatticeContribution[],
  ) {
    const serverModule = core.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{py,ipynb}');
    // Deleting a folder reports the folder, not the Python files in it.
    const deletions = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.disposables.push(watcher, deletions);
    const initializationOptions: CovalentServerOptions = { indexWorkspace: true };
    const clientOptions: LanguageClientOptions = {
      documentSelector: PYTHON_DOCUMENTS,
      synchronize: { fileEvents: [watcher, deletions] },
      outputChannel: core.output,
      initializationOptions,
      middleware: this.middleware(),
    };
    this.client = new LanguageClient('covalent', 'Covalent Language Server', serverOptions, clientOptions);
    this.disposables.push(this.lensesChanged.event(() => this.scheduleLensRefresh()));
    for (const contribution of contributions) this.addContribution(contribution);
    this.ready = this.client.start().then(() => {
      this.disposables.push(this.client.onNotification(WORKFLOWS_CHANGED_NOTIFICATION, () => this.workflowsChanged.fire()));
      this.workflowsChanged.fire();
    });
    this.ready.catch((error: unknown) => core.output.error(`The Covalent language server did not start: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Adds lenses or hover text per lattice; dispose to take them away. */
  addContribution(contribution: LatticeContribution): vscode.Disposable {
    this.contributions.push(contribution);
    const listener = contribution.onDidChange?.(() => this.lensesChanged.fire());
    this.lensesChanged.fire();
    return new vscode.Disposable(() => {
      listener?.dispose();
      const index = this.contributions.indexOf(contribution);
      if (index >= 0) this.contributions.splice(index, 1);
      this.lensesChanged.fire();
    });
  }

  /** Asks the server for every lattice of the workspace's Python files and notebooks. */
  async workspaceLattices(): Promise<WorkspaceLattice[]> {
    await this.ready;
    const symbols = (await this.client.sendRequest(WorkspaceSymbolRequest.type, { query: '' })) ?? [];
    return symbols.flatMap((symbol) => {
      const data = ('data' in symbol ? symbol.data : undefined) as WorkflowSymbolData | undefined;
      if (!data || !('range' in symbol.location)) return [];
      const converter = this.client.protocol2CodeConverter;
      const location = vscode.Uri.parse(symbol.location.uri);
      // In an open notebook the server names the cell's document; read from disk, the cell's index.
      const cell = cellOf(location);
      if (location.scheme === CELL_SCHEME && !cell) return [];
      return [
        {
          name: symbol.name,
          uri: cell?.notebook.uri ?? location,
          cell: cell?.index ?? data.cell,
          kind: data.detail,
          range: converter.asRange(symbol.location.range),
          selectionRange: converter.asRange(data.selectionRange),
          moduleLevel: data.moduleLevel,
          parameters: data.parameters,
          container: symbol.containerName,
        },
      ];
    });
  }

  /** Resolves when the language server has stopped. */
  async dispose(): Promise<void> {
    clearTimeout(this.lensRefreshTimer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    await this.client.stop().catch(() => undefined);
  }

  private middleware(): Middleware {
    return {
      provideCodeLenses: async (document, token, next) => {
        const lenses = (await next(document, token)) ?? [];
        for (const lens of lenses) if (lens.command) lens.command = asPersonCommand(lens.command);
        return [...lenses, ...this.contributedLenses(lenses)];
      },
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        if (!hover?.range) return hover;
        const extra = this.contributedHover({ uri: workflowFileKey(document.uri.toString()), lattice: document.getText(hover.range) });
        if (extra.length === 0) return hover;
        return new vscode.Hover([...hover.contents, ...extra], hover.range);
      },
    };
  }

  /**
   * The server gives one "Dispatch" lens per dispatchable lattice: contributions go
   * next to it. They are told the lattice's file (a cell's notebook), where the
   * extension keeps dispatches.
   */
  private contributedLenses(lenses: readonly vscode.CodeLens[]): vscode.CodeLens[] {
    if (this.contributions.every((contribution) => !contribution.lenses)) return [];
    return lenses.flatMap((lens) => {
      const given = lens.command?.command === LatticeCommands.dispatch ? asTarget(lens.command.arguments?.[0]) : undefined;
      if (!given) return [];
      const target = { uri: workflowFileKey(given.uri), lattice: given.lattice };
      return this.contributions.flatMap((contribution) => safely(() => contribution.lenses?.(target, lens.range) ?? [], this.core.output, []).map((command) => new vscode.CodeLens(lens.range, asPersonCommand(command))));
    });
  }

  private contributedHover(target: LatticeTarget): (vscode.MarkdownString | string)[] {
    return this.contributions.flatMap((contribution) => {
      const text = safely(() => contribution.hover?.(target), this.core.output, undefined);
      return text ? [text] : [];
    });
  }

  /** Asks VS Code for the lenses again (through the middleware), at most every 100 ms. */
  private scheduleLensRefresh(): void {
    if (this.lensRefreshTimer) return;
    this.lensRefreshTimer = setTimeout(() => {
      this.lensRefreshTimer = undefined;
      if (!this.client.isRunning()) return;
      const feature = this.client.getFeature(CodeLensRequest.method);
      const fired = new Set<unknown>();
      for (const document of vscode.workspace.textDocuments) {
        const shape = feature.getProvider(document);
        if (!shape || fired.has(shape)) continue;
        fired.add(shape);
        shape.onDidChangeCodeLensEmitter.fire();
      }
    }, 100);
  }
}

/** A lens is clicked by a person: its command asks for what it lacks and shows its errors. */
function asPersonCommand(command: vscode.Command): vscode.Command {
  return { ...command, arguments: command.arguments?.map((argument: unknown) => (typeof argument === 'object' && argument !== null ? fromPerson('lens', { ...argument }) : argument)) };
}

function asTarget(value: unknown): LatticeTarget | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { uri, lattice } = value as Partial<LatticeTarget>;
  return typeof uri === 'string' && typeof lattice === 'string' ? { uri, lattice } : undefined;
}

/** A contribution that throws loses its own lenses, not everyone's. */
function safely<T>(run: () => T, output: vscode.LogOutputChannel, fallback: T): T {
  try {
    return run();
  } catch (error) {
    output.error(`A lattice contribution failed: ${error instanceof Error ? error.message : String(error)}`);
    return fallback;
  }
}
