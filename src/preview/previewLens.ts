import type { LatticeContribution } from '../languageClient/types';

/**
 * "Preview graph" above each module-level lattice, next to the language server's
 * dispatch lenses (the language client adds contributed lenses after them).
 */
export const previewLens: LatticeContribution = {
  lenses: (target) => [{ title: 'Preview graph', tooltip: `Build the graph of ${target.lattice} here and show it; nothing is dispatched`, command: 'covalent.previewGraph', arguments: [target] }],
};
