// The virtually scrolled table.
//
// Layout inside one scrolling element (the scroller):
//
//   inner   (as wide as the columns, as tall as header + body + spacer)
//     header  position: sticky; top: 0       the frozen header
//     body    position: sticky; top: header  a window of fixed height, clipped
//       rows  a fixed pool of row elements, re-filled on every paint, moved by -frac
//     spacer  gives the scrollbar its range
//
// Scrolling maps the scroller's scrollTop to a position `pos` in the full height of the
// view (rows * ROW_H). Past MAX_SPACER pixels the spacer is capped and the map is scaled,
// so 10M rows scroll like 10k; the wheel and the keyboard then move `pos` directly (fine
// steps) and scrollTop follows, while dragging the scrollbar moves `pos` proportionally.
// Everything the user does only marks the table dirty; one requestAnimationFrame paints.

import {
  formatValue, cellClass, KIND_LABELS, isNumericKind, formatCount, rawText, decimalsOf, padDecimals,
} from "./format.js";
import { Selection } from "./selection.js";
import { HOST } from "./host.js";

export const ROW_H = 27;
export const HEADER_H = 44;
const MAX_SPACER = 8_000_000;
const MIN_COL_W = 44;
const MAX_AUTO_W = 380;
const PLACEHOLDER_AFTER_MS = 60;

const el = (tag, cls, attrs) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
};

export class VirtualTable {
  constructor(root, feed, { onSort, onPaint, onCopy, onSelect } = {}) {
    this.root = root;
    this.feed = feed;
    this.onSort = onSort || (() => {});
    this.onPaint = onPaint || (() => {});
    this.onCopy = onCopy || (() => {});
    this.onSelect = onSelect || (() => {});

    this.scroller = el("div", "gg-scroller", { tabindex: "0", role: "grid", "aria-label": "table" });
    this.inner = el("div", "gg-inner");
    this.header = el("div", "gg-header", { role: "row" });
    this.body = el("div", "gg-body");
    this.rowsLayer = el("div", "gg-rows", { role: "rowgroup" });
    this.spacer = el("div", "gg-spacer");
    this.empty = el("div", "gg-empty");
    this.body.append(this.rowsLayer);
    this.inner.append(this.header, this.body, this.spacer);
    this.scroller.append(this.inner);
    root.append(this.scroller, this.empty);

    this.columns = [];          // [{name, kind}]
    this.widths = [];
    this.sizedByUser = [];      // a column the user resized is never auto-sized again
    this.autoSized = false;
    this.savedWidths = new Map(); // "source\0column" -> width, across source switches
    this.source = null;
    this.gutterW = 56;
    this.pool = [];
    this.pos = 0;               // px from the top of the full view
    this.bodyH = ROW_H;
    this.realMax = 0;
    this.ratio = 1;
    this.expectedTop = 0;
    this.anim = null;           // {to}: an eased wheel step in progress
    this.raf = 0;
    this.held = false;          // the rows of a jump are held back (holding)
    this.scrollBehind = false;  // scrollTop is not yet at pos (a held jump)
    this.layoutDirty = true;
    this.fmtVersion = 0;
    this.grouping = false;
    this.sel = new Selection();
    this.match = { row: null, text: "" };
    this.first = 0;
    this.last = -1;
    this.lastPaint = 0;
    this.waiters = [];          // [{row, resolve}] resolved once the row is painted with data
    this.readyResolve = null;
    this.ready = new Promise((r) => (this.readyResolve = r));
    this.dragging = false;

    this.bindEvents();
    new ResizeObserver(() => { this.layoutDirty = true; this.redraw(); }).observe(this.scroller);
  }

  // ---- columns ----------------------------------------------------------------------

  setColumns(columns, source) {
    const same = source === this.source && columns.length === this.columns.length &&
      columns.every((c, i) => c.name === this.columns[i].name && c.kind === this.columns[i].kind);
    if (same) return;
    this.rememberWidths();
    this.source = source;
    this.columns = columns.map((c) => ({ name: String(c.name), kind: String(c.kind) }));
    this.widths = this.columns.map((c) => this.savedWidths.get(`${source}\0${c.name}`) || guessWidth(c));
    this.sizedByUser = this.columns.map((c) => this.savedWidths.has(`${source}\0${c.name}`));
    this.decimals = this.columns.map(() => 1);
    this.longest = this.columns.map(() => 0);   // longest cell text measured, per column
    this.autoSized = false;
    this.sel.clear();
    this.buildHeader();
    this.pool = [];
    this.rowsLayer.textContent = "";
    this.layoutDirty = true;
    this.redraw();
  }

