import * as fs from 'fs';

/** What a heap snapshot holds, in bytes (self sizes) by the kind V8 gives each node. */
export type HeapByKind = Readonly<Record<string, number>>;

/** The kinds that are values the program keeps (the rest is V8's own: code and its metadata, shapes, internals). */
export const VALUE_KINDS = ['object', 'array', 'string', 'concatenated string', 'sliced string', 'closure', 'number', 'regexp', 'bigint', 'symbol', 'native'];

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[], ...unknown[]] } };
  readonly nodes: number[];
}

export function heapByKind(file: string): HeapByKind {
  const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const kinds = snapshot.snapshot.meta.node_types[0];
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  const totals: Record<string, number> = {};
  for (let index = 0; index < snapshot.nodes.length; index += fields.length) {
    const kind = kinds[snapshot.nodes[index + typeAt] ?? 0] ?? '?';
    totals[kind] = (totals[kind] ?? 0) + (snapshot.nodes[index + sizeAt] ?? 0);
  }
  return totals;
}

export function valueBytes(heap: HeapByKind): number {
  return VALUE_KINDS.reduce((sum, kind) => sum + (heap[kind] ?? 0), 0);
}
