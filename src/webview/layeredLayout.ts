/**
 * A layered ("Sugiyama") layout in near-linear time, for graphs too big for ELK's
 * layered algorithm to finish while a user waits (ELK needs ~2 s for 5,000 tasks
 * on a 2-core machine; this needs ~0.1 s). Same idea, cheaper steps:
 *
 * 1. layers by longest path, with sources (parameters) pulled down next to
 *    their first consumer;
 * 2. a chain of dummy nodes for each edge that skips layers, so long edges bend
 *    around nodes instead of crossing them;
 * 3. a few barycentre sweeps to order each layer (fewer crossings);
 * 4. positions across the layers pulled towards connected nodes, never
 *    overlapping; layers stacked along the flow.
 *
 * Pure computation (no `vscode`, no DOM): it runs in the layout worker and in unit tests.
 */
export type FlowDirection = 'DOWN' | 'RIGHT' | 'UP' | 'LEFT';

export interface LayeredNode {
  readonly width: number;
  readonly height: number;
}

export interface LayeredEdge {
  /** Indexes into the node list. */
  readonly source: number;
  readonly target: number;
}

export interface LayeredOptions {
  readonly direction: FlowDirection;
  /** Gap between neighbours within a layer. */
  readonly nodeSpacing: number;
  /** Gap between layers. */
  readonly layerSpacing: number;
  readonly padding: number;
}

export interface LayeredResult {
  /** Top-left corner of each node, by node index. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Polyline per edge (x0, y0, x1, y1, …), by edge index. */
  readonly edgePoints: number[][];
  readonly width: number;
  readonly height: number;
}

/** Ordering sweeps (down and up count as one each). More buy little on big graphs. */
const ORDER_SWEEPS = 8;
const PLACEMENT_ROUNDS = 6;
/** Edges skipping many layers make many dummies: beyond this many per node, long edges are drawn straight. */
const MAX_DUMMIES_PER_NODE = 4;

/**
 * `orderOnly` edges only say which node comes later (Covalent's waiting edges
 * into post-processing): they place their target in a later layer but are not
 * routed or used for ordering.
 */
