// The page's side of the view: what the server last confirmed (source, columns, totals,
// sort, filter), what the page wants, the cache of decoded row blocks, and the requests
// that bring the two together.
//
// One request is in flight at a time. When it is answered, pump() looks at what is wanted
// *now* and sends the next request: the latest source, filter, sort, search and scroll
// position win, intermediate ones are never sent. Blocks already held cost no request.

import { decodeFrame } from "./decode.js";

const MAX_WINDOW = 2000;           // ScrollRequest.window_size upper bound (protocol)
const MAX_CACHED_ROWS = 60000;     // LRU bound on the rows kept decoded
const REQUEST_TIMEOUT_MS = 20000;  // a request unanswered this long is given up
const RETRY_AFTER_MS = 1000;       // pause before asking again for a range that failed

export function sortKeysEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].column !== b[i].column || !!a[i].ascending !== !!b[i].ascending) return false;
  }
  return true;
}

function normalizeSort(keys) {
  if (!Array.isArray(keys)) return [];
  return keys
    .filter((k) => k && typeof k.column === "string")
    .map((k) => ({ column: k.column, ascending: k.ascending !== false }));
}

const noop = () => {};

export class Feed {
  constructor({ source = null, filter = "" } = {}) {
    this.socket = null;
    // the view as the server last confirmed it
    this.source = null;
    this.sources = [];
    this.columns = [];          // [{name, kind}]
    this.totalRows = 0;
    this.sourceRows = 0;
    this.sort = [];
    this.filter = "";
    this.blockSize = 200;
    this.themes = [];
    this.theme = null;
    this.ready = false;         // an InitialData has arrived on this connection
    // what the page wants
    this.want = { source, sort: [], filter };
    this.searchWant = null;     // {text, from, backwards}
    this.range = { first: 0, last: -1 };
    this.wanted = [];           // [{a, b, resolve, reject}]: rows asked for off screen (copy)
    // decoded blocks
    this.chunks = new Map();    // chunk id -> chunk, least recently used first
    this.byBlock = new Map();   // block index -> chunks touching it
    this.stale = [];            // chunks of the view before a live update, shown until replaced
    this.cachedRows = 0;
    this.version = null;        // view_version of the view shown (null: take the next frame's)
    this.floorId = 0;           // frames answering requests older than this are of an old view
    // requests
    this.inflight = null;       // {id, type, sent, t, range?}
    this.failed = null;         // {key, until}: a ScrollRequest that got an Error
    this.helloFailures = 0;
    this.progress = null;       // the last Progress of the request in flight
    this.on = {
      view: noop, data: noop, busy: noop, error: noop, search: noop, theme: noop,
      progress: noop,
    };
    this.timer = setInterval(() => this.checkTimeout(), 1000);
  }

  attach(socket) {
    this.socket = socket;
  }

  // ---- fields of the Hello sent on every (re)connect --------------------------------

  helloFields(extra) {
    const f = { ...extra };
    // after a refused Hello, restore less: first keep only the source, then nothing
    if (this.helloFailures >= 1) {
      delete f.search;
      f.offset = 0;
    }
    if (this.want.source && this.helloFailures < 2) f.source = this.want.source;
    if (this.helloFailures === 0) {
      if (this.want.sort.length) f.sort = this.want.sort;
      if (this.want.filter) f.filter = this.want.filter;
    } else if (this.helloFailures >= 2) {
      delete f.theme;
    }
    return f;
  }

  helloSent(id, fields) {
    this.ready = false;
    this.resetCache(true);   // the rows held stay on screen until the answer replaces them
    this.version = null;
    this.inflight = id === null ? null : { id, type: "Hello", sent: fields, t: performance.now() };
    this.on.busy(this.busy);
  }

  connectionLost() {
    this.ready = false;
    this.inflight = null;
    this.on.busy(this.busy);
  }

  get busy() {
    return this.inflight !== null || (this.searchWant !== null);
  }

  // ---- what the page wants ----------------------------------------------------------

  open(source) {
    if (source === this.want.source && source === this.source) return;
    this.want = { source, sort: [], filter: "" };
    this.pump();
  }

  setSort(keys) {
    this.want.sort = normalizeSort(keys);
    this.pump();
  }

