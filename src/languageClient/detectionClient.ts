import * as vscode from 'vscode';
import { CodeLensRequest, LanguageClient, LanguageClientOptions, Middleware, ServerOptions, TransportKind, WorkspaceSymbolRequest } from 'vscode-languageclient/node';
import type { CovalentContext } from '../context';
import { LatticeCommands, LatticeTarget, ServerOptions as CovalentServerOptions, WORKFLOWS_CHANGED_NOTIFICATION, WorkflowSymbolData } from '../languageServer/protocol';

/**
 * Something another part of the product shows per lattice, next to what the
 * language server gives: extra CodeLenses above each module-level lattice, and
 * extra hover text on a Covalent symbol's name (`target.lattice` is then the
 * hovered lattice's or electron's name). Called whenever lenses or a hover are
 * asked for: keep it cheap (read the store, do not fetch).
 */
export interface LatticeContribution {
  lenses?(target: LatticeTarget, range: vscode.Range): vscode.Command[];
  hover?(target: LatticeTarget): vscode.MarkdownString | string | undefined;
  /** Fires when the lenses this contribution gives may have changed. */
  readonly onDidChange?: vscode.Event<void>;
}

/** A lattice somewhere in the workspace (the Workflows view's rows). */
export interface WorkspaceLattice {
  readonly name: string;
  readonly uri: vscode.Uri;
  readonly kind: 'lattice' | 'sublattice';
  readonly range: vscode.Range;
  readonly selectionRange: vscode.Range;
  readonly moduleLevel: boolean;
  /** The enclosing function or class of a nested lattice. */
  readonly container?: string;
}

const PYTHON_DOCUMENTS = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
];

/**
 * Starts the Covalent language server (dist/server.js, over IPC) and adds to its
 * answers what only the extension knows: "Redispatch…" once a lattice has earlier
 * dispatches in the store, and whatever other `LatticeContribution`s add.
 */
export class DetectionClient implements vscode.Disposable {
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

  constructor(private readonly context: CovalentContext) {
    const serverModule = context.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
    // Deleting a folder reports the folder, not the Python files in it.
    const deletions = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.disposables.push(watcher, deletions);
    const initializationOptions: CovalentServerOptions = { indexWorkspace: true };
    const clientOptions: LanguageClientOptions = {
      documentSelector: PYTHON_DOCUMENTS,
      synchronize: { fileEvents: [watcher, deletions] },
      outputChannel: context.output,
      initializationOptions,
      middleware: this.middleware(),
    };
    this.client = new LanguageClient('covalent', 'Covalent Language Server', serverOptions, clientOptions);
    this.disposables.push(this.lensesChanged.event(() => this.scheduleLensRefresh()));
    this.addContribution(redispatchContribution(context));
    this.ready = this.client.start().then(() => {
      this.disposables.push(this.client.onNotification(WORKFLOWS_CHANGED_NOTIFICATION, () => this.workflowsChanged.fire()));
      this.workflowsChanged.fire();
    });
    this.ready.catch((error: unknown) => context.output.error(`The Covalent language server did not start: ${error instanceof Error ? error.message : String(error)}`));
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

  /** Asks the server for every lattice of the workspace's Python files. */
  async workspaceLattices(): Promise<WorkspaceLattice[]> {
    await this.ready;
    const symbols = (await this.client.sendRequest(WorkspaceSymbolRequest.type, { query: '' })) ?? [];
    return symbols.flatMap((symbol) => {
      const data = ('data' in symbol ? symbol.data : undefined) as WorkflowSymbolData | undefined;
      if (!data || !('range' in symbol.location)) return [];
      const converter = this.client.protocol2CodeConverter;
      return [
        {
          name: symbol.name,
          uri: vscode.Uri.parse(symbol.location.uri),
          kind: data.detail,
          range: converter.asRange(symbol.location.range),
          selectionRange: converter.asRange(data.selectionRange),
          moduleLevel: data.moduleLevel,
          container: symbol.containerName,
        },
      ];
    });
  }

  dispose(): void {
    clearTimeout(this.lensRefreshTimer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    void this.client.stop().catch(() => undefined);
  }

  private middleware(): Middleware {
    return {
      provideCodeLenses: async (document, token, next) => {
        const lenses = (await next(document, token)) ?? [];
        return [...lenses, ...this.contributedLenses(lenses)];
      },
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        if (!hover?.range) return hover;
        const extra = this.contributedHover({ uri: document.uri.toString(), lattice: document.getText(hover.range) });
        if (extra.length === 0) return hover;
        return new vscode.Hover([...hover.contents, ...extra], hover.range);
      },
    };
  }

  /** The server gives one "Dispatch" lens per dispatchable lattice: contributions go next to it. */
  private contributedLenses(lenses: readonly vscode.CodeLens[]): vscode.CodeLens[] {
    if (this.contributions.every((contribution) => !contribution.lenses)) return [];
    return lenses.flatMap((lens) => {
      const target = lens.command?.command === LatticeCommands.dispatch ? asTarget(lens.command.arguments?.[0]) : undefined;
      if (!target) return [];
      return this.contributions.flatMap((contribution) => safely(() => contribution.lenses?.(target, lens.range) ?? [], this.context, []).map((command) => new vscode.CodeLens(lens.range, command)));
    });
  }

  private contributedHover(target: LatticeTarget): (vscode.MarkdownString | string)[] {
    return this.contributions.flatMap((contribution) => {
      const text = safely(() => contribution.hover?.(target), this.context, undefined);
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

/** "Redispatch…" above a lattice the editor has dispatched before (it asks which dispatch and how). */
function redispatchContribution(context: CovalentContext): LatticeContribution {
  const changed = new vscode.EventEmitter<void>();
  // Status updates arrive often while dispatches run; lenses change only when a
  // lattice gets its first dispatch (or loses its last).
  const dispatchedLattices = () =>
    [...new Set(context.store.all().flatMap((state) => (state.origin?.fileUri && state.origin.latticeName ? [`${state.origin.fileUri}#${state.origin.latticeName}`] : [])))].sort().join('\n');
  let known = dispatchedLattices();
  context.register(
    changed,
    context.store.onDidChange((change) => {
      if (change.kind === 'connection' || change.kind === 'graph') return;
      const now = dispatchedLattices();
      if (now === known) return;
      known = now;
      changed.fire();
    }),
  );
  return {
    onDidChange: changed.event,
    lenses: (target) =>
      context.store.forLattice(target.uri, target.lattice).length > 0
        ? [{ title: 'Redispatch…', command: LatticeCommands.redispatch, arguments: [target] }]
        : [],
  };
}

function asTarget(value: unknown): LatticeTarget | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { uri, lattice } = value as Partial<LatticeTarget>;
  return typeof uri === 'string' && typeof lattice === 'string' ? { uri, lattice } : undefined;
}

/** A contribution that throws loses its own lenses, not everyone's. */
function safely<T>(run: () => T, context: CovalentContext, fallback: T): T {
  try {
    return run();
  } catch (error) {
    context.output.error(`A lattice contribution failed: ${error instanceof Error ? error.message : String(error)}`);
    return fallback;
  }
}
