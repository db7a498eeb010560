// Large graphs (docs/protocol.md, "Large graphs"): the page never holds the whole graph.
// It asks the server what its viewport holds: raster tiles while many nodes are in view
// (drawn on a canvas under the vector one), the nodes in view and their edges as
// vectors once few are (drawn by the usual renderer). Hover and click ask the server
// while tiles are shown. The previous tiles, or a coarser level, stay drawn until the
// new ones arrive, and vectors stay until the tiles that replace them are in, so a
// switch never shows a blank frame.
import { fitCanvas, layerUnder } from "./graph-view.js";

const KINDS = new Set(["Viewport", "Tile", "NodeAt", "Neighbors"]);
const MAX_NEIGHBORS_OF = 100;   // selected nodes whose neighbours are asked for (server cap)
const FADED = 0.3;             // tiles under a highlighted selection
const MAX_INFLIGHT = 64;    // tile requests on the wire at once (a full view's worth: drawn ahead, most are cached)
const MAX_BITMAPS = 600;    // decoded tiles kept (LRU)
const DEBOUNCE_MS = 50;     // a moving view asks for its contents this long after moving
const TRANSPARENT = "#00000000";
// nodes in view that a renderer drawing on the CPU (SwiftShader, llvmpipe, Canvas 2D)
// is sent as vectors at most: tiles pan in tens of ms there, while a frame of 20,000
// nodes and their edges takes about a second (the server's budget holds on a GPU)
const SOFTWARE_BUDGET = 2000;

function emptyGraph(bounds) {
  return { n: 0, m: 0, positions: new Float32Array(0), edges: new Uint32Array(0), bounds,
           ids: new Float64Array(0), rows: new Uint32Array(0) };
}

export class TileMode {
  // api: {canvas, camera, send, request, redraw, useGraph(graph, lookFrames), status,
  //       selection, software()}: what graph.js lends it
  constructor(api) {
    this.api = api;
    this.layer = layerUnder(api.canvas, "gg-graph-tiles");
    this.ctx = this.layer.getContext("2d");
    this.bitmaps = new Map(); this.stale = new Map(); this.inflight = new Map();
    this.briefs = new Map();
    this.version = 0; this.mode = "tiles"; this.showTiles = true; this.dropVectors = false;
    this.count = 0; this.covered = null;
    this.viewId = null; this.timer = 0; this.hoverSeq = 0;
    this.sub = null;
    this.highlighting = false;   // the held vectors are a selection's neighbourhood
    this.neighborsKey = ""; this.neighborsId = null;
  }

  handles(type) { return KINDS.has(type); }

  // a GraphInit: the first, a reconnect's, or new positions (a layout switch: a new
  // tile scheme), so the tiles and node briefs held so far are dropped
  init(msg) {
    for (const v of [...this.bitmaps.values(), ...this.stale.values()]) v.close();
    this.bitmaps.clear(); this.stale.clear(); this.inflight.clear(); this.briefs.clear();
    this.version++;
    this.n = msg.nodes; this.m = msg.edges; this.scheme = msg.tiles;
    this.colors = msg.colors; this.bounds = msg.bounds;
    this.sub = emptyGraph(msg.bounds);
    this.subFrames = { colors: new Uint8Array(0), sizes: new Float32Array(0), edgeColors: null };
    this.covered = null; this.force = true; this.pendingView = true;
    return this.sub;
  }

  // the renderer draws over the tiles: no background of its own
  vectorColors(colors) {
    if (this._colorsFor !== colors) { this._colorsFor = colors; this._vc = { ...colors, background: TRANSPARENT }; }
    return this._vc;
  }

  // a new look: tiles of the old one stay as stand-ins until the new ones arrive
  restyled(msg) {
    this.colors = msg.colors; this.version++;
    for (const v of this.stale.values()) v.close();
    this.stale = this.bitmaps;
    this.bitmaps = new Map(); this.inflight.clear();
    this.covered = null; this.force = true;
    this.api.redraw();
    return this.subFrames;
  }

  remote() { return this.mode === "tiles"; }

  // ---------------------------------------------------------------- geometry
  level(camera) {
    const dpr = window.devicePixelRatio || 1, s = this.scheme;
    const z = Math.round(Math.log2(Math.max(camera.zoom * dpr * s.side / s.size, 1e-9)));
    return Math.min(Math.max(z, 0), s.max_level);
  }

  viewBox(camera) {
    const [x0, y1] = camera.toWorld(0, 0), [x1, y0] = camera.toWorld(camera.width, camera.height);
    return [x0, y0, x1, y1];
  }

