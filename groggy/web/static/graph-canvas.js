// Canvas 2D drawing of the graph view, for browsers without WebGL2 (or ?renderer=canvas):
// the same picture as graph-gl.js, drawn path by path (bent edges through their bends).
import { EdgePaths } from "./graph-bends.js";
import { fitCanvas, HIGHLIGHT_MIN_RADIUS, radiusPx } from "./graph-view.js";

// the export's shapes (render.py _UNIT), y down: circle, square, triangle, diamond
const CORNERS = [null, [[-1, -1], [1, -1], [1, 1], [-1, 1]], [[0, -1.15], [1, 0.58], [-1, 0.58]],
                 [[0, -1.2], [1.2, 0], [0, 1.2], [-1.2, 0]]];
function shapePath(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (!shape) { ctx.arc(x, y, r, 0, 2 * Math.PI); return; }
  CORNERS[shape].forEach(([u, v], k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, x + u * r, y + v * r));
  ctx.closePath();
}

function css(r, g, b, a) { return `rgba(${r},${g},${b},${a / 255})`; }
function hexCss(hex) {
  const v = (i) => parseInt(hex.slice(i, i + 2), 16);
  return css(v(1), v(3), v(5), hex.length >= 9 ? v(7) : 255);
}

export class CanvasRenderer {
  constructor(canvas) {
    this.kind = "canvas";
    this.software = true;        // drawn by the CPU, whatever the machine has
    this.canvas = canvas; this.ctx = canvas.getContext("2d");
    this.highlight = null;
  }

  setGraph(graph) { this.graph = graph; this.paths = new EdgePaths(graph, graph.bends || null); }
  setBends(bends) { this.graph.bends = bends; this.paths = new EdgePaths(this.graph, bends); }
  setPositions(positions) { this.graph.positions = positions; }
  setLook(look) { this.look = look; }
  setHighlight(highlight) {
    this.highlight = highlight;
    // faded nodes first, then neighbours, then the selection: highlights stay on top
    this.order = highlight ? [...highlight.flags.keys()].sort((a, b) => highlight.flags[a] - highlight.flags[b]) : null;
  }

  draw(camera, colors) {
    const ctx = this.ctx, dpr = fitCanvas(this.canvas, camera);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, camera.width, camera.height);
    ctx.fillStyle = hexCss(colors.background);
    ctx.fillRect(0, 0, camera.width, camera.height);
    const { n, positions: p, edges: e } = this.graph;
    const m = this.showEdges === false ? 0 : this.graph.m;   // hidden while a slow view moves
    const look = this.look, hl = this.highlight;
    const sx = new Float32Array(n), sy = new Float32Array(n);
    for (let i = 0; i < n; i++) [sx[i], sy[i]] = camera.toScreen(p[2 * i], p[2 * i + 1]);
    ctx.lineWidth = 1;
    ctx.globalAlpha = hl ? 0.2 : 1;
    // an edge with bend points: the polyline through them
    const through = (x, y, first) => {
      const [u, v] = camera.toScreen(x, y);
      if (first) ctx.moveTo(u, v); else ctx.lineTo(u, v);
    };
    const line = (k) => {
      if (this.paths.bent(k)) { this.paths.trace(k, through); return; }
      ctx.moveTo(sx[e[2 * k]], sy[e[2 * k]]); ctx.lineTo(sx[e[2 * k + 1]], sy[e[2 * k + 1]]);
    };
    if (look.edgeColors || look.edgeWidths) {
      const c = look.edgeColors, wd = look.edgeWidths, plain = hexCss(look.edgeColor);
      for (let k = 0; k < m; k++) {
        ctx.strokeStyle = c ? css(c[4 * k], c[4 * k + 1], c[4 * k + 2], c[4 * k + 3]) : plain;
        ctx.lineWidth = wd ? Math.max(wd[k] * camera.nodeScale(), 1) : 1;
        ctx.beginPath(); line(k); ctx.stroke();
      }
      ctx.lineWidth = 1;
    } else if (m) {
      ctx.strokeStyle = hexCss(look.edgeColor);
      ctx.beginPath();
      for (let k = 0; k < m; k++) line(k);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    if (hl && hl.edges.length) {
      ctx.strokeStyle = hexCss(colors.foreground);
      ctx.globalAlpha = 0.9;
      ctx.beginPath();
      for (const k of hl.edges) line(k);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    const scale = camera.nodeScale(), col = look.colors;
    const stroke = hexCss(colors.node_stroke), ring = hexCss(colors.foreground);
    const order = this.order, shapes = look.shapes;
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      const flag = hl ? hl.flags[i] : 0;
      const r = Math.max(radiusPx(look.sizes[i], scale), HIGHLIGHT_MIN_RADIUS[flag]);
      if (sx[i] + r < 0 || sy[i] + r < 0 || sx[i] - r > camera.width || sy[i] - r > camera.height) continue;
      ctx.globalAlpha = hl && !flag ? 0.25 : 1;
      const width = flag === 2 ? 2.5 : flag === 1 ? 1.5 : r > 3 ? 1 : 0;
      const shape = shapes ? shapes[i] : 0;
      shapePath(ctx, shape, sx[i], sy[i], r);
      ctx.fillStyle = width ? (flag ? ring : stroke) : css(col[4 * i], col[4 * i + 1], col[4 * i + 2], col[4 * i + 3]);
      ctx.fill();
      if (width && r - width > 0) {
        shapePath(ctx, shape, sx[i], sy[i], r - width);
        ctx.fillStyle = css(col[4 * i], col[4 * i + 1], col[4 * i + 2], col[4 * i + 3]);
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
  }
}
