// A plain reference max-flow for the core's grid max-flow: the grid as an explicit graph
// (source, sink, one node per pixel, an arc pair per neighbour edge) and Edmonds-Karp (BFS
// shortest augmenting paths) in float64. Slow and obviously right, for grids of a few dozen pixels.

export interface GridProblem {
  width: number;
  height: number;
  connectivity: 4 | 8;
  source: Float32Array;
  sink: Float32Array;
  /** 2*width*height (4: right, down) or 4*width*height (8: right, down, down-right, down-left) */
  edges: Float32Array;
}

const DX = [1, 0, 1, -1];
const DY = [0, 1, 1, 1];

/** The grid's neighbour edges that lie inside the grid: [p, q, capacity] (symmetric). */
export function gridEdges(g: GridProblem): Array<[number, number, number]> {
  const nd = g.connectivity === 4 ? 2 : 4;
  const out: Array<[number, number, number]> = [];
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      const p = y * g.width + x;
      for (let d = 0; d < nd; d++) {
        const qx = x + DX[d]!;
        const qy = y + DY[d]!;
        if (qx < 0 || qx >= g.width || qy >= g.height) continue;
        out.push([p, qy * g.width + qx, g.edges[nd * p + d]!]);
      }
    }
  }
  return out;
}

/** Max-flow value by Edmonds-Karp on the explicit graph. */
export function referenceMaxflow(g: GridProblem): number {
  const n = g.width * g.height;
  const S = n;
  const T = n + 1;
  const head: number[][] = Array.from({ length: n + 2 }, () => []);
  const to: number[] = [];
  const cap: number[] = [];
  const arc = (a: number, b: number, c: number, back: number) => {
    head[a]!.push(to.length);
    to.push(b);
    cap.push(c);
    head[b]!.push(to.length);
    to.push(a);
    cap.push(back);
  };
  for (let p = 0; p < n; p++) {
    if (g.source[p]! > 0) arc(S, p, g.source[p]!, 0);
    if (g.sink[p]! > 0) arc(p, T, g.sink[p]!, 0);
  }
  for (const [p, q, c] of gridEdges(g)) if (c > 0) arc(p, q, c, c);

  let flow = 0;
  const via = new Int32Array(n + 2);
  for (;;) {
    via.fill(-1);
    via[S] = -2;
    const queue = [S];
    for (let i = 0; i < queue.length && via[T] === -1; i++) {
      const u = queue[i]!;
      for (const e of head[u]!) {
        if (cap[e]! > 0 && via[to[e]!] === -1) {
          via[to[e]!] = e;
          queue.push(to[e]!);
        }
      }
    }
    if (via[T] === -1) return flow;
    let bottleneck = Infinity;
    for (let v = T; v !== S; v = to[via[v]! ^ 1]!) bottleneck = Math.min(bottleneck, cap[via[v]!]!);
    for (let v = T; v !== S; v = to[via[v]! ^ 1]!) {
      cap[via[v]!]! -= bottleneck;
      cap[via[v]! ^ 1]! += bottleneck;
    }
    flow += bottleneck;
  }
}

/** Capacity of the cut that label gives (1 = source side), in float64. */
export function cutCapacity(g: GridProblem, label: Uint8Array): number {
  let c = 0;
  for (let p = 0; p < g.width * g.height; p++) c += label[p] ? g.sink[p]! : g.source[p]!;
  for (const [p, q, cap] of gridEdges(g)) if (label[p] !== label[q]) c += cap;
  return c;
}

/** Sum of all capacities: a scale for tolerances. */
export function totalCapacity(g: GridProblem): number {
  let c = 0;
  for (let p = 0; p < g.width * g.height; p++) c += g.source[p]! + g.sink[p]!;
  for (const [, , cap] of gridEdges(g)) c += cap;
  return c;
}