  // [x0, y0, x1, y1] tile range of level z that the camera sees
  tileRange(camera, z) {
    const s = this.scheme, step = s.side / 2 ** z, last = 2 ** z - 1;
    const [wx0, wy0, wx1, wy1] = this.viewBox(camera);
    const clamp = (v) => Math.min(Math.max(v, 0), last);
    return [clamp(Math.floor((wx0 - s.x0) / step)), clamp(Math.floor((s.top - wy1) / step)),
            clamp(Math.floor((wx1 - s.x0) / step)), clamp(Math.floor((s.top - wy0) / step))];
  }

  screenRect(camera, z, x, y) {
    const s = this.scheme, step = s.side / 2 ** z;
    const [sx0, sy0] = camera.toScreen(s.x0 + x * step, s.top - y * step);
    const [sx1, sy1] = camera.toScreen(s.x0 + (x + 1) * step, s.top - (y + 1) * step);
    const l = Math.round(sx0), t = Math.round(sy0);
    return [l, t, Math.round(sx1) - l, Math.round(sy1) - t];
  }

  // ---------------------------------------------------------------- drawing
  bitmap(key, staleToo) {
    const bm = this.bitmaps.get(key);
    if (bm) { this.bitmaps.delete(key); this.bitmaps.set(key, bm); return bm; }
    return staleToo ? this.stale.get(key) || null : null;
  }

  // draws the tile layer; true when every tile the view needs is in
  draw(camera, colors) {
    const ctx = this.ctx, dpr = fitCanvas(this.layer, camera);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = colors.background.slice(0, 7);
    ctx.fillRect(0, 0, camera.width, camera.height);
    // vectors that cover the view are drawn alone; a view that has left them (zoomed
    // out, panned far) shows the tiles we have under them until the answer comes
    if (!this.scheme || (!this.showTiles && this.covers(camera))) { this.complete = true; return true; }
    ctx.imageSmoothingEnabled = true;
    const z = this.level(camera), [tx0, ty0, tx1, ty1] = this.tileRange(camera, z);
    const missing = [];
    for (let y = ty0; y <= ty1; y++) {
      for (let x = tx0; x <= tx1; x++) {
        const bm = this.bitmap(`${z}/${x}/${y}`, false);
        const [l, t, rw, rh] = this.screenRect(camera, z, x, y);
        ctx.globalAlpha = this.highlighting ? FADED : 1;
        if (bm) { ctx.drawImage(bm, l, t, rw, rh); continue; }
        missing.push([x, y]);
        this.standIn(camera, z, x, y, [l, t, rw, rh]);
      }
    }
    ctx.globalAlpha = 1;
    this.drawSelection(camera, colors);
    const cx = (tx0 + tx1) / 2, cy = (ty0 + ty1) / 2;
    missing.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
    for (const [x, y] of missing) {
      if (this.inflight.size >= MAX_INFLIGHT) break;
      // asked already (in this look): its answer is on the way
      if (this.inflight.get(`${z}/${x}/${y}`) !== this.version) this.askTile(camera, z, x, y);
    }
    this.complete = missing.length === 0;
    if (this.complete && this.dropVectors) {
      // the tiles that replace the vectors are in: drop the vectors in this same frame
      this.dropVectors = false;
      this.useSub(emptyGraph(this.bounds), null);
    }
    return this.complete;
  }

  // a missing tile: the old look's copy, else its nearest coarser ancestor's part, else
  // the finer tiles we have
  standIn(camera, z, x, y, [l, t, rw, rh]) {
    const ctx = this.ctx, size = this.scheme.size;
    const same = this.stale.get(`${z}/${x}/${y}`);
    if (same) { ctx.drawImage(same, l, t, rw, rh); return; }
    for (let d = 1; d <= z; d++) {
      const bm = this.bitmap(`${z - d}/${x >> d}/${y >> d}`, true);
      if (!bm) continue;
      const part = size / 2 ** d, ox = (x % 2 ** d) * part, oy = (y % 2 ** d) * part;
      ctx.drawImage(bm, ox, oy, part, part, l, t, rw, rh);
      return;
    }
    for (let k = 0; k < 4; k++) {
      const cx = 2 * x + (k & 1), cy = 2 * y + (k >> 1);
      const bm = this.bitmap(`${z + 1}/${cx}/${cy}`, true);
      if (bm) ctx.drawImage(bm, ...this.screenRect(camera, z + 1, cx, cy));
    }
  }

