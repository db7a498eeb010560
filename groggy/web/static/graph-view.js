// The graph view's geometry, shared by both renderers and the hit test: the camera
// (layout coordinates, y up, to CSS pixels, y down), node radii on screen, a grid
// index for "which node is under this point", and the adjacency for highlights.

const MARGIN = 24;   // CSS px kept free around the graph when fitting

export class Camera {
  constructor() { this.cx = 0; this.cy = 0; this.zoom = 1; this.fitZoom = 1;
                  this.width = 1; this.height = 1; }

  resize(width, height) { this.width = Math.max(width, 1); this.height = Math.max(height, 1); }

  fit(bounds) {
    const [x0, y0, x1, y1] = bounds;
    const w = Math.max(this.width - 2 * MARGIN, 1), h = Math.max(this.height - 2 * MARGIN, 1);
    const spans = [];
    if (x1 > x0) spans.push(w / (x1 - x0));
    if (y1 > y0) spans.push(h / (y1 - y0));
    this.zoom = this.fitZoom = spans.length ? Math.min(...spans) : 1;
    this.cx = (x0 + x1) / 2; this.cy = (y0 + y1) / 2;
  }

  set(cx, cy, zoom) { this.cx = cx; this.cy = cy; this.zoom = zoom; }

  toScreen(x, y) {
    return [(x - this.cx) * this.zoom + this.width / 2, (this.cy - y) * this.zoom + this.height / 2];
  }

  toWorld(sx, sy) {
    return [(sx - this.width / 2) / this.zoom + this.cx, this.cy - (sy - this.height / 2) / this.zoom];
  }

  // zoom by `factor`, keeping the layout point under (sx, sy) where it is
  zoomAt(factor, sx, sy) {
    const [wx, wy] = this.toWorld(sx, sy);
    const limit = this.fitZoom;
    this.zoom = Math.min(Math.max(this.zoom * factor, limit / 50), limit * 1e5);
    const [nx, ny] = this.toWorld(sx, sy);
    this.cx += wx - nx; this.cy += wy - ny;
  }

  pan(dx, dy) { this.cx -= dx / this.zoom; this.cy += dy / this.zoom; }

  // nodes grow as one zooms in, slower than the layout does, so they stay apart
  nodeScale() { return Math.min(Math.max(Math.sqrt(this.zoom / this.fitZoom), 0.6), 8); }
}

// sizes a canvas's pixels to the camera's CSS size (device pixels); returns the ratio.
// A WebGL canvas resized waits for the GPU process, so the page sizes it at start-up.
export function fitCanvas(canvas, camera) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(camera.width * dpr), h = Math.round(camera.height * dpr);
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  return dpr;
}

// a canvas of class `className` laid over the stage, under `canvas` (the vector one),
// that lets the pointer through: tiles, the first view's drawing
export function layerUnder(canvas, className) {
  const layer = document.createElement("canvas");
  layer.className = className;
  Object.assign(layer.style, { position: "absolute", inset: "0", width: "100%",
                               height: "100%", pointerEvents: "none" });
  canvas.before(layer);
  return layer;
}

// radius in CSS px of a node of diameter `size`, at this camera
export function radiusPx(size, scale) { return Math.max(size * 0.5 * scale, 1); }

// a selected node (flag 2) and its neighbours (1) are drawn at least this big, so the
// highlight shows on a graph of tiny nodes (graph-gl.js repeats this in its shader)
export const HIGHLIGHT_MIN_RADIUS = [0, 4.5, 6];

// A uniform grid over the layout: cell -> node rows, in CSR form.
export class HitGrid {
  constructor(positions, n, bounds) {
    const [x0, y0, x1, y1] = bounds;
    this.n = n; this.positions = positions;
    const side = Math.max(1, Math.ceil(Math.sqrt(n / 4)));
    this.x0 = x0; this.y0 = y0; this.cols = side; this.rows = side;
    this.cw = Math.max(x1 - x0, 1e-9) / side; this.ch = Math.max(y1 - y0, 1e-9) / side;
    const cell = new Uint32Array(n), counts = new Uint32Array(side * side + 1);
    for (let i = 0; i < n; i++) {
      cell[i] = this.cellOf(positions[2 * i], positions[2 * i + 1]);
      counts[cell[i] + 1]++;
    }
    for (let c = 0; c < side * side; c++) counts[c + 1] += counts[c];
    this.start = counts.slice();
    this.items = new Uint32Array(n);
    const fill = counts.slice();
    for (let i = 0; i < n; i++) this.items[fill[cell[i]]++] = i;
  }