  rememberWidths() {
    this.columns.forEach((c, i) => {
      if (this.sizedByUser[i]) this.savedWidths.set(`${this.source}\0${c.name}`, this.widths[i]);
    });
  }

  buildHeader() {
    this.header.textContent = "";
    const corner = el("div", "gg-hcell gg-corner", { title: "select all (Ctrl+A)" });
    corner.textContent = "#";
    this.header.append(corner);
    this.hcells = this.columns.map((c, i) => {
      const cell = el("div", `gg-hcell ${isNumericKind(c.kind) ? "gg-hnum" : ""}`, {
        "data-col": String(i), role: "columnheader", "aria-sort": "none",
        title: `${c.name} (${KIND_LABELS[c.kind] || c.kind})\nclick: sort · shift+click: add a sort key`,
      });
      const label = el("div", "gg-hlabel");
      const name = el("div", "gg-hname");
      name.textContent = c.name;
      const type = el("div", "gg-htype");
      type.textContent = KIND_LABELS[c.kind] || c.kind;
      label.append(name, type);
      const arrow = el("span", "gg-sort", { "aria-hidden": "true" });
      const grip = el("div", "gg-resize", { title: "drag to resize · double-click to fit" });
      cell.append(label, arrow, grip);
      this.header.append(cell);
      return cell;
    });
  }

  // show the sort keys on the header: an arrow, and the key's rank when there are several
  showSort(keys, pending) {
    if (!this.hcells) return;
    this.hcells.forEach((cell, i) => {
      const k = keys.findIndex((s) => s.column === this.columns[i].name);
      const arrow = cell.querySelector(".gg-sort");
      if (k < 0) {
        arrow.textContent = "";
        cell.classList.remove("gg-sorted");
        cell.setAttribute("aria-sort", "none");
      } else {
        const asc = keys[k].ascending;
        arrow.textContent = (asc ? "▲" : "▼") + (keys.length > 1 ? String(k + 1) : "");
        cell.classList.add("gg-sorted");
        cell.setAttribute("aria-sort", asc ? "ascending" : "descending");
      }
      cell.classList.toggle("gg-sort-pending", !!pending);
    });
  }

  applyGrid() {
    const digits = formatCount(Math.max(1, this.feed.totalRows)).length;
    this.gutterW = Math.max(48, 16 + digits * 7.5) | 0;
    const tpl = `${this.gutterW}px ` + this.widths.map((w) => `${w}px`).join(" ");
    this.inner.style.setProperty("--gg-grid", tpl);
    const total = this.gutterW + this.widths.reduce((a, b) => a + b, 0);
    this.inner.style.width = `${total}px`;
  }

  // fit columns to their header and the rows held (once per column set, then on demand)
  autoSize(only) {
    const chunk = this.feed.chunkAt(this.first) || this.feed.chunkAt(0);
    if (!chunk) return false;
    const ctx = measureContext(this.scroller);
    const n = Math.min(chunk.count, 200);
    this.columns.forEach((c, i) => {
      if (only !== undefined ? only !== i : this.sizedByUser[i]) return;
      // room for the name, the dtype and a sort arrow with its rank
      let w = Math.max(ctx.header(c.name), ctx.small(KIND_LABELS[c.kind] || c.kind)) + 22 + 18;
      const col = chunk.columns[i];
      if (col) {
        for (let r = 0; r < n; r++) {
          const text = formatValue(col.kind, col.value(r), { grouping: this.grouping });
          w = Math.max(w, ctx.cell(text, isNumericKind(col.kind)) + 26);
          if (text.length > this.longest[i]) this.longest[i] = text.length;
        }
      }
      this.widths[i] = Math.max(MIN_COL_W + 16, Math.min(MAX_AUTO_W, Math.ceil(w)));
    });
    this.applyGrid();
    return true;
  }