  // selected nodes that are not loaded as vectors: a ring where the server said they are
  drawSelection(camera, colors) {
    const ctx = this.ctx;
    for (const row of this.api.selection()) {
      const b = this.briefs.get(row);
      if (!b || this.localRow(row) !== null) continue;
      const [sx, sy] = camera.toScreen(b.position[0], b.position[1]);
      const r = Math.max(b.size * 0.5 * camera.nodeScale(), 6);
      ctx.beginPath(); ctx.arc(sx, sy, r, 0, 2 * Math.PI);
      ctx.fillStyle = `rgba(${b.color[0]},${b.color[1]},${b.color[2]},${b.color[3] / 255})`;
      ctx.fill();
      ctx.lineWidth = 2.5; ctx.strokeStyle = colors.foreground.slice(0, 7); ctx.stroke();
    }
  }

  // ---------------------------------------------------------------- requests
  askTile(camera, z, x, y) {
    const key = `${z}/${x}/${y}`, version = this.version;
    this.inflight.set(key, version);
    this.api.send({ type: "Tile", z, x, y, fit: camera.fitZoom }).then((reply) => {
      // no tile came (an Error, a dropped connection): the next frame asks again
      if ((!reply || reply.type !== "Tile") && this.inflight.get(key) === version) {
        this.inflight.delete(key);
      }
    });
  }

  covers(camera) {
    const box = this.viewBox(camera), c = this.covered;
    return !!c && box[0] >= c[0] && box[1] >= c[1] && box[2] <= c[2] && box[3] <= c[3];
  }

