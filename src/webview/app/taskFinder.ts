import type { Scene, SceneNode } from './scene';

/**
 * The find box's matches: each step moves to the next (or previous) task whose
 * name matches, going round at the ends. A new query starts again.
 */
export interface FoundTask {
  readonly node: SceneNode;
  /** Its place among the matches, from 0. */
  readonly at: number;
  readonly matches: number;
}

export class TaskFinder {
  private found: { query: string; matches: SceneNode[]; at: number } | undefined;

  /** The next match in the scene, or undefined when none matches. */
  step(scene: Scene, query: string, step: 1 | -1): FoundTask | undefined {
    if (!this.found || this.found.query !== query) {
      // Forward starts at the first match, backward at the last.
      this.found = { query, matches: scene.find(query), at: step === 1 ? -1 : 0 };
    }
    const found = this.found;
    if (found.matches.length === 0) return undefined;
    found.at = (found.at + step + found.matches.length) % found.matches.length;
    const node = found.matches[found.at];
    return node && { node, at: found.at, matches: found.matches.length };
  }

  clear(): void {
    this.found = undefined;
  }

  /** Where the last step got to ("2/5"), if a find is under way. */
  progress(): string | undefined {
    return this.found ? `${this.found.at + 1}/${this.found.matches.length}` : undefined;
  }
}