export function layeredLayout(nodes: readonly LayeredNode[], edges: readonly LayeredEdge[], options: LayeredOptions, orderOnly: readonly LayeredEdge[] = []): LayeredResult {
  const count = nodes.length;
  const across = options.direction === 'DOWN' || options.direction === 'UP';
  // Work in "flow" coordinates: `breadth` runs along a layer, `depth` from layer to layer.
  const breadthOf = (index: number) => (across ? nth(nodes, index).width : nth(nodes, index).height);
  const depthOf = (index: number) => (across ? nth(nodes, index).height : nth(nodes, index).width);

  // Self-loops and edges to unknown nodes are not laid out (they keep no points).
  const usableIndex: number[] = [];
  edges.forEach((edge, index) => {
    if (edge.source !== edge.target && edge.source >= 0 && edge.target >= 0 && edge.source < count && edge.target < count) usableIndex.push(index);
  });

  const forward = orientAcyclic(count, usableIndex.map((index) => nth(edges, index)));
  const valid = (edge: LayeredEdge) => edge.source !== edge.target && edge.source >= 0 && edge.target >= 0 && edge.source < count && edge.target < count;
  const ordering = orientAcyclic(count, [...usableIndex.map((index) => nth(edges, index)), ...orderOnly.filter(valid)]);
  const layer = assignLayers(count, ordering);

  // Dummy chains: vertex ids count..total-1 are dummies (zero breadth).
  const chains: number[][] = forward.map(() => []);
  const dummyLayer: number[] = [];
  const spanTotal = forward.reduce((sum, edge) => sum + Math.max(0, nth(layer, edge.target) - nth(layer, edge.source) - 1), 0);
  const withDummies = spanTotal <= MAX_DUMMIES_PER_NODE * Math.max(count, 1);
  let total = count;
  if (withDummies) {
    forward.forEach((edge, index) => {
      for (let level = nth(layer, edge.source) + 1; level < nth(layer, edge.target); level++) {
        nth(chains, index).push(total++);
        dummyLayer.push(level);
      }
    });
  }
  const layerOf = (vertex: number) => (vertex < count ? nth(layer, vertex) : nth(dummyLayer, vertex - count));
  const breadth = (vertex: number) => (vertex < count ? breadthOf(vertex) : 0);

  // Adjacency between neighbouring layers only (edges split into chain links).
  const up: number[][] = Array.from({ length: total }, () => []);
  const down: number[][] = Array.from({ length: total }, () => []);
  forward.forEach((edge, index) => {
    const path = [edge.source, ...nth(chains, index), edge.target];
    for (let step = 1; step < path.length; step++) {
      if (layerOf(nth(path, step)) !== layerOf(nth(path, step - 1)) + 1) continue; // a long edge without dummies: not ordered by
      nth(down, nth(path, step - 1)).push(nth(path, step));
      nth(up, nth(path, step)).push(nth(path, step - 1));
    }
  });

  let layerCount = 0;
  for (let vertex = 0; vertex < total; vertex++) layerCount = Math.max(layerCount, layerOf(vertex) + 1);
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (const vertex of depthFirstOrder(total, down, up)) nth(layers, layerOf(vertex)).push(vertex);

  const rank = new Float64Array(total);
  const setRanks = (row: readonly number[]) => row.forEach((vertex, position) => (rank[vertex] = position));
  layers.forEach(setRanks);
  const key = new Float64Array(total);
  for (let sweep = 0; sweep < ORDER_SWEEPS; sweep++) {
    const downward = sweep % 2 === 0;
    const sequence = downward ? [...layers.keys()] : [...layers.keys()].reverse();
    for (const level of sequence) {
      const row = nth(layers, level);
      const neighbours = downward ? up : down;
      for (const vertex of row) {
        const around = nth(neighbours, vertex);
        key[vertex] = around.length === 0 ? nth(rank, vertex) : around.reduce((sum, other) => sum + nth(rank, other), 0) / around.length;
      }
      row.sort((a, b) => nth(key, a) - nth(key, b) || nth(rank, a) - nth(rank, b));
      setRanks(row);
    }
  }

  // Positions along each layer (centres).
  const centre = new Float64Array(total);
  const gap = (left: number, right: number) => breadth(left) / 2 + breadth(right) / 2 + (left < count && right < count ? options.nodeSpacing : options.nodeSpacing / 2);
  for (const row of layers) {
    let at = 0;
    row.forEach((vertex, position) => {
      at += position === 0 ? breadth(vertex) / 2 : gap(nth(row, position - 1), vertex);
      centre[vertex] = at;
    });
  }
  for (let round = 0; round < PLACEMENT_ROUNDS; round++) {
    const downward = round % 2 === 0;
    const sequence = downward ? [...layers.keys()] : [...layers.keys()].reverse();
    for (const level of sequence) {
      const row = nth(layers, level);
      if (row.length === 0) continue;
      const wanted = row.map((vertex) => {
        const around = [...(downward ? nth(up, vertex) : nth(down, vertex)), ...(round >= 2 ? (downward ? nth(down, vertex) : nth(up, vertex)) : [])];
        return around.length === 0 ? nth(centre, vertex) : around.reduce((sum, other) => sum + nth(centre, other), 0) / around.length;
      });
      // As close to the wish as the order allows, packed from each side; the mean of both keeps the row centred.
      const fromLeft = row.map(() => 0);
      row.forEach((vertex, position) => (fromLeft[position] = position === 0 ? nth(wanted, 0) : Math.max(nth(wanted, position), nth(fromLeft, position - 1) + gap(nth(row, position - 1), vertex))));
      const fromRight = row.map(() => 0);
      for (let position = row.length - 1; position >= 0; position--) {
        fromRight[position] = position === row.length - 1 ? nth(wanted, position) : Math.min(nth(wanted, position), nth(fromRight, position + 1) - gap(nth(row, position), nth(row, position + 1)));
      }
      row.forEach((vertex, position) => (centre[vertex] = (nth(fromLeft, position) + nth(fromRight, position)) / 2));
      // The mean of two valid packings may still overlap where both were pushed: one left-to-right pass settles it.
      for (let position = 1; position < row.length; position++) {
        const least = nth(centre, nth(row, position - 1)) + gap(nth(row, position - 1), nth(row, position));
        if (nth(centre, nth(row, position)) < least) centre[nth(row, position)] = least;
      }
    }
  }

  let minBreadth = Infinity;
  let maxBreadth = -Infinity;
  for (let vertex = 0; vertex < total; vertex++) {
    minBreadth = Math.min(minBreadth, nth(centre, vertex) - breadth(vertex) / 2);
    maxBreadth = Math.max(maxBreadth, nth(centre, vertex) + breadth(vertex) / 2);
  }
  if (total === 0) minBreadth = maxBreadth = 0;

  // Layers stacked along the flow; each as deep as its deepest node.
  const layerDepth = layers.map((row) => row.reduce((deepest, vertex) => Math.max(deepest, vertex < count ? depthOf(vertex) : 0), 0));
  const layerStart: number[] = [];
  let depthAt = options.padding;
  layerDepth.forEach((depth, level) => {
    layerStart[level] = depthAt;
    depthAt += depth + options.layerSpacing;
  });
  const fullDepth = Math.max(options.padding * 2, depthAt - options.layerSpacing + options.padding);
  const fullBreadth = maxBreadth - minBreadth + options.padding * 2;
  const shift = options.padding - minBreadth;

  // Flow coordinates → the page's, per direction.
  const reversed = options.direction === 'UP' || options.direction === 'LEFT';
  const place = (along: number, deep: number): [number, number] => {
    const flowDepth = reversed ? fullDepth - deep : deep;
    return across ? [along, flowDepth] : [flowDepth, along];
  };

  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const middleOf = (level: number) => nth(layerStart, level) + nth(layerDepth, level) / 2;
  for (let index = 0; index < count; index++) {
    const [cx, cy] = place(nth(centre, index) + shift, middleOf(nth(layer, index)));
    x[index] = cx - nth(nodes, index).width / 2;
    y[index] = cy - nth(nodes, index).height / 2;
  }

  const exitPoint = (vertex: number, outgoing: boolean): [number, number] => {
    const level = nth(layer, vertex);
    const half = depthOf(vertex) / 2;
    return place(nth(centre, vertex) + shift, middleOf(level) + (outgoing ? half : -half));
  };
  const edgePoints: number[][] = edges.map(() => []);
  forward.forEach((edge, index) => {
    const points: [number, number][] = [exitPoint(edge.source, true)];
    for (const dummy of nth(chains, index)) points.push(place(nth(centre, dummy) + shift, middleOf(nth(dummyLayer, dummy - count))));
    points.push(exitPoint(edge.target, false));
    if (edge.reversed) points.reverse();
    edgePoints[nth(usableIndex, index)] = points.flatMap(([px, py]) => [round(px), round(py)]);
  });
  return {
    x,
    y,
    edgePoints,
    width: across ? fullBreadth : fullDepth,
    height: across ? fullDepth : fullBreadth,
  };
}