  // called after every painted frame: ask for the view's contents once it stops moving
  moved(camera) {
    const key = `${camera.cx},${camera.cy},${camera.zoom},${camera.width},${camera.height}`;
    if (key === this.lastKey && !this.force) return;
    this.lastKey = key; this.force = false;
    if (this.mode === "vector" && this.covers(camera) && !this.pendingView) { this.updateCount(camera); return; }
    this.pendingView = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.askView(), this.viewId === null ? 0 : DEBOUNCE_MS);
  }

  askView() {
    const camera = this.api.camera;
    const box = this.viewBox(camera);
    const msg = { type: "Viewport", box, zoom: camera.zoom, fit: camera.fitZoom };
    if (this.api.software()) msg.budget = SOFTWARE_BUDGET;
    const [id] = this.api.request(msg);
    this.viewId = id;
  }

  handle(msg, frames) {
    if (msg.type === "Tile") this.gotTile(msg, frames.TILE);
    else if (msg.type === "Viewport" && msg.request_id === this.viewId) this.gotView(msg, frames);
    else if (msg.type === "Neighbors" && msg.request_id === this.neighborsId) this.gotNeighbors(msg, frames);
  }

  // the selection changed: over tiles, its neighbourhood is asked for and drawn as
  // vectors (the tiles fade under it), as the vector view highlights it
  selectionChanged(rows) {
    const key = rows.slice(0, MAX_NEIGHBORS_OF).join(",");
    if (key === this.neighborsKey) return;
    this.neighborsKey = key;
    this.neighborsId = null;
    if (this.mode !== "tiles") return;
    if (!rows.length) {
      if (this.highlighting) { this.highlighting = false; this.useSub(emptyGraph(this.bounds), null); }
      this.api.redraw();
      return;
    }
    const [id] = this.api.request({ type: "Neighbors", nodes: rows.slice(0, MAX_NEIGHBORS_OF) });
    this.neighborsId = id;
  }

  gotNeighbors(msg, frames) {
    this.neighborsId = null;
    if (this.mode !== "tiles") return;
    this.highlighting = true; this.dropVectors = false;
    this.useSub(this.vectorSub(msg, frames), this.vectorLook(frames));
    this.api.redraw();
  }

  vectorSub(msg, frames) {
    // bends: the long edges of a layered layout (EBND), drawn through them as the
    // tiles and the whole-graph view draw them
    return { n: msg.nodes, m: msg.edges, positions: frames.VPOS, edges: frames.VEDG,
             bounds: this.bounds, rows: frames.VROW,
             ids: frames.VIDS || Float64Array.from(frames.VROW),
             bends: frames.bends || null };
  }

  vectorLook(frames) { return { colors: frames.VCOL, sizes: frames.VSIZ, edgeColors: frames.VECO || null }; }

  gotTile(msg, png) {
    const key = `${msg.z}/${msg.x}/${msg.y}`, version = this.inflight.get(key);
    if (version === undefined) return;             // asked before a restyle: not this look
    createImageBitmap(new Blob([png], { type: "image/png" })).then((bm) => {
      if (this.inflight.get(key) !== version) { bm.close(); return; }
      this.inflight.delete(key);
      this.bitmaps.set(key, bm); this.stale.delete(key);
      while (this.bitmaps.size > MAX_BITMAPS) {
        const [old, v] = this.bitmaps.entries().next().value;
        this.bitmaps.delete(old); v.close();
      }
      this.api.redraw();
    }, () => this.inflight.delete(key));
  }

  gotView(msg, frames) {
    this.pendingView = false;
    this.count = msg.count;
    if (msg.mode === "tiles") {
      const was = this.mode;
      this.mode = "tiles"; this.showTiles = true; this.covered = null;
      // vectors are kept until the tiles are in; a highlighted selection stays
      this.dropVectors = this.sub.n > 0 && !this.highlighting;
      if (was !== "tiles") { this.neighborsKey = ""; this.selectionChanged(this.api.selection()); }
    } else {
      this.mode = "vector"; this.showTiles = false; this.dropVectors = false;
      this.highlighting = false; this.neighborsKey = null;
      this.covered = msg.box;
      this.useSub(this.vectorSub(msg, frames), this.vectorLook(frames));
    }
    this.updateCount(this.api.camera);
    this.api.redraw();
  }

  useSub(sub, lookFrames) {
    this.sub = sub;
    this.local = new Map(Array.from(sub.rows, (r, i) => [r, i]));
    this.subFrames = lookFrames || { colors: new Uint8Array(0), sizes: new Float32Array(0), edgeColors: null };
    this.api.useGraph(sub, this.subFrames);
  }

  localRow(serverRow) { const r = this.local ? this.local.get(serverRow) : undefined; return r === undefined ? null : r; }

  // vector mode: the nodes inside the view itself (the page holds a margin around it)
  updateCount(camera) {
    if (this.mode !== "vector") { this.api.status(); return; }
    const [x0, y0, x1, y1] = this.viewBox(camera), p = this.sub.positions;
    let k = 0;
    const span = this.sub.rows.length;
    for (let i = 0; i < span; i++) {
      const x = p[2 * i], y = p[2 * i + 1];
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) k++;
    }
    this.inView = k;
    this.api.status();
  }

  statusText(fmt) {
    if (this.mode === "vector") return `${fmt.format(this.inView || 0)} nodes in view`;
    if (this.viewId === null || this.pendingView && this.count === 0) return `${fmt.format(this.n)} nodes · loading`;
    if (this.count >= this.n) return `${fmt.format(this.n)} nodes · overview`;
    return `${fmt.format(this.n)} nodes · ${fmt.format(this.count)} in view`;
  }

  // ---------------------------------------------------------------- nodes
  remember(brief) {
    if (brief && brief.node !== null && brief.node !== undefined) {
      this.briefs.set(brief.node, brief);
      if (this.briefs.size > 10000) this.briefs.delete(this.briefs.keys().next().value);
    }
  }

  // the server row under CSS point (sx, sy) of the canvas; undefined when superseded
  nodeAt(sx, sy, latestOnly = true) {
    const camera = this.api.camera, [x, y] = camera.toWorld(sx, sy), seq = ++this.hoverSeq;
    return this.api.send({ type: "NodeAt", x, y, zoom: camera.zoom, fit: camera.fitZoom }).then((msg) => {
      if (msg.type !== "NodeAt" || (latestOnly && seq !== this.hoverSeq)) return undefined;
      this.remember(msg);
      return msg.node;
    });
  }

  rowOfId(id) {
    if (this.scheme.ids_are_rows) return Number.isInteger(id) && id >= 0 && id < this.n ? id : null;
    for (const b of this.briefs.values()) if (b.id === id) return b.node;
    return null;
  }

  idOfRow(row) {
    if (this.scheme.ids_are_rows) return row;
    const b = this.briefs.get(row);
    return b ? b.id : null;
  }

  // layout position of a node id: from the vectors held, or what the server told
  position(id) {
    const row = this.rowOfId(id);
    if (row === null) return null;
    const local = this.localRow(row);
    if (local !== null) return [this.sub.positions[2 * local], this.sub.positions[2 * local + 1]];
    const b = this.briefs.get(row);
    return b ? b.position : null;
  }

  locate(id) {
    const row = this.rowOfId(id);
    if (row === null) return Promise.resolve(null);
    if (this.briefs.has(row)) return Promise.resolve(this.briefs.get(row).position);
    return this.api.send({ type: "NodeInfo", node: row }).then((msg) => {
      if (msg.type !== "NodeInfo") return null;
      this.remember(msg.brief);
      return msg.brief.position;
    });
  }

  // resolves once the view's contents (tiles or vectors) are all drawn
  settled() {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.pendingView && this.complete && this.inflight.size === 0) resolve();
        else setTimeout(() => this.api.redraw().then(check), 20);
      };
      this.api.redraw().then(check);
    });
  }
}