  setGrouping(on) {
    this.grouping = !!on;
    this.fmtVersion++;
    this.autoSized = false;
    this.redraw();
  }

  // ---- geometry and position --------------------------------------------------------

  layout() {
    this.layoutDirty = false;
    const total = this.feed.totalRows;
    const ch = this.scroller.clientHeight;
    this.bodyH = Math.max(ROW_H, ch - HEADER_H);
    this.realMax = Math.max(0, total * ROW_H - this.bodyH);
    const spacerH = Math.min(this.realMax, MAX_SPACER);
    this.ratio = spacerH > 0 ? this.realMax / spacerH : 1;
    this.body.style.height = `${this.bodyH}px`;
    this.scroller.setAttribute("aria-rowcount", String(total + 1));
    this.scroller.setAttribute("aria-colcount", String(this.columns.length));
    this.spacer.style.height = `${spacerH}px`;
    this.applyGrid();
    const need = Math.ceil(this.bodyH / ROW_H) + 1;
    while (this.pool.length < need) this.pool.push(this.makeRow());
    while (this.pool.length > need) this.pool.pop().remove();
    this.pos = Math.min(this.pos, this.realMax);
    this.syncScrollTop();
  }

  makeRow() {
    const row = el("div", "gg-row", { role: "row", "data-row": "-1" });
    const rn = el("div", "gg-rn");
    row.append(rn);
    // each cell's text is one Text node whose data a paint changes: cheaper for the
    // browser than textContent, which replaces the node
    row.rn = rn.appendChild(document.createTextNode(""));
    row.cells = this.columns.map((_, c) => {
      const cell = el("div", "gg-c", { "data-col": String(c), role: "gridcell" });
      cell.textNode = cell.appendChild(document.createTextNode(""));
      cell._cls = "gg-c";
      cell._base = "gg-c";
      cell._text = "";
      row.append(cell);
      return cell;
    });
    row.r = -1;
    row.chunkId = -1;
    row.fmt = -1;
    row.decor = null;
    row.off = true;
    row.style.display = "none";
    this.rowsLayer.append(row);
    return row;
  }

  syncScrollTop() {
    this.scrollBehind = false;
    const st = this.pos / this.ratio;
    if (Math.abs(this.scroller.scrollTop - st) >= 0.5) this.scroller.scrollTop = st;
    this.expectedTop = this.scroller.scrollTop;
  }

  setPos(p) {
    if (this.layoutDirty) this.layout();
    this.pos = Math.max(0, Math.min(this.realMax, p));
    // ask for the rows now, not at the next animation frame: a jump's request leaves
    // up to a frame earlier
    const first = Math.floor(this.pos / ROW_H);
    const total = this.feed.totalRows;
    if (total) this.feed.setRange(first, Math.min(total - 1, first + this.pool.length - 1));
    // A jump to rows on their way changes nothing on screen until they arrive (see
    // holding): not even the scroll position, which paint() catches up with, so that the
    // browser has no frame to draw and handles the answer as soon as it comes.
    if (this.holding(first)) {
      this.scrollBehind = true;
      return;
    }
    this.syncScrollTop();
    this.redraw();
  }

  // the view row at the top, the rows a page holds
  get pageRows() {
    return Math.max(1, Math.floor(this.bodyH / ROW_H));
  }

  scrollToRow(row, where = "top") {
    if (this.layoutDirty) this.layout();
    this.anim = null;
    const top = row * ROW_H;
    if (where === "center") this.setPos(top - (this.bodyH - ROW_H) / 2);
    else this.setPos(top);
  }

  // bring a row into view: left alone when fully visible, else centred
  reveal(row) {
    if (this.layoutDirty) this.layout();
    const top = row * ROW_H;
    if (top >= this.pos && top + ROW_H <= this.pos + this.bodyH) return;
    this.scrollToRow(row, "center");
  }

  // the first column of a painted row whose text holds the search text, or -1
  firstHitCol(row) {
    const needle = this.match.text;
    const el = this.pool.find((r) => r.r === row && !r.off);
    if (!el || !needle) return -1;
    return el.cells.findIndex((c) => c._text.toLowerCase().includes(needle));
  }