interface ForwardEdge {
  readonly source: number;
  readonly target: number;
  /** The input edge pointed the other way (it closed a cycle). */
  readonly reversed: boolean;
}

/** Edges pointing along a topological order; edges that close a cycle are turned round. */
function orientAcyclic(count: number, edges: readonly LayeredEdge[]): ForwardEdge[] {
  const outgoing: number[][] = Array.from({ length: count }, () => []);
  edges.forEach((edge, index) => nth(outgoing, edge.source).push(index));
  // Iterative DFS: an edge to a vertex still on the stack closes a cycle.
  const state = new Uint8Array(count); // 0 new, 1 on stack, 2 done
  const backEdge = new Uint8Array(edges.length);
  for (let start = 0; start < count; start++) {
    if (nth(state, start)) continue;
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length > 0) {
      const top = nth(stack, stack.length - 1);
      const [vertex, next] = top;
      if (next < nth(outgoing, vertex).length) {
        top[1]++;
        const edgeIndex = nth(nth(outgoing, vertex), next);
        const target = nth(edges, edgeIndex).target;
        if (nth(state, target) === 1) backEdge[edgeIndex] = 1;
        else if (nth(state, target) === 0) {
          state[target] = 1;
          stack.push([target, 0]);
        }
      } else {
        state[vertex] = 2;
        stack.pop();
      }
    }
  }
  return edges.map((edge, index) =>
    nth(backEdge, index)
      ? { source: edge.target, target: edge.source, reversed: true }
      : { source: edge.source, target: edge.target, reversed: false },
  );
}

/** Longest path from the sources; then each source moves down to just above its nearest consumer. */
function assignLayers(count: number, edges: readonly ForwardEdge[]): Int32Array {
  const layer = new Int32Array(count);
  const incoming = new Int32Array(count);
  const outgoing: number[][] = Array.from({ length: count }, () => []);
  for (const edge of edges) {
    incoming[edge.target] = nth(incoming, edge.target) + 1;
    nth(outgoing, edge.source).push(edge.target);
  }
  const queue: number[] = [];
  for (let vertex = 0; vertex < count; vertex++) if (nth(incoming, vertex) === 0) queue.push(vertex);
  for (let head = 0; head < queue.length; head++) {
    const vertex = nth(queue, head);
    for (const target of nth(outgoing, vertex)) {
      layer[target] = Math.max(nth(layer, target), nth(layer, vertex) + 1);
      incoming[target] = nth(incoming, target) - 1;
      if (incoming[target] === 0) queue.push(target);
    }
  }
  const hasInput = new Uint8Array(count);
  for (const edge of edges) hasInput[edge.target] = 1;
  for (let vertex = 0; vertex < count; vertex++) {
    if (nth(hasInput, vertex) || nth(outgoing, vertex).length === 0) continue;
    let nearest = Infinity;
    for (const target of nth(outgoing, vertex)) nearest = Math.min(nearest, nth(layer, target));
    layer[vertex] = Math.max(0, nearest - 1);
  }
  return layer;
}

/** A depth-first visiting order: connected vertices start out next to each other in their layers. */
function depthFirstOrder(total: number, down: readonly number[][], up: readonly number[][]): number[] {
  const seen = new Uint8Array(total);
  const order: number[] = [];
  const roots = Array.from({ length: total }, (_, vertex) => vertex).filter((vertex) => nth(up, vertex).length === 0);
  for (const root of [...roots, ...Array.from({ length: total }, (_, vertex) => vertex)]) {
    if (nth(seen, root)) continue;
    const stack = [root];
    seen[root] = 1;
    while (stack.length > 0) {
      const vertex = stack.pop()!;
      order.push(vertex);
      const next = [...nth(down, vertex), ...nth(up, vertex)];
      for (let index = next.length - 1; index >= 0; index--) {
        if (nth(seen, nth(next, index))) continue;
        seen[nth(next, index)] = 1;
        stack.push(nth(next, index));
      }
    }
  }
  return order;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * An element the algorithm indexes by a number it made itself (vertex, layer and
 * edge numbers are always within their arrays): read without a check.
 */
function nth<T>(items: ArrayLike<T>, index: number): T {
  return items[index] as T;
}
