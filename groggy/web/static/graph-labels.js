// Node labels on their own canvas over the drawing: those that fit without overlapping,
// by the static renderer's rule (groggy/viz/labels.py, repeated here and checked against
// it by a test): largest nodes first, then the least crowded (24 px cells), then by row;
// each label tried below, above, right and left of its node, on a grid of 2 px cells
// that holds every visible node and the labels placed so far.

import { fitCanvas } from "./graph-view.js";

const CANDIDATES = 5000, CROWD = 24, CELL = 2;

// {placed: [[row, x0, y0, w]], textHeight}; sx, sy: node centres in CSS px, sizes: their
// diameters as drawn, blocked: [[x, y, w, h]] kept clear (the legend)
export function placeLabels({ n, sx, sy, sizes, labels, width, height, measure, textHeight, blocked }) {
  const visible = [];
  for (let i = 0; i < n; i++) {
    const r = sizes[i] / 2;
    if (sizes[i] > 0 && sx[i] + r >= 0 && sx[i] - r <= width && sy[i] + r >= 0 && sy[i] - r <= height) visible.push(i);
  }
  const rows = visible.filter((i) => labels[i]);
  const cellKey = (i) => `${Math.floor(sx[i] / CROWD)},${Math.floor(sy[i] / CROWD)}`;
  const crowd = new Map();
  for (const i of rows) crowd.set(cellKey(i), (crowd.get(cellKey(i)) || 0) + 1);
  const crowdOf = new Map(rows.map((i) => [i, crowd.get(cellKey(i))]));
  rows.sort((a, b) => sizes[b] - sizes[a] || crowdOf.get(a) - crowdOf.get(b) || a - b);
  rows.length = Math.min(rows.length, CANDIDATES);
  const gw = Math.floor(width / CELL) + 2, gh = Math.floor(height / CELL) + 2;
  const taken = new Uint8Array(gw * gh);
  const mark = (x0, y0, x1, y1) => {           // cells [x0, x1) x [y0, y1), clipped
    x0 = Math.max(x0, 0); y0 = Math.max(y0, 0); x1 = Math.min(x1, gw); y1 = Math.min(y1, gh);
    for (let y = y0; y < y1; y++) taken.fill(1, y * gw + x0, Math.max(y * gw + x1, y * gw + x0));
  };
  const free = (x0, y0, x1, y1) => {
    x1 = Math.min(x1, gw); y1 = Math.min(y1, gh);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (taken[y * gw + x]) return false;
    return true;
  };
  for (const i of visible) {
    const r = sizes[i] / 2;
    mark(Math.max(Math.floor((sx[i] - r) / CELL), 0), Math.max(Math.floor((sy[i] - r) / CELL), 0),
         Math.floor((sx[i] + r) / CELL) + 1, Math.floor((sy[i] + r) / CELL) + 1);
  }
  for (const [x, y, w, h] of blocked)
    mark(Math.trunc(x / CELL), Math.trunc(y / CELL), Math.trunc((x + w) / CELL) + 2, Math.trunc((y + h) / CELL) + 2);
  const placed = [], h = textHeight;
  for (const i of rows) {
    const w = measure(labels[i]), x = sx[i], y = sy[i], gap = sizes[i] / 2 + CELL;
    for (const [x0, y0] of [[x - w / 2, y + gap], [x - w / 2, y - gap - h], [x + gap, y - h / 2], [x - gap - w, y - h / 2]]) {
      if (x0 < 0 || y0 < 0 || x0 + w > width || y0 + h > height) continue;
      const c = [Math.trunc(x0 / CELL), Math.trunc(y0 / CELL), Math.trunc((x0 + w) / CELL) + 1, Math.trunc((y0 + h) / CELL) + 1];
      if (free(...c)) { mark(...c); placed.push([i, x0, y0, w]); break; }
    }
  }
  return placed;
}

export class LabelLayer {
  constructor(canvas) { this.canvas = canvas; this.ctx = canvas.getContext("2d"); this.placed = []; this.state = null; }

  clear(camera) { this._size(camera); this.ctx.clearRect(0, 0, camera.width, camera.height); this.placed = []; }

  _size(camera) {
    const dpr = fitCanvas(this.canvas, camera);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  // graph: {n, positions}; look: {sizes, labels, fontSize}; colour: the theme's label ink
  draw(camera, graph, look, colour, blocked) {
    this.clear(camera);
    const ctx = this.ctx, n = graph.n, p = graph.positions, scale = camera.nodeScale();
    const sx = new Float32Array(n), sy = new Float32Array(n), sizes = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      [sx[i], sy[i]] = camera.toScreen(p[2 * i], p[2 * i + 1]);
      sizes[i] = look.sizes[i] * scale;
    }
    ctx.font = `${look.fontSize}px "DejaVu Sans", sans-serif`;
    ctx.textBaseline = "alphabetic";
    const m = ctx.measureText("Mg");
    const ascent = m.fontBoundingBoxAscent, textHeight = ascent + m.fontBoundingBoxDescent;
    const widths = new Map();
    const measure = (text) => { if (!widths.has(text)) widths.set(text, ctx.measureText(text).width); return widths.get(text); };
    this.placed = placeLabels({ n, sx, sy, sizes, labels: look.labels, width: camera.width, height: camera.height,
                                measure, textHeight, blocked });
    ctx.fillStyle = colour;
    for (const [i, x0, y0] of this.placed) ctx.fillText(look.labels[i], x0, y0 + ascent);
    this.state = { sx: Array.from(sx), sy: Array.from(sy), sizes: Array.from(sizes), textHeight, blocked,
                   width: camera.width, height: camera.height };
  }
}