  ensureVisible(row, col) {
    if (this.layoutDirty) this.layout();
    const top = row * ROW_H;
    if (top < this.pos) this.setPos(top);
    else if (top + ROW_H > this.pos + this.bodyH) this.setPos(top + ROW_H - this.bodyH);
    if (col !== undefined && col >= 0 && col < this.widths.length) {
      let left = 0;
      for (let c = 0; c < col; c++) left += this.widths[c];
      const right = left + this.widths[col];
      const viewW = this.scroller.clientWidth - this.gutterW;
      const sl = this.scroller.scrollLeft;
      if (left < sl) this.scroller.scrollLeft = left;
      else if (right > sl + viewW) this.scroller.scrollLeft = right - viewW;
    }
  }

  // resolves once view row `row` is painted with its data
  whenPainted(row) {
    return new Promise((resolve) => {
      this.waiters.push({ row, resolve });
      if (!this.held) this.redraw();   // else the paint that ends the hold resolves it
    });
  }

  // ---- painting ---------------------------------------------------------------------

  redraw() {
    if (!this.raf) this.raf = requestAnimationFrame(() => this.paint());
  }

  // Rows have arrived. When they belong on screen (a jump waits for them), paint now
  // instead of at the next animation frame, which can be up to a frame away: the rows are
  // in the DOM before that frame is drawn. Not during an eased wheel step, which paint()
  // advances.
  dataArrived(chunk) {
    const first = Math.floor(this.pos / ROW_H);
    const onScreen = chunk.offset <= first + this.pool.length - 1 && chunk.offset + chunk.count > first;
    if (!onScreen || this.anim || this.layoutDirty) return this.redraw();
    if (this.raf) cancelAnimationFrame(this.raf);
    this.paint(true);
  }

  // After a jump (no row painted last is still on screen), while the request for the
  // rows on screen has been out less than PLACEHOLDER_AFTER_MS, the rows shown stay as
  // they are (the jump's rows usually arrive within a few ms): painting placeholders
  // first would make the browser lay out and draw a frame the rows then replace, and the
  // answer would wait behind that frame. A scroll by small steps keeps moving, with
  // placeholders for the rows still on their way. Returns the ms to wait.
  holdFor(first) {
    const total = this.feed.totalRows;
    const last = Math.min(total - 1, first + this.pool.length - 1);
    if (last < first || this.pool.every((r) => r.off)) return 0;
    if (this.first <= last && this.last >= first) return 0;
    let missing = -1;
    for (let r = first; r <= last; r++) {
      if (!this.feed.chunkAt(r)) { missing = r; break; }
    }
    if (missing < 0) return 0;
    const since = this.feed.requestedSince(missing, last);
    return since === null ? 0 : Math.max(0, PLACEHOLDER_AFTER_MS - (performance.now() - since));
  }

  // Whether the rows at `first` are held back (holdFor); if so, a paint is due when the
  // hold ends, unless their rows come first (dataArrived paints at once).
  holding(first) {
    const hold = this.holdFor(first);
    clearTimeout(this.holdTimer);
    this.held = hold > 0;
    if (this.held) {
      this.holdTimer = setTimeout(() => {
        this.held = false;
        this.redraw();
      }, hold + 1);
    }
    return this.held;
  }

