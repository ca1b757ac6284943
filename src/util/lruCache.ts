/**
 * A map with two bounds, entries and total weight (bytes, say): when either is
 * passed, the least recently used entries go. An entry heavier than the whole
 * bound is not kept at all.
 */
export interface LruBounds {
  readonly maxEntries: number;
  readonly maxWeight: number;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly weight: number }>();
  private weightHeld = 0;

  constructor(private readonly bounds: LruBounds) {}

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, weight = 1): void {
    this.delete(key);
    if (weight > this.bounds.maxWeight) return;
    this.entries.set(key, { value, weight });
    this.weightHeld += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.bounds.maxEntries && this.weightHeld <= this.bounds.maxWeight) break;
      this.entries.delete(oldest);
      this.weightHeld -= entry.weight;
    }
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weightHeld -= entry.weight;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The total weight held. */
  get weight(): number {
    return this.weightHeld;
  }
}