  setFilter(expression) {
    this.want.filter = expression.trim();
    this.pump();
  }

  search(text, from, backwards = false) {
    this.searchWant = { text, from: Math.max(0, Math.floor(from) || 0), backwards };
    this.pump();
    this.on.busy(this.busy);
  }

  setRange(first, last) {
    if (first === this.range.first && last === this.range.last) return;
    this.range = { first, last };
    this.pump();
  }

  // Resolves when view rows a..b are all held (a copy of cells off screen); rejects when
  // the view changes first.
  ensureRows(a, b) {
    if (this.hasRows(a, b)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.wanted.push({ a, b, resolve, reject });
      this.pump();
    });
  }

  checkWanted() {
    if (!this.wanted.length) return;
    this.wanted = this.wanted.filter((w) => {
      if (!this.hasRows(w.a, w.b)) return true;
      w.resolve();
      return false;
    });
  }

  dropWanted(why) {
    const list = this.wanted;
    this.wanted = [];
    for (const w of list) w.reject(new Error(why));
  }

  sendTheme(theme) {
    if (this.socket) this.socket.send({ type: "ThemeChange", theme });
  }

  // ---- rows -------------------------------------------------------------------------

  // The chunk holding view row `row`, or null. Stale chunks (before a live update) are
  // used only when no fresh one has the row.
  chunkAt(row) {
    const list = this.byBlock.get(Math.floor(row / this.blockSize));
    if (list) {
      for (const c of list) {
        if (c.covers(row)) return c;
      }
    }
    for (const c of this.stale) {
      if (c.covers(row)) return c;
    }
    return null;
  }

  freshChunkAt(row) {
    const list = this.byBlock.get(Math.floor(row / this.blockSize));
    if (list) {
      for (const c of list) {
        if (c.covers(row)) return c;
      }
    }
    return null;
  }

  // rows a..b (inclusive) are all held
  hasRows(a, b) {
    let r = a;
    while (r <= b) {
      const c = this.freshChunkAt(r);
      if (!c) return false;
      r = c.offset + c.count;
    }
    return true;
  }

  // When the request in flight asks for view rows a..b (those not held yet), the time
  // it was sent; else null.
  requestedSince(a, b) {
    const f = this.inflight;
    if (!f || f.type !== "Scroll" || !f.range) return null;
    return f.range[0] <= a && f.range[1] >= Math.min(b, this.totalRows - 1) ? f.t : null;
  }

  touch(chunk) {
    if (this.chunks.has(chunk.id)) {
      this.chunks.delete(chunk.id);
      this.chunks.set(chunk.id, chunk);
    }
  }

  insert(chunk) {
    if (chunk.count === 0) return;
    // a chunk for exactly the same rows replaces the one held
    const b0 = Math.floor(chunk.offset / this.blockSize);
    const b1 = Math.floor((chunk.offset + chunk.count - 1) / this.blockSize);
    for (const old of [...(this.byBlock.get(b0) || [])]) {
      if (old.offset === chunk.offset && old.count === chunk.count) this.remove(old);
    }
    this.chunks.set(chunk.id, chunk);
    this.cachedRows += chunk.count;
    for (let b = b0; b <= b1; b++) {
      let list = this.byBlock.get(b);
      if (!list) this.byBlock.set(b, (list = []));
      list.push(chunk);
    }
    this.evict();
  }

  remove(chunk) {
    if (!this.chunks.delete(chunk.id)) return;
    this.cachedRows -= chunk.count;
    const b0 = Math.floor(chunk.offset / this.blockSize);
    const b1 = Math.floor((chunk.offset + chunk.count - 1) / this.blockSize);
    for (let b = b0; b <= b1; b++) {
      const list = this.byBlock.get(b);
      if (!list) continue;
      const i = list.indexOf(chunk);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byBlock.delete(b);
    }
  }

  evict() {
    if (this.cachedRows <= MAX_CACHED_ROWS) return;
    const { first, last } = this.range;
    for (const c of this.chunks.values()) {
      if (this.cachedRows <= MAX_CACHED_ROWS) break;
      const near = (a, b) => c.offset <= b && c.offset + c.count > a;
      const shown = near(first - this.blockSize, last + this.blockSize) ||
        this.wanted.some((w) => near(w.a, w.b));
      if (!shown) this.remove(c);
    }
  }

  resetCache(keepStale) {
    this.dropWanted("the view changed before the rows arrived");
    const old = [...this.chunks.values()];
    this.chunks.clear();
    this.byBlock.clear();
    this.cachedRows = 0;
    this.stale = keepStale ? old.concat(this.stale).slice(0, 64) : [];
  }

  // ---- server messages --------------------------------------------------------------

  handleMessage(msg) {
    if (msg === null || typeof msg !== "object") return;
    const id = Number.isInteger(msg.request_id) ? msg.request_id : null;
    // With one request in flight, an Error that names no request answers that one (the
    // server leaves request_id out of some errors, e.g. an unknown source in Hello/Open).
    const inflight = this.inflight;
    const mine = inflight !== null &&
      (id === inflight.id || (id === null && msg.type === "Error")) ? inflight : null;
    switch (msg.type) {
      case "InitialData": return this.initialData(msg, id, mine);
      case "ViewChanged": return this.viewChanged(msg, id, mine);
      case "TotalChanged": return this.totalChanged(msg);
      case "SearchResult": return this.searchResult(msg, mine);
      case "ThemeChange":
        if (typeof msg.theme === "string") {
          this.theme = msg.theme;
          this.on.theme(msg.theme);
        }
        return;
      case "Error": return this.error(msg, mine);
      case "Progress": return this.progressed(msg, mine);
      case "Pong": return;
      default:
        console.warn("groggy: unknown message from the server", msg);
    }
  }

  applyTotals(msg) {
    if (Number.isInteger(msg.total_rows)) this.totalRows = msg.total_rows;
    if (Number.isInteger(msg.source_rows)) this.sourceRows = msg.source_rows;
  }

  // adopt the server's spelling of what we asked for, unless the page changed its mind
  adopt(mine) {
    if (!mine) {
      this.want.sort = this.sort.slice();
      this.want.filter = this.filter;
      return;
    }
    const sent = mine.sent || {};
    if (sent.sort === undefined || sortKeysEqual(normalizeSort(sent.sort), this.want.sort)) {
      this.want.sort = this.sort.slice();
    }
    if (sent.filter === undefined || (sent.filter || "") === this.want.filter) {
      this.want.filter = this.filter;
    }
  }

  initialData(msg, id, mine) {
    const before = { source: this.source, sort: this.sort, filter: this.filter };
    this.source = msg.source;
    this.sources = Array.isArray(msg.sources) ? msg.sources : [msg.source];
    this.graphView = !!msg.graph_view;
    this.exportable = msg.exportable !== false;
    this.columns = Array.isArray(msg.columns) ? msg.columns : [];
    this.applyTotals(msg);
    this.sort = normalizeSort(msg.sort);
    this.filter = typeof msg.filter === "string" ? msg.filter : "";
    if (Number.isInteger(msg.block_size) && msg.block_size > 0) this.blockSize = msg.block_size;
    if (Array.isArray(msg.themes)) this.themes = msg.themes;
    if (typeof msg.theme === "string") this.theme = msg.theme;
    // the same view again (a reconnect): old rows stay shown until the new ones arrive
    const same = before.source === this.source && before.filter === this.filter &&
      sortKeysEqual(before.sort, this.sort);
    this.resetCache(same);
    this.version = null;
    if (id !== null) this.floorId = id;
    this.ready = true;
    this.helloFailures = 0;
    this.want.source = this.source;
    this.adopt(mine);
    const sentOffset = mine && mine.sent ? mine.sent.offset : undefined;
    if (mine) this.replied(mine);
    this.on.view({
      reset: true,
      offset: Number.isInteger(msg.offset) ? msg.offset : 0,
      restored: Number.isInteger(sentOffset) && sentOffset === msg.offset,
      search: typeof msg.search === "string" ? msg.search : null,
    });
    if (this.theme) this.on.theme(this.theme);
    this.pump();
  }

  viewChanged(msg, id, mine) {
    this.applyTotals(msg);
    if (msg.sort !== undefined) this.sort = normalizeSort(msg.sort);
    if (typeof msg.filter === "string") this.filter = msg.filter;
    this.resetCache(false);
    this.version = null;
    if (id !== null) this.floorId = id;
    this.adopt(mine);
    if (mine) this.replied(mine);
    this.on.view({ reset: false, offset: Number.isInteger(msg.offset) ? msg.offset : 0 });
    this.pump();
  }

  totalChanged(msg) {
    this.applyTotals(msg);
    // the server may have had to change the view itself (a filter that no longer applies)
    const sort = msg.sort !== undefined ? normalizeSort(msg.sort) : this.sort;
    const filter = typeof msg.filter === "string" ? msg.filter : this.filter;
    if (filter !== this.filter || !sortKeysEqual(sort, this.sort)) {
      this.sort = sort;
      this.filter = filter;
      this.adopt(null);
    }
    this.resetCache(true);
    this.version = null;
    this.on.view({ reset: false, keep: true });
    this.pump();
  }

  // The JSON reply to a view-changing request (Hello, Open, Sort, Filter) is in; its rows
  // follow as frames. The request stays in flight until the first of them, so the page
  // does not ask for the same block again meanwhile.
  replied(mine) {
    mine.replied = true;
    if (this.totalRows === 0) this.finish();
  }

  // The server works on the request in flight (a cluster counts, sorts or filters): it
  // is not lost, however long it takes.
  progressed(msg, mine) {
    if (!mine) return;
    mine.t = performance.now();
    this.progress = { task: String(msg.task || ""), done: msg.done, total: msg.total };
    this.on.progress(this.progress);
  }

  searchResult(msg, mine) {
    if (mine && mine.type === "Search") this.finish();
    this.on.search({ text: msg.text, row: msg.row, count: msg.count });
  }

  error(msg, mine) {
    const message = typeof msg.message === "string" ? msg.message : JSON.stringify(msg);
    const type = mine ? mine.type : (typeof msg.for === "string" ? msg.for : null);
    if (mine) {
      this.finish();
      if (type === "Filter") this.want.filter = this.filter;
      else if (type === "Sort") this.want.sort = this.sort.slice();
      else if (type === "Open") this.want.source = this.source;
      else if (type === "Scroll") {
        this.failed = { key: mine.key, until: performance.now() + RETRY_AFTER_MS };
        setTimeout(() => this.pump(), RETRY_AFTER_MS + 10);
      } else if (type === "Hello") {
        // restore less: first only the source, then nothing
        const sent = mine.sent || {};
        const hadState = sent.sort !== undefined || sent.filter !== undefined || sent.search !== undefined;
        this.helloFailures += hadState ? 1 : 2;
        if (this.helloFailures <= 2 && this.socket) this.socket.sendHello();
      } else if (type === "Search") {
        this.on.search({ error: message });
      }
    }
    this.on.error({ message, for: msg.for || type, type });
    this.pump();
  }

  handleFrame(buf) {
    let chunk;
    try {
      chunk = decodeFrame(buf);
    } catch (err) {
      console.error("groggy:", err);
      this.on.error({ message: String(err.message || err), for: "DataUpdate", type: null });
      return;
    }
    // Rows of an older view are dropped. The server announces every view change with a
    // JSON message (InitialData, ViewChanged, TotalChanged) before the new rows, and the
    // socket keeps order: after such a message the next frame names the current view,
    // and a frame of another view is stale -- unless it was pushed unasked (request_id
    // -1), which can only be newer. view_version is compared for equality only.
    if (chunk.requestId >= 0 && chunk.requestId < this.floorId) return;
    if (this.version === null) {
      this.version = chunk.viewVersion;
    } else if (chunk.viewVersion !== this.version) {
      if (chunk.requestId >= 0) return;
      this.resetCache(true);
      this.version = chunk.viewVersion;
    }
    let totalsMoved = false;
    if (chunk.totalRows !== this.totalRows) {
      this.totalRows = chunk.totalRows;
      totalsMoved = true;
    }
    this.insert(chunk);
    const mine = this.inflight;
    if (mine && chunk.requestId === mine.id) {
      if (mine.type === "Scroll") {
        const end = Math.min(mine.range[1], this.totalRows - 1);
        if (this.hasRows(mine.range[0], end)) this.finish();
      } else {
        this.finish();
      }
    }
    if (this.stale.length && this.hasRows(Math.max(0, this.range.first),
      Math.min(this.range.last, this.totalRows - 1))) {
      this.stale = [];
    }
    this.checkWanted();
    if (totalsMoved) this.on.view({ reset: false, keep: true });
    this.on.data(chunk);
    this.pump();
  }

  finish() {
    this.inflight = null;
    this.progress = null;
    this.on.busy(this.busy);
  }

  checkTimeout() {
    if (this.inflight && performance.now() - this.inflight.t > REQUEST_TIMEOUT_MS) {
      console.warn("groggy: no answer to", this.inflight.type, this.inflight.id, "; asking again");
      this.finish();
      this.pump();
    }
  }

  // ---- the next request -------------------------------------------------------------

  pump() {
    if (!this.socket || !this.socket.connected || this.inflight || !this.ready) return;
    const want = this.want;
    if (want.source && want.source !== this.source) {
      this.request("Open", { source: want.source }, { sent: { sort: [], filter: "" } });
    } else if (want.filter !== this.filter) {
      this.request("Filter", { expression: want.filter }, { sent: { filter: want.filter } });
    } else if (!sortKeysEqual(want.sort, this.sort)) {
      this.request("Sort", { keys: want.sort }, { sent: { sort: want.sort } });
    } else if (this.searchWant) {
      const s = this.searchWant;
      this.searchWant = null;
      const fields = { text: s.text, from: s.from };
      if (s.backwards) fields.backwards = true;
      this.request("Search", fields, { sent: fields });
    } else {
      this.requestRows();
    }
  }

  request(type, fields, extra) {
    const wire = type === "Scroll" ? "ScrollRequest" : type;
    const id = this.socket.send({ type: wire, ...fields });
    if (id === null) return;
    this.inflight = { id, type, t: performance.now(), ...extra };
    this.on.busy(this.busy);
  }

  // Ask for the first run of missing blocks: those the table shows first, then one
  // block of prefetch after and before them.
  requestRows() {
    const total = this.totalRows;
    if (total === 0 || this.range.last < this.range.first) return;
    const bs = this.blockSize;
    const first = Math.max(0, Math.min(this.range.first, total - 1));
    const last = Math.max(first, Math.min(this.range.last, total - 1));
    const lastBlock = Math.floor((total - 1) / bs);
    const b0 = Math.floor(first / bs), b1 = Math.floor(last / bs);
    const blockMissing = (b, a = b * bs, z = Math.min((b + 1) * bs, total) - 1) => !this.hasRows(a, z);
    let start = -1;
    for (let b = b0; b <= b1 && start < 0; b++) {
      if (blockMissing(b, Math.max(first, b * bs), Math.min(last, (b + 1) * bs - 1))) start = b;
    }
    if (start < 0) {
      for (const b of [b1 + 1, b0 - 1]) {
        if (b >= 0 && b <= lastBlock && blockMissing(b)) { start = b; break; }
      }
    }
    let limit = Math.min(lastBlock, b1 + 1);
    if (start < 0) {
      // rows asked for off screen (a copy)
      for (const w of this.wanted) {
        const wa = Math.max(0, w.a), wb = Math.min(w.b, total - 1);
        for (let b = Math.floor(wa / bs); b <= Math.floor(wb / bs); b++) {
          if (blockMissing(b)) { start = b; limit = Math.floor(wb / bs); break; }
        }
        if (start >= 0) break;
      }
    }
    if (start < 0) return;
    let end = start;
    const maxBlocks = Math.max(1, Math.floor(MAX_WINDOW / bs));
    while (end + 1 <= limit && end - start + 1 < maxBlocks && blockMissing(end + 1)) end++;
    const offset = start * bs;
    const windowSize = Math.max(1, Math.min((end - start + 1) * bs, total - offset, MAX_WINDOW));
    const key = `${offset}:${windowSize}`;
    if (this.failed && this.failed.key === key && performance.now() < this.failed.until) return;
    this.request("Scroll", { offset, window_size: windowSize },
      { key, range: [offset, offset + windowSize - 1] });
  }
}
