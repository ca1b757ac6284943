import type { LatticeContribution } from '../languageClient/types';
import { Commands } from '../util/commandIds';

/**
 * "Preview graph" above each module-level lattice, next to the language server's
 * dispatch lenses (the language client adds contributed lenses after them).
 */
export const previewLens: LatticeContribution = {
  lenses: (target) => [{ title: 'Preview graph', tooltip: `Build the graph of ${target.lattice} here and show it; nothing is dispatched`, command: Commands.previewGraph, arguments: [target] }],
};
