// The graph view page: connects, receives the graph once as binary frames of typed
// arrays, draws it (WebGL2, or Canvas 2D as the fallback), and handles zoom, pan, fit,
// hover (attributes asked of the server), click selection and the theme. The test hook
// is window.groggy.graph (docs/protocol.md, "Graph view").
import { Camera, fitCanvas, HitGrid, Incidence } from "./graph-view.js";
import { GLRenderer } from "./graph-gl.js";
import { CanvasRenderer } from "./graph-canvas.js";
import { decodeFrames, FRAME_TAGS } from "./graph-wire.js";
import { applyTheme } from "./theme.js";
import { HOST, fileBytes, saveFile } from "./host.js";
import { TileMode } from "./graph-tiles.js";
import { LabelLayer } from "./graph-labels.js";
import { attachSearch } from "./graph-search.js";
import { FirstView } from "./graph-firstview.js";
import { askFirstView, earlyFirstView } from "./graph-early.js";

const $ = (sel) => HOST.root.querySelector(sel);
const canvas = $(".gg-graph-canvas"), stage = $(".gg-graph-stage");
const statusEl = $(".gg-graph-status"), tooltip = $(".gg-graph-tooltip");
const legendEl = $(".gg-graph-legend"), errorEl = $(".gg-graph-error");
const themeSelect = $(".gg-graph-theme"), progressEl = $(".gg-graph-progress");
const layoutSelect = $(".gg-graph-layout"), exportSelect = $(".gg-graph-export");
const labelsButton = $(".gg-graph-labels-toggle"), rectEl = $(".gg-graph-rect");
const labelLayer = new LabelLayer($(".gg-graph-label-layer"));
const fmt = new Intl.NumberFormat("en-US");
// a notebook widget has no addresses: its Tables and Rows ask the server to show the
// nodes table in the table widgets of the same server (view.tables()), instead of links
if (!HOST.page) {
  for (const el of HOST.root.querySelectorAll(".gg-graph-link")) {
    el.addEventListener("click", (ev) => {
      ev.preventDefault();
      send({ type: "ShowRows", selected: el.classList.contains("gg-graph-rows") });
    });
  }
}

const camera = new Camera();
let renderer = null, graph = null, look = null;
// the hit grid (hover, click) and incidence lists (highlight): built on first use, or
// just after the first frame, never before it
let grid = null, incidence = null;
let colors = null, selection = [], highlight = null, idToRow = null, showLabels = false;
const MAX_SELECT = 10000;     // rows one Select message may carry (docs/protocol.md)
let socket = null;
let tiles = null;                   // a TileMode for a large graph (graph-tiles.js)
let firstView = null;               // the server's drawing of the first view, on a CPU renderer
let directed = false;               // highlight successors only (as g.neighbors does)
const pending = new Map();          // request_id -> resolve
let frameQueue = [], expect = null; // binary frames still to come for `expect`
const frameTimes = [];
let paintWaiters = [], scheduled = false;
let resolveReady;
const phases = {};   // first time each start-up phase was reached (ms since navigation)
const mark = (name) => { if (!(name in phases)) phases[name] = performance.now(); };
const ready = new Promise((r) => { resolveReady = r; });

// ------------------------------------------------------------------ renderer
function makeRenderer() {
  const want = HOST.params.get("renderer"), msaa = HOST.params.get("msaa");
  if (want !== "canvas") {
    try { return new GLRenderer(canvas, msaa === null ? null : msaa === "1"); } catch (err) { console.warn("groggy: " + err.message + "; drawing with Canvas 2D"); }
  }
  return new CanvasRenderer(canvas);
}

function hitGrid() { return grid || (grid = new HitGrid(graph.positions, graph.n, graph.bounds)); }
function incidenceLists() { return incidence || (incidence = new Incidence(graph.edges, graph.n, directed)); }

// ------------------------------------------------------------------ drawing
function redraw() {
  return new Promise((resolve) => {
    paintWaiters.push(resolve);
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const t0 = performance.now();
      if (firstView) firstView.draw(camera);
      // no vectors while the first view's drawing is awaited: see graph-firstview.js
      const vectors = !!(renderer && graph) && !(firstView && firstView.holding);
      if (tiles && colors) tiles.draw(camera, colors);
      if (vectors) renderer.draw(camera, tiles ? tiles.vectorColors(colors) : colors);
      if (graph && look && look.labels && showLabels) labelLayer.draw(camera, graph, look, colors.label, legendBox());
      else labelLayer.clear(camera);
      if (tiles) tiles.moved(camera);
      const waiters = paintWaiters; paintWaiters = [];
      // painted = drawn by the GPU, not only asked of it (a CPU rasterizer takes a while)
      (vectors && renderer.done ? renderer.done() : Promise.resolve()).then(() => {
        if (vectors && firstView && graph.n) { firstView.drop(); firstView = null; }
        frameTimes.push(performance.now() - t0);
        if (frameTimes.length > 240) frameTimes.shift();
        waiters.forEach((w) => w());
      });
    });
  });
}