  // `early`: called as rows arrive, not from an animation frame
  paint(early = false) {
    this.raf = 0;
    if (this.layoutDirty) this.layout();
    if (this.anim) {
      const d = this.anim.to - this.pos;
      if (Math.abs(d) < 1) {
        this.pos = this.anim.to;
        this.anim = null;
      } else {
        this.pos += d * 0.35;
      }
      this.pos = Math.max(0, Math.min(this.realMax, this.pos));
      this.syncScrollTop();
      if (this.anim) this.redraw();
    }
    const feed = this.feed;
    const total = feed.totalRows;
    const ncols = this.columns.length;
    if (!this.autoSized && ncols && feed.chunkAt(0)) this.autoSized = this.autoSize();

    const first = Math.floor(this.pos / ROW_H);
    if (this.holding(first)) return;
    // A held jump's scroll position is set at the frame after its rows are painted (the
    // rows are drawn in place whatever scrollTop says): setting scrollTop makes the
    // browser bring style and layout up to date first, work the frame does anyway.
    if (this.scrollBehind) {
      if (early) this.redraw();
      else this.syncScrollTop();
    }
    const frac = this.pos - first * ROW_H;
    this.rowsLayer.style.transform = `translate3d(0,${-frac}px,0)`;
    const opts = { grouping: this.grouping };
    const sel = this.sel;
    const matchRow = this.match.row;
    const decorBase = `${sel.version}|${matchRow}|${this.match.text}`;
    let painted = 0;
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i];
      const r = first + i;
      if (r >= total) {
        if (!row.off) {
          row.off = true;
          row.style.display = "none";
          row.r = -1;
          row.setAttribute("data-row", "-1");
        }
        continue;
      }
      if (row.off) {
        row.off = false;
        row.style.display = "";
      }
      const chunk = feed.chunkAt(r);
      const cid = chunk ? chunk.id : 0;
      if (row.r !== r || row.chunkId !== cid || row.fmt !== this.fmtVersion) {
        this.fill(row, r, chunk, ncols, opts);
        row.decor = null;
      }
      if (chunk) {
        painted++;
        if (i === 0) feed.touch(chunk);
      }
      const decor = sel.rowTouched(r) || r === matchRow ? decorBase : "";
      if (row.decor !== decor) {
        this.decorate(row, r, ncols);
        row.decor = decor;
      }
    }
    if (this.gridDirty) {
      this.gridDirty = false;
      this.applyGrid();
    }
    this.empty.hidden = !(feed.ready && total === 0);
    if (!this.empty.hidden) {
      this.empty.textContent = feed.filter ? "no rows match the filter" : "no rows";
    }
    const lastVisible = Math.min(total - 1, Math.floor((this.pos + this.bodyH - 1) / ROW_H));
    this.first = total ? first : 0;
    this.last = total ? lastVisible : -1;
    feed.setRange(first, Math.min(total - 1, first + this.pool.length - 1));
    this.lastPaint = performance.now();
    this.onPaint({ first: this.first, last: this.last, total });
    if (feed.ready && this.readyResolve && (painted > 0 || total === 0)) {
      this.readyResolve();
      this.readyResolve = null;
    }
    if (this.waiters.length) {
      this.waiters = this.waiters.filter((w) => {
        const i = w.row - first;
        const row = this.pool[i];
        if (i >= 0 && row && row.r === w.row && row.chunkId > 0) {
          w.resolve(w.row);
          return false;
        }
        if (feed.ready && w.row >= total) {
          w.resolve(null);
          return false;
        }
        return true;
      });
    }
  }

  fill(row, r, chunk, ncols, opts) {
    row.r = r;
    row.chunkId = chunk ? chunk.id : 0;
    row.fmt = this.fmtVersion;
    row.setAttribute("data-row", String(r));
    row.setAttribute("aria-rowindex", String(r + 2));   // the header is row 1
    row.className = (r % 2 === 1 ? "gg-row gg-odd" : "gg-row") + (chunk ? "" : " gg-pending");
    row.rn.data = formatCount(r + 1);
    const i = chunk ? r - chunk.offset : 0;
    for (let c = 0; c < ncols; c++) {
      const cell = row.cells[c];
      let text = "", base;
      if (chunk && chunk.columns[c]) {
        const col = chunk.columns[c];
        const v = col.value(i);
        text = formatValue(col.kind, v, opts);
        base = cellClass(col.kind, v === null);
        if (col.kind === "float64" && v !== null) text = this.alignFloat(c, text);
      } else {
        // a row still on its way: placeholder bars aligned like the column's values
        const kind = this.columns[c].kind;
        base = cellClass(kind === "int64" || kind === "float64" || kind === "bool" ? kind : "string", false);
      }
      if (cell._text !== text) {
        cell.textNode.data = text;
        cell._text = text;
        if (text.length > this.longest[c]) this.grow(c, text);
      }
      cell._base = base;
    }
  }

  // A column the user did not size grows (never shrinks) to fit a longer text met while
  // scrolling, up to MAX_AUTO_W.
  grow(c, text) {
    this.longest[c] = text.length;
    if (this.sizedByUser[c] || !this.autoSized || this.widths[c] >= MAX_AUTO_W) return;
    const ctx = measureContext(this.scroller);
    const w = Math.min(MAX_AUTO_W, Math.ceil(ctx.cell(text, isNumericKind(this.columns[c].kind)) + 26));
    if (w > this.widths[c]) {
      this.widths[c] = w;
      this.gridDirty = true;
    }
  }

  // A float column shows as many decimals as the most any of its cells seen so far needs
  // (at most 6), so that the points line up; when a cell needs more, every row repaints.
  alignFloat(c, text) {
    const d = decimalsOf(text);
    if (d > this.decimals[c]) {
      this.decimals[c] = d;
      this.fmtVersion++;
      this.redraw();
      return text;
    }
    return padDecimals(text, this.decimals[c]);
  }

  // selection, focus and search-hit classes of a row's cells
  decorate(row, r, ncols) {
    const sel = this.sel;
    const touched = sel.rowTouched(r);
    const isMatch = r === this.match.row;
    const needle = isMatch ? this.match.text : "";
    row.classList.toggle("gg-match", isMatch);
    row.classList.toggle("gg-selrow", touched);
    for (let c = 0; c < ncols; c++) {
      const cell = row.cells[c];
      let cls = cell._base;
      if (touched && sel.contains(r, c)) cls += " gg-sel";
      if (touched && sel.isFocus(r, c)) cls += " gg-focus";
      if (needle && cell._text.toLowerCase().includes(needle)) cls += " gg-hit";
      if (cell._cls !== cls) {
        cell.className = cls;
        cell._cls = cls;
      }
    }
  }

  // the rows painted with data: [view row, cell text, cell text, ...]
  visibleRows() {
    const out = [];
    for (const row of this.pool) {
      if (row.off || row.r < 0 || row.chunkId <= 0) continue;
      if (row.r < this.first || row.r > this.last) continue;
      out.push([row.r, ...row.cells.map((c) => c._text)]);
    }
    return out;
  }

  setMatch(row, text) {
    this.match = { row, text: (text || "").toLowerCase() };
    this.redraw();
  }

  // ---- events -----------------------------------------------------------------------

  bindEvents() {
    const sc = this.scroller;
    sc.addEventListener("scroll", () => {
      const st = sc.scrollTop;
      if (Math.abs(st - this.expectedTop) >= 1) {
        // the scrollbar was dragged (or the browser scrolled natively): follow it
        this.anim = null;
        this.pos = Math.min(this.realMax, st * this.ratio);
      }
      this.expectedTop = st;
      this.redraw();
    }, { passive: true });

    sc.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
    sc.addEventListener("keydown", (e) => this.key(e));
    this.rowsLayer.addEventListener("mousedown", (e) => this.mouseDown(e));
    this.rowsLayer.addEventListener("mouseover", (e) => this.hoverTitle(e));
    this.header.addEventListener("click", (e) => this.headerClick(e));
    this.header.addEventListener("pointerdown", (e) => this.resizeStart(e));
    this.header.addEventListener("dblclick", (e) => {
      const grip = e.target.closest(".gg-resize");
      if (!grip) return;
      const c = Number(grip.parentElement.dataset.col);
      this.sizedByUser[c] = true;
      this.autoSize(c);
      this.rememberWidths();
    });
    HOST.events.addEventListener("copy", (e) => this.copy(e));
  }

  wheel(e) {
    if (e.ctrlKey || this.ratio <= 1.0001) return;   // zoom, or native scrolling is exact
    const unit = e.deltaMode === 1 ? ROW_H : e.deltaMode === 2 ? this.bodyH : 1;
    let dy = e.deltaY * unit, dx = e.deltaX * unit;
    if (e.shiftKey && !dx) { dx = dy; dy = 0; }
    e.preventDefault();
    if (dx) this.scroller.scrollLeft += dx;
    if (!dy) return;
    if (Math.abs(dy) >= 40) {
      // a mouse-wheel notch: ease over a few frames
      const from = this.anim ? this.anim.to : this.pos;
      this.anim = { to: Math.max(0, Math.min(this.realMax, from + dy)) };
      this.redraw();
    } else {
      this.anim = null;
      this.setPos(this.pos + dy);
    }
  }

  key(e) {
    const ctrl = e.ctrlKey || e.metaKey;
    const total = this.feed.totalRows, ncols = this.columns.length;
    if (total === 0 || ncols === 0) return;
    if (ctrl && (e.key === "a" || e.key === "A")) {
      e.preventDefault();
      this.sel.set(0, 0);
      this.sel.extend(total - 1, ncols - 1);
      this.selectionChanged();
      return;
    }
    if (e.key === "Escape") {
      this.sel.collapse();
      this.selectionChanged();
      return;
    }
    const nav = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home", "End"];
    if (!nav.includes(e.key)) return;
    e.preventDefault();
    const f = this.sel.focus || { row: Math.min(total - 1, this.first), col: 0 };
    const fresh = this.sel.empty;
    let { row, col } = f;
    const page = this.pageRows;
    switch (e.key) {
      case "ArrowUp": row = ctrl ? 0 : row - (fresh ? 0 : 1); break;
      case "ArrowDown": row = ctrl ? total - 1 : row + (fresh ? 0 : 1); break;
      case "ArrowLeft": col = ctrl ? 0 : col - (fresh ? 0 : 1); break;
      case "ArrowRight": col = ctrl ? ncols - 1 : col + (fresh ? 0 : 1); break;
      case "PageUp": row -= page; this.setPos(this.pos - page * ROW_H); break;
      case "PageDown": row += page; this.setPos(this.pos + page * ROW_H); break;
      case "Home": if (ctrl) row = 0; col = 0; break;
      case "End": if (ctrl) row = total - 1; col = ncols - 1; break;
    }
    row = Math.max(0, Math.min(total - 1, row));
    col = Math.max(0, Math.min(ncols - 1, col));
    this.sel.moveTo(row, col, e.shiftKey);
    this.ensureVisible(row, col);
    this.selectionChanged();
  }

  cellAt(target) {
    const rowEl = target.closest && target.closest(".gg-row");
    if (!rowEl || rowEl.r < 0) return null;
    const cellEl = target.closest("[data-col]");
    return { row: rowEl.r, col: cellEl ? Number(cellEl.dataset.col) : -1 };
  }

  mouseDown(e) {
    if (e.button !== 0) return;
    const at = this.cellAt(e.target);
    if (!at) return;
    e.preventDefault();
    this.scroller.focus({ preventScroll: true });
    const ncols = this.columns.length;
    if (at.col < 0) {
      // the row number: select the whole row (shift: rows from the anchor)
      if (e.shiftKey && this.sel.anchor) {
        this.sel.anchor = { row: this.sel.anchor.row, col: 0 };
        this.sel.extend(at.row, ncols - 1);
      } else {
        this.sel.set(at.row, 0);
        this.sel.extend(at.row, ncols - 1);
      }
      this.selectionChanged();
      return;
    }
    if (e.shiftKey && this.sel.anchor) this.sel.extend(at.row, at.col);
    else this.sel.set(at.row, at.col);
    this.selectionChanged();
    this.dragging = true;
    const move = (ev) => {
      const hit = this.cellAt(document.elementFromPoint(ev.clientX, ev.clientY) || document.body);
      if (hit && hit.col >= 0 && !this.sel.isFocus(hit.row, hit.col)) {
        this.sel.extend(hit.row, hit.col);
        this.selectionChanged();
      }
    };
    const up = () => {
      this.dragging = false;
      document.removeEventListener("mousemove", move);
      document.removeEventListener("mouseup", up);
    };
    document.addEventListener("mousemove", move);
    document.addEventListener("mouseup", up);
  }

  // full value as a tooltip, for cut or rounded cells
  hoverTitle(e) {
    const cellEl = e.target.closest && e.target.closest("[data-col]");
    const rowEl = cellEl && cellEl.parentElement;
    if (!cellEl || !rowEl || rowEl.r < 0) return;
    const chunk = this.feed.chunkAt(rowEl.r);
    const col = chunk && chunk.columns[Number(cellEl.dataset.col)];
    if (!col) return cellEl.removeAttribute("title");
    const v = col.value(rowEl.r - chunk.offset);
    const raw = v === null ? "null" : rawText(col.kind, v);
    if (raw !== cellEl._text || cellEl.scrollWidth > cellEl.clientWidth) cellEl.title = raw;
    else cellEl.removeAttribute("title");
  }

  selectionChanged() {
    this.onSelect(this.sel);
    this.redraw();
  }

  headerClick(e) {
    if (e.target.closest(".gg-resize") || this.justResized) return;
    if (e.target.closest(".gg-corner")) {
      const total = this.feed.totalRows, ncols = this.columns.length;
      if (total && ncols) {
        this.sel.set(0, 0);
        this.sel.extend(total - 1, ncols - 1);
        this.selectionChanged();
      }
      return;
    }
    const cell = e.target.closest(".gg-hcell[data-col]");
    if (!cell) return;
    this.onSort(Number(cell.dataset.col), e.shiftKey);
  }

  resizeStart(e) {
    const grip = e.target.closest(".gg-resize");
    if (!grip || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const c = Number(grip.parentElement.dataset.col);
    const startX = e.clientX, startW = this.widths[c];
    grip.setPointerCapture(e.pointerId);
    grip.classList.add("gg-active");
    this.root.classList.add("gg-resizing");
    let frame = 0;
    const move = (ev) => {
      this.widths[c] = Math.max(MIN_COL_W, Math.round(startW + ev.clientX - startX));
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; this.applyGrid(); });
    };
    const up = () => {
      grip.removeEventListener("pointermove", move);
      grip.removeEventListener("pointerup", up);
      grip.removeEventListener("pointercancel", up);
      grip.classList.remove("gg-active");
      this.root.classList.remove("gg-resizing");
      this.sizedByUser[c] = true;
      this.applyGrid();
      this.rememberWidths();
      this.justResized = true;
      setTimeout(() => (this.justResized = false), 0);
    };
    grip.addEventListener("pointermove", move);
    grip.addEventListener("pointerup", up);
    grip.addEventListener("pointercancel", up);
  }

  copy(e) {
    if (document.activeElement !== this.scroller) return;
    const b = this.sel.bounds();
    if (!b) return;
    e.preventDefault();
    this.onCopy(b, e.clipboardData);
  }
}

