import type { WorkflowLocation } from './backend';

/**
 * The workspace's dispatchable lattices as the tools list them, from either
 * host's index: module-level lattices only, by file then line. No `vscode` here.
 */
export interface IndexedLatticeLike {
  readonly name: string;
  readonly kind: string;
  readonly moduleLevel: boolean;
  readonly selectionRange: { readonly start: { readonly line: number } };
  readonly cell?: number;
  readonly parameters?: readonly string[];
}

export function workflowLocations<L extends IndexedLatticeLike>(lattices: readonly L[], pathOf: (lattice: L) => string | undefined): WorkflowLocation[] {
  const found: WorkflowLocation[] = [];
  for (const lattice of lattices) {
    const path = lattice.kind === 'lattice' && lattice.moduleLevel ? pathOf(lattice) : undefined;
    if (path === undefined) continue;
    found.push({
      path,
      lattice: lattice.name,
      line: lattice.selectionRange.start.line + 1,
      ...(lattice.cell !== undefined ? { cell: lattice.cell } : {}),
      ...(lattice.parameters ? { parameters: lattice.parameters } : {}),
    });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
}