function resize() {
  const r = stage.getBoundingClientRect();
  camera.resize(r.width, r.height);
  fitCanvas(canvas, camera);
}

// ------------------------------------------------------------------ socket
function wsUrl() {
  const token = location.pathname.split("/")[1];
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/${token}/graph/ws`;
}

// resolves with the reply (or with null if the connection drops first)
function send(msg) { return request(msg)[1]; }

// [request_id or null, promise of the reply]
function request(msg) {
  const id = socket.send(msg);
  if (id === null) return [null, Promise.resolve(null)];
  return [id, new Promise((resolve) => pending.set(id, resolve))];
}

function connect() {
  mark("connecting");
  socket = HOST.socket(HOST.page ? wsUrl() : null, {
    helloType: "GraphHello",
    pageUrl: HOST.page ? location.href : null,
    // a reconnect keeps this page's theme; the server kept the style and selection
    hello: () => ({ theme: look ? look.theme : null }),
    onHello: (id) => { mark("connected"); pending.set(id, () => {}); },
    onMessage: onJson,
    onFrame,
    onStatus: ({ state, retryIn, forbidden }) => {
      if (state === "connected") { if (graph) updateStatus(); return; }
      statusEl.textContent = forbidden ? "the server has restarted: open its new address"
        : state === "reconnecting" ? `connection lost, reconnecting${retryIn ? ` in ${(retryIn / 1000).toFixed(1)} s` : "…"}`
        : "connecting…";
    },
    onClose: () => {
      for (const done of pending.values()) done(null);
      pending.clear(); expect = null; frameQueue = [];
    },
  });
  socket.connect();
}

function onJson(msg) {
  if (msg.type === "Error") showError(msg.message);
  if (msg.type === "GraphInit") mark("init");
  if (msg.frames && msg.frames.length) { expect = msg; frameQueue = []; }
  else handle(msg, {});
}

function onFrame(buf) {
  if (expect && expect.type === "ViewFile") {      // an export asked for as a message
    const msg = expect, file = fileBytes(buf);
    expect = null; frameQueue = [];
    if (file !== null) handle(msg, { file });
    return;
  }
  const tag = String.fromCharCode(...new Uint8Array(buf, 0, 4));
  const count = new DataView(buf).getUint32(4, true);
  if (!expect || !FRAME_TAGS.has(tag)) return;
  frameQueue.push([tag, [buf.slice(8), count]]);
  if (frameQueue.length === expect.frames.length) {
    const msg = expect, raw = Object.fromEntries(frameQueue);
    expect = null; frameQueue = [];
    mark("frames");
    handle(msg, decodeFrames(msg, raw));
  }
}

function handle(msg, frames) {
  const done = msg.request_id != null && pending.get(msg.request_id);
  if (done) pending.delete(msg.request_id);
  if (msg.type === "GraphInit") init(msg, frames);
  else if (msg.type === "ThemeChange" || msg.type === "StyleChange") setLook(msg, frames);
  else if (msg.type === "Select") select(msg.nodes, false, false);
  else if (msg.type === "LayoutProgress") showProgress(msg.done, msg.total);
  else if (tiles && tiles.handles(msg.type)) tiles.handle(msg, frames);
  else if (msg.type === "Positions" && graph) {
    layoutSelect.value = msg.layout;
    layoutTimes = { arrived: performance.now() };
    // layout() names the new layout once the nodes are there
    moveTo(frames.positions, msg.bounds, frames.bends || null)
      .then(() => { graph.layout = msg.layout; if (done) done(msg); });
    return;
  }
  else if (msg.type === "Moved") placeNode(msg.node, msg.x, msg.y, true);
  else if (msg.type === "ViewFile") saveFile(frames.file, msg.name, msg.media);
  else if (msg.type === "FlyTo") {     // a table row's "show this node" (a widget's)
    flyTo(msg.id).then(() => select([msg.node], false, true), (err) => showError(err.message));
  }
  else if (msg.type === "Error" && msg.for === "SetLayout" && graph) layoutSelect.value = graph.layout;
  if (done) done(msg);
}

// the server lays the graph out (gg.serve without a stored layout): say how far it is,
// before the first GraphInit and while the coarse stage it shows is refined
function showProgress(done, total) {
  const finished = total > 0 && done >= total;
  progressEl.hidden = finished;
  progressEl.value = total ? done / total : 0;
  if (finished) { updateStatus(); return; }
  const share = total ? ` ${Math.round((100 * done) / total)}%` : "";
  statusEl.textContent = (graph ? "refining the layout…" : "laying out the graph…") + share;
}

function showError(text) {
  errorEl.textContent = text; errorEl.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { errorEl.hidden = true; }, 6000);
}

// ------------------------------------------------------------------ state
// the first GraphInit, or a later one (a reconnect, or the graph changed on the server):
// a later one keeps the user's viewport
function init(msg, frames) {
  mark("decoded");
  // (a tiled view's GraphInit after a layout switch fits the new layout)
  const keepView = graph !== null && graph.n > 0 && !(msg.tiles && msg.layout !== graph.layout);
  progressEl.hidden = true;
  hideTooltip();
  directed = !!msg.directed;
  if (msg.tiles) {            // a large graph: the page asks for what its view holds
    tiles = tiles || new TileMode({ canvas, camera, send, request, redraw, useGraph,
                                    software: () => !!(renderer && renderer.software),
                                    status: updateStatus, selection: () => selection });
    useGraph(tiles.init(msg), null);
  } else {
    useGraph({ n: msg.nodes, m: msg.edges, positions: frames.positions, edges: frames.edges,
               bounds: msg.bounds, ids: frames.ids || null, bends: frames.bends || null }, null);
  }
  graph.layout = msg.layout;
  themeSelect.replaceChildren(...msg.themes.map((t) => new Option(t, t)));
  layoutSelect.replaceChildren(...msg.layouts.map((t) => new Option(t.replace("_", " "), t)));
  if (msg.layout && !msg.layouts.includes(msg.layout)) layoutSelect.appendChild(new Option(msg.layout, msg.layout));
  layoutSelect.value = msg.layout || "";
  setLook(msg, frames);
  resize();
  if (!keepView) camera.fit(graph.bounds);
  $(".gg-graph-empty").hidden = msg.nodes > 0;
  select(msg.selected || [], false, false);
  mark("prepared");
  // ready at the first painted frame of the graph: the server's drawing of it (a CPU
  // renderer, a large graph), or the vectors, or the tiles
  const shown = firstView ? firstView.settled : Promise.resolve(false);
  const painted = shown.then(() => redraw()).then(() => (tiles ? tiles.settled() : null))
    .then(() => {
      mark("painted");
      setTimeout(() => { if (graph) { hitGrid(); incidenceLists(); } }, 0);
    });
  shown.then((yes) => (yes ? null : painted)).then(() => { mark("ready"); resolveReady(); });
}

// graph: {n, m, positions, edges, bounds, ids, rows}; rows (tile mode) are the server's
// rows of the nodes held; lookFrames (tile mode): their colours and sizes
function useGraph(g, lookFrames) {
  const previous = graph;
  graph = g;
  idToRow = graph.ids ? new Map(Array.from(graph.ids, (v, i) => [v, i])) : null;
  renderer.setGraph(graph);
  grid = null; incidence = null;
  if (!g.layout && previous) g.layout = previous.layout;    // tile mode: a new held part
  if (lookFrames && look) { setLook(lastLook, lookFrames); select(selection, false, false); }
}

let lastLook = null;
function setLook(msg, frames) {
  lastLook = msg;
  if (tiles && !frames.colors) frames = tiles.restyled(msg);
  const hadLabels = !!(look && look.labels);
  look = { colors: frames.colors, sizes: frames.sizes, edgeColors: frames.edgeColors || null,
           edgeColor: msg.edge_color, label: msg.label, theme: msg.theme,
           shapes: frames.shapes || null, edgeWidths: frames.edgeWidths || null,
           labels: frames.labels || null, fontSize: msg.font_size || 9 };
  if (look.labels && !hadLabels) showLabels = true;      // labels the style turned on
  labelsButton.disabled = !look.labels;
  labelsButton.setAttribute("aria-pressed", String(!!look.labels && showLabels));
  look.maxSize = look.sizes.reduce((a, b) => Math.max(a, b), 0);
  colors = msg.colors;
  renderer.setLook(look);
  applyTheme(msg.theme);
  themeSelect.value = msg.theme;
  drawLegend(msg.legend);
  redraw();
}

function drawLegend(legend) {
  legendEl.hidden = !legend;
  legendEl.replaceChildren();
  if (!legend) return;
  // built with DOM nodes and element.style: the page's CSP refuses style="" attributes
  const line = (cls) => legendEl.appendChild(Object.assign(document.createElement("div"),
                                                           cls ? { className: cls } : {}));
  line().appendChild(document.createElement("b")).textContent = legend.title;
  if (legend.entries) {
    for (const e of legend.entries.slice(0, 20)) {
      const row = line();
      row.appendChild(Object.assign(document.createElement("span"),
                                    { className: "gg-swatch" })).style.background = e.color;
      row.append(String(e.text));
    }
    if (legend.entries.length > 20) line().textContent = `… ${legend.entries.length - 20} more`;
  } else {
    const r = legend.ramp;
    line("gg-ramp").style.background = `linear-gradient(to right,${r.stops.join(",")})`;
    line().textContent = `${r.low} … ${r.high}`;
  }
}

function esc(v) {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function idOf(row) { return graph.ids ? graph.ids[row] : row; }
// the server's row of a node held at `row` (the same row unless tiles are on), and back
function serverRow(row) { return row === null || !graph.rows ? row : graph.rows[row]; }
function localRow(row) { return tiles ? tiles.localRow(row) : row; }
function selectedId(row) { return tiles ? tiles.idOfRow(row) : idOf(row); }
function worldOf(id) {
  const row = rowOf(id);
  return row === null ? null : [graph.positions[2 * row], graph.positions[2 * row + 1]];
}
function rowOf(id) {
  if (idToRow) return idToRow.has(id) ? idToRow.get(id) : null;
  return Number.isInteger(id) && id >= 0 && id < graph.n ? id : null;
}

function updateStatus() {
  if (!graph) return;
  let text = tiles ? tiles.statusText(fmt) : `${fmt.format(graph.n)} node${graph.n === 1 ? "" : "s"} · ${fmt.format(graph.m)} edge${graph.m === 1 ? "" : "s"}`;
  if (selection.length === 1 && !highlight) text += ` · node ${selectedId(selection[0])} selected`;
  else if (selection.length === 1) {
    const nb = highlight.flags.reduce((a, f) => a + (f === 1), 0);
    text += ` · node ${selectedId(selection[0])} selected, ${fmt.format(nb)} neighbour${nb === 1 ? "" : "s"}`;
  } else if (selection.length) text += ` · ${fmt.format(selection.length)} nodes selected`;
  statusEl.textContent = text;
}

// rows: node rows (the server's); add: shift-click; tell: report to the server
function select(rows, add, tell) {
  const next = add ? [...new Set([...selection, ...rows])] : [...new Set(rows)];
  selection = next.filter((r) => r >= 0 && r < (tiles ? tiles.n : graph.n));
  const held = selection.map(localRow).filter((r) => r !== null);
  highlight = held.length ? incidenceLists().highlight(held, graph.n) : null;
  renderer.setHighlight(highlight);
  if (tiles) tiles.selectionChanged(selection);
  updateStatus();
  const painted = redraw();
  return tell ? Promise.all([painted, send({ type: "Select", nodes: selection.slice(0, MAX_SELECT) })]) : painted;
}

// ------------------------------------------------------------------ interaction
function pointer(ev) {
  const r = canvas.getBoundingClientRect();
  return [ev.clientX - r.left, ev.clientY - r.top];
}

function hitAt(x, y) { return graph ? hitGrid().nearest(camera, x, y, look.sizes, look.maxSize) : null; }

let drag = null, hovered = null, hoverSeq = 0;
const touches = new Map();     // pointerId -> [x, y] of the pointers down (pinch)
let pinch = null;

canvas.addEventListener("wheel", (ev) => {
  ev.preventDefault();
  const [x, y] = pointer(ev);
  camera.zoomAt(Math.exp(-ev.deltaY * 0.0015), x, y);
  hideTooltip(); redraw();
}, { passive: false });

// a drag pans; a drag that starts on a node moves it; shift+drag selects a rectangle;
// two pointers pinch-zoom around their midpoint
canvas.addEventListener("pointerdown", (ev) => {
  canvas.setPointerCapture(ev.pointerId);
  const [x, y] = pointer(ev);
  touches.set(ev.pointerId, [x, y]);
  if (touches.size === 2) { drag = null; pinch = pinchState(); rectEl.hidden = true; return; }
  const node = graph && !ev.shiftKey ? hitAt(x, y) : null;
  drag = { x: ev.clientX, y: ev.clientY, x0: x, y0: y, moved: false, rect: ev.shiftKey, node };
});

function pinchState() {
  const [[ax, ay], [bx, by]] = [...touches.values()];
  return { d: Math.hypot(bx - ax, by - ay), mx: (ax + bx) / 2, my: (ay + by) / 2 };
}

canvas.addEventListener("pointermove", (ev) => {
  const [x, y] = pointer(ev);
  if (touches.has(ev.pointerId)) touches.set(ev.pointerId, [x, y]);
  if (pinch && touches.size === 2) {
    const now = pinchState();
    camera.pan(now.mx - pinch.mx, now.my - pinch.my);
    if (pinch.d > 0 && now.d > 0) camera.zoomAt(now.d / pinch.d, now.mx, now.my);
    pinch = now; hideTooltip(); redraw();
    return;
  }
  if (drag) {
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.hypot(x - drag.x0, y - drag.y0) <= 3) return;
    drag.moved = true; hideTooltip();
    if (drag.rect) showRect(drag.x0, drag.y0, x, y);
    else if (drag.node !== null) { const [wx, wy] = camera.toWorld(x, y); placeNode(drag.node, wx, wy, false); }
    else { canvas.classList.add("gg-dragging"); camera.pan(dx, dy); redraw(); }
    drag.x = ev.clientX; drag.y = ev.clientY;
    return;
  }
  if (tiles && tiles.remote()) tiles.nodeAt(x, y).then((row) => { if (row !== undefined && !drag) hover(row, x, y); });
  else hover(serverRow(hitAt(x, y)), x, y);
});

function endPointer(ev) {
  touches.delete(ev.pointerId);
  if (pinch) { if (touches.size < 2) pinch = null; drag = null; return null; }
  const was = drag;
  drag = null; canvas.classList.remove("gg-dragging"); rectEl.hidden = true;
  return was;
}

canvas.addEventListener("pointercancel", endPointer);
canvas.addEventListener("pointerup", (ev) => {
  const was = endPointer(ev);
  if (!was || !graph) return;
  const [x, y] = pointer(ev);
  if (was.moved && was.rect) { select(rowsInRect(was.x0, was.y0, x, y).map(serverRow), true, true); return; }
  if (was.moved && was.node !== null) { dropNode(was.node); return; }
  if (was.moved) return;
  const pick = (row) => {
    if (row === null) { if (!ev.shiftKey) select([], false, true); }
    else select([row], ev.shiftKey, true);
  };
  if (tiles && tiles.remote()) tiles.nodeAt(x, y, false).then(pick);
  else pick(serverRow(hitAt(x, y)));
});

canvas.addEventListener("pointerleave", () => { if (!drag) hover(null); });

function showRect(x0, y0, x1, y1) {
  Object.assign(rectEl.style, { left: `${Math.min(x0, x1)}px`, top: `${Math.min(y0, y1)}px`,
                                width: `${Math.abs(x1 - x0)}px`, height: `${Math.abs(y1 - y0)}px` });
  rectEl.hidden = false;
}

// the rows whose centre is inside the screen rectangle
function rowsInRect(x0, y0, x1, y1) {
  const [ax, ay] = camera.toWorld(Math.min(x0, x1), Math.max(y0, y1));
  const [bx, by] = camera.toWorld(Math.max(x0, x1), Math.min(y0, y1));
  const p = graph.positions, out = [];
  for (let i = 0; i < graph.n; i++) {
    const x = p[2 * i], y = p[2 * i + 1];
    if (x >= ax && x <= bx && y >= ay && y <= by) out.push(i);
  }
  return out;
}

// one node at (x, y) in layout coordinates; `settled`: no drag follows (a push)
function placeNode(row, x, y, settled) {
  if (!graph || row >= graph.n) return;
  graph.positions[2 * row] = x; graph.positions[2 * row + 1] = y;
  renderer.setPositions(graph.positions);
  if (settled) reindex();
  redraw();
}

function dropNode(row) {
  reindex();
  send({ type: "MoveNode", node: serverRow(row), x: graph.positions[2 * row], y: graph.positions[2 * row + 1] });
}

// the hit grid and bounds after positions changed
function reindex() {
  const p = graph.positions, b = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < graph.n; i++) {
    b[0] = Math.min(b[0], p[2 * i]); b[1] = Math.min(b[1], p[2 * i + 1]);
    b[2] = Math.max(b[2], p[2 * i]); b[3] = Math.max(b[3], p[2 * i + 1]);
  }
  graph.bounds = graph.n ? b : [0, 0, 0, 0];
  grid = null;
}

// ------------------------------------------------------------------ animation
const EASE = (t) => t * t * (3 - 2 * t);

// run step(t) for t from (one frame's worth) to 1 over `ms`, one step per frame;
// `painted(t)` after each frame; resolves once the last step is painted. Where a frame
// takes longer than SLOW_FRAME_MS (a software renderer, a huge graph) the next step is
// the last: the result shows on the second frame instead of after many slow ones.
const SLOW_FRAME_MS = 100;
function animate(ms, step, painted = () => {}) {
  const start = performance.now();
  let last = start;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now(), slow = now - last > SLOW_FRAME_MS;
      last = now;
      const t = slow ? 1 : Math.min(Math.max((now - start) / ms, 16 / ms), 1);
      step(EASE(t));
      redraw().then(() => { painted(t); if (t < 1) tick(); else resolve(); });
    };
    tick();
  });
}

// the camera to (cx, cy, zoom), through a short flight
function flyCamera(cx, cy, zoom, ms = 350) {
  const from = { cx: camera.cx, cy: camera.cy, zoom: camera.zoom };
  return animate(ms, (t) => camera.set(from.cx + (cx - from.cx) * t, from.cy + (cy - from.cy) * t,
                                       from.zoom * Math.pow(zoom / from.zoom, t)));
}

// every node to its new position (a layout switch), the camera to the new fit; edges go
// straight while the nodes move, then through the new layout's bends (null: none)
let moving = 0;
function moveTo(target, bounds, bends = null) {
  const mine = ++moving, from = Float32Array.from(graph.positions), now = new Float32Array(from.length);
  if (graph.bends) renderer.setBends(null);
  const old = { cx: camera.cx, cy: camera.cy, zoom: camera.zoom, fit: camera.fitZoom };
  camera.fit(bounds);
  const fitted = { cx: camera.cx, cy: camera.cy, zoom: camera.zoom };
  camera.set(old.cx, old.cy, old.zoom);
  hideTooltip();
  // where the last frame was slow (a CPU rasterizer, a huge graph), the nodes move
  // without their edges, which come back with the settled frame
  renderer.showEdges = !(frameTimes.length && frameTimes[frameTimes.length - 1] > SLOW_EDGES_MS);
  return animate(LAYOUT_MS, (t) => {
    if (mine !== moving) return;
    for (let k = 0; k < now.length; k++) now[k] = from[k] + (target[k] - from[k]) * t;
    renderer.setPositions(t < 1 ? now : target);
    graph.positions = t < 1 ? now : target;
    camera.set(old.cx + (fitted.cx - old.cx) * t, old.cy + (fitted.cy - old.cy) * t,
               old.zoom * Math.pow(fitted.zoom / old.zoom, t));
  }, () => { if (layoutTimes && !layoutTimes.moved) layoutTimes.moved = performance.now(); }).then(() => {
    if (mine !== moving) return;
    renderer.showEdges = true;
    graph.positions = target; renderer.setPositions(target);
    if (bends) renderer.setBends(bends);
    reindex(); camera.fit(bounds); camera.set(fitted.cx, fitted.cy, fitted.zoom);
    return redraw().then(() => { if (layoutTimes) layoutTimes.settled = performance.now(); });
  });
}
const LAYOUT_MS = 300;
const SLOW_EDGES_MS = 50;
let layoutTimes = null;    // performance.now() of the last layout switch's steps

function hover(row, x, y) {
  if (row === hovered) { if (row !== null) placeTooltip(x, y); return; }
  hovered = row;
  if (row === null) { hideTooltip(); return; }
  const seq = ++hoverSeq;
  send({ type: "NodeInfo", node: row }).then((info) => {
    if (seq !== hoverSeq || !info || info.type !== "NodeInfo") return;
    if (tiles) tiles.remember(info.brief);
    const title = info.label != null ? `${esc(info.label)} <span>(node ${info.id})</span>` : `node ${info.id}`;
    const rows = Object.entries(info.attributes).slice(0, 30)
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("");
    tooltip.innerHTML = `<div class="gg-tip-title"><b>${title}</b></div><table>${rows}</table>`;
    tooltip.dataset.node = String(info.id);
    tooltip.hidden = false;
    placeTooltip(x, y);
  });
}

// beside the pointer, on the side that covers the fewest of the node's neighbours
function placeTooltip(x, y) {
  const w = tooltip.offsetWidth, h = tooltip.offsetHeight;
  const clampX = (v) => Math.max(0, Math.min(v, camera.width - w - 4));
  const clampY = (v) => Math.max(0, Math.min(v, camera.height - h - 4));
  const spots = [[x + 14, y + 14], [x + 14, y - h - 10], [x - w - 14, y + 14], [x - w - 14, y - h - 10]]
    .map(([a, b]) => [clampX(a), clampY(b)]);
  const near = hovered === null ? [] : neighbourPoints(hovered);
  const covered = ([a, b]) => near.reduce((k, [px, py]) => k + (px >= a - 6 && px <= a + w + 6 && py >= b - 6 && py <= b + h + 6), 0);
  let best = spots[0], fewest = Infinity;
  for (const spot of spots) { const c = covered(spot); if (c < fewest) { fewest = c; best = spot; } }
  tooltip.style.left = `${best[0]}px`;
  tooltip.style.top = `${best[1]}px`;
}

function neighbourPoints(row) {
  const p = graph.positions, out = [camera.toScreen(p[2 * row], p[2 * row + 1])];
  const inc = incidenceLists();
  for (let k = inc.start[row]; k < inc.start[row + 1] && out.length < 500; k++) {
    const e = inc.items[k], a = graph.edges[2 * e], b = graph.edges[2 * e + 1];
    const u = a === row ? b : a;
    out.push(camera.toScreen(p[2 * u], p[2 * u + 1]));
  }
  return out;
}

function hideTooltip() { tooltip.hidden = true; delete tooltip.dataset.node; hovered = null; hoverSeq++; }


function fit() { if (graph) { camera.fit(graph.bounds); redraw(); } }

function zoomBy(factor) { camera.zoomAt(factor, camera.width / 2, camera.height / 2); hideTooltip(); return redraw(); }

// the node of `id` in the middle, zoomed in, then selected; resolves once painted
// resolves once painted (in tile mode: once the tiles or vectors there are drawn)
function flyTo(id) {
  const at = tiles ? tiles.locate(id) : Promise.resolve(graph ? worldOf(id) : null);
  return at.then((p) => {
    if (p === null) throw new Error(`no node ${id} in this view`);
    const flown = flyCamera(p[0], p[1], Math.max(camera.zoom, camera.fitZoom * 4));
    return tiles ? flown.then(() => tiles.settled()) : flown;
  });
}

function setLabels(on) {
  showLabels = on;
  labelsButton.setAttribute("aria-pressed", String(on));
  // labels the style left off: ask the server for their texts (a StyleChange follows)
  if (on && !look.labels) return send({ type: "ShowLabels", show: true }).then(() => redraw());
  return redraw();
}

function setLayout(name) {
  layoutSelect.value = name;
  return send({ type: "SetLayout", layout: name }).then((reply) => {
    if (reply.type === "Error") layoutSelect.value = graph.layout;
    return reply;
  });
}

// the server draws the view with the export renderer: same centre, zoom, size, look
function exportParams(format) {
  return { format, cx: camera.cx, cy: camera.cy, zoom: camera.zoom,
           width: Math.round(camera.width), height: Math.round(camera.height),
           scale: camera.nodeScale(), theme: look.theme, labels: !!(look.labels && showLabels) };
}

function exportUrl(format) {
  const p = exportParams(format);
  const q = new URLSearchParams({ ...p, labels: p.labels ? "1" : "0" });
  return `${location.pathname.replace(/\/$/, "")}/export?${q}`;
}

// a page downloads the export's address; a notebook widget, which has none, asks for
// the file over its connection (ExportView) and saves the ViewFile that answers
function exportView(format) {
  if (!HOST.page) return send({ type: "ExportView", ...exportParams(format) });
  const a = Object.assign(document.createElement("a"), { href: exportUrl(format), download: `graph.${format}` });
  document.body.appendChild(a); a.click(); a.remove();
  return Promise.resolve(null);
}

function legendBox() {
  if (legendEl.hidden) return [];
  const r = legendEl.getBoundingClientRect(), c = canvas.getBoundingClientRect();
  return [[r.left - c.left, r.top - c.top, r.width, r.height]];
}

$(".gg-graph-fit").addEventListener("click", fit);
$(".gg-graph-zoom-in").addEventListener("click", () => zoomBy(1.25));
$(".gg-graph-zoom-out").addEventListener("click", () => zoomBy(0.8));
labelsButton.addEventListener("click", () => { if (look) setLabels(!showLabels); });
layoutSelect.addEventListener("change", () => setLayout(layoutSelect.value));
exportSelect.addEventListener("change", () => {
  const format = exportSelect.value;
  exportSelect.value = "";
  if (format && graph) exportView(format);
});
attachSearch($(".gg-graph-search"), $(".gg-graph-results"),
             (text) => send({ type: "FindNode", text }),
             (m) => flyTo(m.id).then(() => select([m.node], false, true)));
themeSelect.addEventListener("change", () => send({ type: "ThemeChange", theme: themeSelect.value }));
HOST.events.addEventListener("keydown", (ev) => {
  if (ev.target instanceof HTMLSelectElement || ev.target instanceof HTMLInputElement || !graph) return;
  const step = 60, k = ev.key;
  if (k === "f" || k === "F") fit();
  else if (k === "+" || k === "=") camera.zoomAt(1.25, camera.width / 2, camera.height / 2);
  else if (k === "-") camera.zoomAt(0.8, camera.width / 2, camera.height / 2);
  else if (k === "ArrowLeft") camera.pan(step, 0);
  else if (k === "ArrowRight") camera.pan(-step, 0);
  else if (k === "ArrowUp") camera.pan(0, step);
  else if (k === "ArrowDown") camera.pan(0, -step);
  else if (k === "Escape") { select([], false, true); return; }
  else if (k === "l" || k === "L") { setLabels(!showLabels); return; }
  else return;
  ev.preventDefault(); redraw();
});
// the stage changes size with the window and with the bar (controls filled in late)
new ResizeObserver(() => { resize(); redraw(); }).observe(stage);

// ------------------------------------------------------------------ test hook
function percentile(sorted, q) { return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null; }

HOST.hooks.groggy = HOST.hooks.groggy || {};
HOST.hooks.groggy.graph = {
  ready,
  // samples: the multisampling of the WebGL drawing (0: none)
  stats: () => ({ ...(tiles ? { nodes: tiles.n, edges: tiles.m, mode: tiles.mode, held: graph.n }
    : { nodes: graph ? graph.n : 0, edges: graph ? graph.m : 0, mode: "vector" }),
    renderer: renderer ? renderer.kind : null, samples: renderer ? renderer.samples || 0 : 0 }),
  // CSS px in the window, or null when the node is not in view
  screenPosition(id) {
    const at = tiles ? tiles.position(id) : graph ? worldOf(id) : null;
    if (at === null) return null;
    const [x, y] = camera.toScreen(at[0], at[1]);
    if (x < 0 || y < 0 || x > camera.width || y > camera.height) return null;
    const r = canvas.getBoundingClientRect();
    return { x: x + r.left, y: y + r.top };
  },
  nodeAt(x, y) {
    const r = canvas.getBoundingClientRect();
    if (tiles && tiles.remote()) {
      return tiles.nodeAt(x - r.left, y - r.top, false).then((row) => (row === null ? null : tiles.idOfRow(row)));
    }
    const row = hitAt(x - r.left, y - r.top);
    return Promise.resolve(row === null ? null : idOf(row));
  },
  flyTo,
  // graph page features: search, layout switch, labels, export, positions
  find: (text) => send({ type: "FindNode", text }),
  setLayout,
  layoutTimes: () => layoutTimes,
  layout: () => (graph ? graph.layout : null),
  bentEdges: () => (graph && graph.bends ? graph.bends.edges.length : 0),
  setLabels,
  labels: () => labelLayer.placed.map(([row, x, y, w]) => ({ id: idOf(row), row, x, y, w, text: look.labels[row] })),
  labelState: () => labelLayer.state,
  exportUrl,
  exportView,
  position: (id) => { const row = rowOf(id); return row === null ? null : [graph.positions[2 * row], graph.positions[2 * row + 1]]; },
  setViewport(cx, cy, zoom) { camera.set(cx, cy, zoom); return redraw(); },
  // tile mode: resolves once the view's tiles or vectors are all drawn (else at once)
  settled: () => (tiles ? tiles.settled() : redraw()),
  // tile mode: the layout position of a node (asked of the server if not held)
  locate: (id) => (tiles ? tiles.locate(id) : Promise.resolve(graph ? worldOf(id) : null)),
  viewport: () => ({ cx: camera.cx, cy: camera.cy, zoom: camera.zoom, fitZoom: camera.fitZoom,
                     width: Math.round(camera.width), height: Math.round(camera.height) }),
  bounds: () => (graph ? [...graph.bounds] : null),
  // start-up phases, ms since navigation: connecting, renderer (WebGL set up),
  // connected, init (GraphInit received), frames (all its frames), decoded, prepared
  // (indexes, upload), firstView (the server's drawing of the view painted: a CPU
  // renderer, a large graph), painted (the first frame of vectors or tiles), ready
  timings: () => ({ ...phases }),
  frameStats() {
    const s = [...frameTimes].sort((a, b) => a - b);
    return { count: s.length, median: percentile(s, 0.5), p95: percentile(s, 0.95), times: [...frameTimes] };
  },
  selected: () => selection.map(selectedId),
  highlighted: () => (highlight ? { nodes: [...highlight.flags].flatMap((f, i) => (f === 1 ? [idOf(i)] : [])),
                                    edges: highlight.edges.length } : { nodes: [], edges: 0 }),
  select: (ids, add = false) => select(ids.map((id) => (tiles ? tiles.rowOfId(id) : rowOf(id))).filter((r) => r !== null), add, true),
  theme: () => (look ? look.theme : null),
  send: (msg) => send(msg),
  painted: () => redraw(),
};

// #node=ID (a node row's context menu in the table page links here): fly to it, select it
function showHashNode() {
  const m = /(?:^#|&)node=([^&]+)/.exec(location.hash);
  if (!m || !graph) return;
  const id = Number(decodeURIComponent(m[1]));
  flyTo(id).then(() => window.groggy.graph.select([id]), (err) => showError(err.message));
}
if (HOST.page) {
  window.addEventListener("hashchange", showHashNode);
  ready.then(showHashNode);
}

resize();
connect();
// WebGL set-up (context, shaders) takes a while on a software GPU: do it while the
// socket connects, before the page's first paint keeps the GPU process busy
renderer = makeRenderer();
mark("renderer");
// a page drawing on the CPU shows the server's drawing of its first view, asked for as
// the page began (graph-early.js; here if WebGL failed to set up), not once its socket
// is open (a notebook widget, which has no address, does without)
if (HOST.page && renderer.software) {
  firstView = new FirstView(canvas);
  firstView.load(earlyFirstView || askFirstView(camera.width, camera.height), (view) => {
    if (!graph) camera.set(view.cx, view.cy, view.zoom);     // until GraphInit fits it
    return redraw().then(() => mark("firstView"));
  });
  firstView.settled.then((shown) => { if (!shown) firstView = null; });   // none came
}