function guessWidth(c) {
  switch (c.kind) {
    case "int64": return 96;
    case "float64": return 110;
    case "bool": return 72;
    default: return 150;
  }
}

// text widths in the table's own fonts (read from probe elements, so every theme's
// fonts count), through one offscreen canvas
let canvas = null;
let measurer = null, measurerKey = "";
function measureContext(scroller) {
  const key = HOST.themed.className;
  if (measurer && key === measurerKey) return measurer;
  measurerKey = key;
  measurer = makeMeasurer(scroller);
  return measurer;
}

function makeMeasurer(scroller) {
  canvas = canvas || document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  const probe = (html) => {
    const box = document.createElement("div");
    box.style.cssText = "position:absolute;visibility:hidden;left:-9999px;top:0";
    box.innerHTML = html;
    scroller.append(box);
    const st = getComputedStyle(box.firstElementChild.firstElementChild || box.firstElementChild);
    // the `font` shorthand reads "" when a longhand (tabular-nums) has no shorthand form
    const font = `${st.fontStyle} ${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
    box.remove();
    return font;
  };
  const fonts = {
    header: probe('<div class="gg-hcell"><div class="gg-hname">x</div></div>'),
    small: probe('<div class="gg-hcell"><div class="gg-htype">x</div></div>'),
    str: probe('<div class="gg-row"><div class="gg-c gg-str">x</div></div>'),
    num: probe('<div class="gg-row"><div class="gg-c gg-int">x</div></div>'),
  };
  const measure = (font) => (text) => {
    ctx.font = font;
    return ctx.measureText(text).width;
  };
  const str = measure(fonts.str), num = measure(fonts.num);
  return {
    header: measure(fonts.header),
    small: measure(fonts.small),
    cell: (text, numeric) => (numeric ? num(text) : str(text)),
  };
}
