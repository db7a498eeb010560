// Edges drawn through bend points (a layered layout's long edges, frame EBND): the
// polyline of every edge, source, bends, target, as both renderers and the highlight
// draw it. Straight edges stay one segment between their nodes.

export class EdgePaths {
  // graph: {m, edges, positions}; bends: {edges, offsets, points} (graph-wire.js) or null
  constructor(graph, bends) {
    this.graph = graph;
    this.bends = bends && bends.edges.length ? bends : null;
    this.slot = null;                 // edge -> its row in bends, -1 when straight
    if (this.bends) {
      this.slot = new Int32Array(graph.m).fill(-1);
      this.bends.edges.forEach((e, j) => { this.slot[e] = j; });
    }
  }

  bent(k) { return this.slot !== null && this.slot[k] >= 0; }

  // to(x, y, first) for each point of edge k's polyline, in layout coordinates
  trace(k, to) {
    const p = this.graph.positions, e = this.graph.edges, a = e[2 * k], b = e[2 * k + 1];
    to(p[2 * a], p[2 * a + 1], true);
    if (this.bent(k)) {
      const j = this.slot[k], o = this.bends.offsets, q = this.bends.points;
      for (let i = o[j]; i < o[j + 1]; i++) to(q[2 * i], q[2 * i + 1], false);
    }
    to(p[2 * b], p[2 * b + 1], false);
  }

  // segments of edge k's polyline: its bends + 1
  count(k) {
    if (!this.bent(k)) return 1;
    const o = this.bends.offsets, j = this.slot[k];
    return o[j + 1] - o[j] + 1;
  }

  // the segments of `list` (edge numbers; every edge when null): their ends (x0, y0, x1,
  // y1 each) and the edge each belongs to
  segments(list = null) {
    const m = list ? list.length : this.graph.m;
    let total = 0;
    for (let i = 0; i < m; i++) total += this.count(list ? list[i] : i);
    const ends = new Float32Array(4 * total), edge = new Uint32Array(total);
    let s = 0;
    for (let i = 0; i < m; i++) {
      const k = list ? list[i] : i;
      let px = 0, py = 0;
      this.trace(k, (x, y, first) => {
        if (!first) { ends.set([px, py, x, y], 4 * s); edge[s++] = k; }
        px = x; py = y;
      });
    }
    return { ends, edge, count: total };
  }

  // node pairs of the straight edges (all edges when none bends)
  straightPairs() {
    if (!this.bends) return this.graph.edges;
    const e = this.graph.edges, out = new Uint32Array(2 * (this.graph.m - this.bends.edges.length));
    let j = 0;
    for (let k = 0; k < this.graph.m; k++) {
      if (this.slot[k] < 0) { out[j++] = e[2 * k]; out[j++] = e[2 * k + 1]; }
    }
    return out;
  }

  // the segments of the bent edges only
  bentSegments() { return this.segments(this.bends ? this.bends.edges : []); }
}