  cellOf(x, y) {
    const cx = Math.min(Math.max(Math.floor((x - this.x0) / this.cw), 0), this.cols - 1);
    const cy = Math.min(Math.max(Math.floor((y - this.y0) / this.ch), 0), this.rows - 1);
    return cy * this.cols + cx;
  }

  // the node whose disc (plus `slack` px) holds the screen point, nearest first
  nearest(camera, sx, sy, sizes, maxSize, slack = 2) {
    if (!this.n) return null;
    const scale = camera.nodeScale();
    const [wx, wy] = camera.toWorld(sx, sy);
    const reach = (radiusPx(maxSize, scale) + slack) / camera.zoom;
    const a = this.cellOf(wx - reach, wy - reach), b = this.cellOf(wx + reach, wy + reach);
    const ax = a % this.cols, ay = Math.floor(a / this.cols);
    const bx = b % this.cols, by = Math.floor(b / this.cols);
    let best = null, bestD = Infinity;
    const p = this.positions;
    for (let cy = ay; cy <= by; cy++) {
      for (let cx = ax; cx <= bx; cx++) {
        const c = cy * this.cols + cx;
        for (let k = this.start[c]; k < this.start[c + 1]; k++) {
          const i = this.items[k];
          const dx = (p[2 * i] - wx) * camera.zoom, dy = (p[2 * i + 1] - wy) * camera.zoom;
          const d = Math.hypot(dx, dy);
          // ties go to the later row: it is drawn on top
          if (d <= radiusPx(sizes[i], scale) + slack && d <= bestD) { best = i; bestD = d; }
        }
      }
    }
    return best;
  }
}

// Adjacency over edge indices: for each node, its incident edges; in a directed graph
// only its out-edges, so that a node's highlighted neighbours are its successors, as
// g.neighbors() says.
export class Incidence {
  constructor(edges, n, directed = false) {
    const m = edges.length / 2, counts = new Uint32Array(n + 1);
    for (let e = 0; e < m; e++) {     // a self-loop is listed once at its node
      counts[edges[2 * e] + 1]++;
      if (!directed && edges[2 * e + 1] !== edges[2 * e]) counts[edges[2 * e + 1] + 1]++;
    }
    for (let v = 0; v < n; v++) counts[v + 1] += counts[v];
    this.start = counts.slice();
    this.items = new Uint32Array(counts[n]);
    const fill = counts.slice();
    for (let e = 0; e < m; e++) {
      const a = edges[2 * e], b = edges[2 * e + 1];
      this.items[fill[a]++] = e;
      if (b !== a && !directed) this.items[fill[b]++] = e;
    }
    this.edges = edges;
  }

  // {flags: Uint8Array n (2 selected, 1 neighbour), edges: incident edge indices}
  highlight(selected, n) {
    const flags = new Uint8Array(n), incident = [];
    const seen = new Set();
    for (const v of selected) {
      for (let k = this.start[v]; k < this.start[v + 1]; k++) {
        const e = this.items[k];
        if (!seen.has(e)) { seen.add(e); incident.push(e); }
        const a = this.edges[2 * e], b = this.edges[2 * e + 1];
        const u = a === v ? b : a;
        if (flags[u] === 0) flags[u] = 1;
      }
    }
    for (const v of selected) flags[v] = 2;
    return { flags, edges: Uint32Array.from(incident) };
  }
}

// "#rrggbbaa" -> [r, g, b, a] in 0..1
export function rgba(hex) {
  const v = (i) => parseInt(hex.slice(i, i + 2), 16) / 255;
  return [v(1), v(3), v(5), hex.length >= 9 ? v(7) : 1];
}
