// Wiring: the socket feeds the feed, the feed feeds the table and the toolbar, user
// actions go back to the feed. Also the read-only window.groggy hook for tests and
// benchmarks.

import { HOST, fileBytes, saveFile } from "./host.js";
import { Feed, sortKeysEqual } from "./feed.js";
import { VirtualTable } from "./table.js";
import { Toolbar } from "./toolbar.js";
import { Searcher } from "./search.js";
import { ThemePicker, applyTheme } from "./theme.js";
import { selectionTSV, MAX_COPY_ROWS } from "./selection.js";
import { formatCount } from "./format.js";

// Every URL is relative to the page, whose path starts with the server's token (a
// notebook widget has none: it talks over the kernel's comm, host.js)
const base = HOST.page ? new URL(location.pathname.endsWith("/") ? location.pathname : `${location.pathname}/`, location.href) : null;
const wsUrl = HOST.page ? new URL("ws", base) : null;
if (wsUrl) wsUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";
const params = HOST.params;
const $ = (sel) => HOST.root.querySelector(sel);

// ?source=nodes&filter=selected is how the graph page links to its selected rows
const feed = new Feed({ source: params.get("source") || null, filter: params.get("filter") || "" });
const app = $(".gg-app");
let themeChosen = null;   // the theme to restore on reconnect: the server's or the user's

// the next click on a header: ascending, descending, none; shift adds a secondary key
function cycleSort(keys, name, additive) {
  const i = keys.findIndex((k) => k.column === name);
  const cur = i >= 0 ? keys[i] : null;
  const next = !cur ? { column: name, ascending: true }
    : cur.ascending ? { column: name, ascending: false } : null;
  if (!additive) return next ? [next] : [];
  const out = keys.slice();
  if (i < 0) out.push(next);
  else if (next) out[i] = next;
  else out.splice(i, 1);
  return out;
}

const toolbar = new Toolbar(app, {
  onFilter: (text) => {
    toolbar.showFilterError(null);
    feed.setFilter(text);
  },
  onSearch: (text, backwards) => searcher.find(text, backwards),
  onSearchClear: () => searcher.clear(),
  onOpen: (source) => {
    toolbar.showFilterError(null);
    feed.open(source);
  },
  onGrouping: (on) => table.setGrouping(on),
  onBusyShown: (busy) => table.scroller.setAttribute("aria-busy", String(busy)),
});

// a notebook widget has no CSV address: it asks for the file over its connection
// (ExportCsv) and saves the CsvFile that answers
let fileHead = null;         // a CsvFile whose FILE frame comes next
if (!HOST.page) {
  toolbar.exportLink.addEventListener("click", (e) => {
    e.preventDefault();
    if (socket.send({ type: "ExportCsv" }) !== null) toolbar.message("exporting the view as CSV…");
  });
}
function serverMessage(msg) {
  if (msg && msg.type === "CsvFile") { fileHead = msg; return; }
  if (msg && msg.type === "NodeShown") { toolbar.message(`node ${msg.node} shown in the graph`); return; }
  if (msg && msg.type === "ShowRows") {      // the graph widget's Tables or Rows
    feed.open(msg.source);
    feed.setFilter(msg.filter || "");
    return;
  }
  feed.handleMessage(msg);
}
function serverFrame(buf) {
  const file = fileHead && fileBytes(buf);
  if (!file) { feed.handleFrame(buf); return; }
  saveFile(file, fileHead.name, fileHead.media);
  toolbar.message(`exported ${formatCount(fileHead.rows)} rows as ${fileHead.name}`);
  fileHead = null;
}

const table = new VirtualTable($(".gg-main"), feed, {
  onSort: (col, additive) => {
    const name = table.columns[col].name;
    const keys = cycleSort(feed.want.sort, name, additive);
    feed.setSort(keys);
    table.showSort(keys, true);
  },
  onPaint: ({ first, last, total }) => {
    toolbar.setCounter({
      first, last, total, sourceRows: feed.sourceRows,
      filtered: feed.filter !== "" || total !== feed.sourceRows,
    });
  },
  onSelect: (sel) => {
    const b = sel.bounds();
    if (!b) return toolbar.setSelection("");
    const rows = b.r1 - b.r0 + 1, cols = b.c1 - b.c0 + 1;
    if (rows === 1 && cols === 1) {
      toolbar.setSelection(`row ${formatCount(b.r0 + 1)} · ${table.columns[b.c0].name}`);
    } else {
      toolbar.setSelection(`${formatCount(rows)} × ${formatCount(cols)} cells`);
    }
  },
  onCopy: (b, clipboard) => copyCells(b, clipboard),
});

const searcher = new Searcher(feed, table, toolbar);

const themes = new ThemePicker($(".gg-theme-select"), (name) => {
  themeChosen = name;
  applyTheme(name);
  feed.sendTheme(name);
  table.layoutDirty = true;
  table.redraw();
});

let lastCopy = "";
function copyCells(b, clipboard) {
  const rows = b.r1 - b.r0 + 1, cells = rows * (b.c1 - b.c0 + 1);
  if (rows > MAX_COPY_ROWS) {
    toolbar.message(`${formatCount(rows)} rows are too many to copy (at most ${formatCount(MAX_COPY_ROWS)}); use Export CSV`, true);
    return;
  }
  const done = () => toolbar.message(`copied ${formatCount(cells)} ${cells === 1 ? "cell" : "cells"}`);
  if (feed.hasRows(b.r0, b.r1)) {
    lastCopy = selectionTSV(feed, b);
    clipboard.setData("text/plain", lastCopy);
    done();
    return;
  }
  toolbar.message(`fetching ${formatCount(rows)} rows to copy…`);
  feed.ensureRows(b.r0, b.r1)
    .then(() => {
      lastCopy = selectionTSV(feed, b);
      return navigator.clipboard.writeText(lastCopy);
    })
    .then(done)
    .catch((err) => toolbar.message(`copy failed: ${err.message || err}`, true));
}

// a filter example made of the view's own columns
function filterExample(columns) {
  const num = columns.find((c) => c.kind === "int64" || c.kind === "float64");
  const str = columns.find((c) => c.kind === "string");
  const simple = (c) => c && /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name);
  const parts = [];
  if (simple(num)) parts.push(`${num.name} > 10`);
  if (simple(str)) parts.push(`${str.name} contains 'a'`);
  return parts.length ? `e.g. ${parts.join(" and ")}` : "col == value, and / or / not";
}

function showView(info) {
  table.setColumns(feed.columns, feed.source);
  toolbar.filterInput.placeholder = filterExample(feed.columns);
  table.layoutDirty = true;
  if (info.reset) {
    if (!info.restored) table.scrollToRow(info.offset || 0);
    if (info.search !== null && info.search !== undefined) searcher.restore(info.search, info.restored);
    else searcher.viewChanged();
    toolbar.setFilterApplied(feed.filter, true);
  } else {
    if (!info.keep) table.scrollToRow(info.offset || 0);
    searcher.viewChanged();
    toolbar.setFilterApplied(feed.filter, false);
  }
  table.sel.clamp(feed.totalRows, table.columns.length);
  table.showSort(feed.want.sort, !sortKeysEqual(feed.want.sort, feed.sort));
  // (a notebook widget has no graph page to link to, nor a CSV address)
  toolbar.setSources(feed.sources, feed.source, feed.graphView && HOST.page);
  toolbar.setExport(feed.source, feed.sort, feed.filter, feed.exportable);
  themes.setThemes(feed.themes, feed.theme);
  if (feed.source && HOST.page) {
    const q = new URLSearchParams(location.search);
    if (q.get("source") !== feed.source && (feed.sources.length > 1 || q.has("source"))) {
      q.set("source", feed.source);
      history.replaceState(null, "", `${location.pathname}?${q}`);
    }
  }
  table.redraw();
}

feed.on.view = showView;
feed.on.data = (chunk) => table.dataArrived(chunk);
feed.on.busy = (busy) => toolbar.setBusy(busy);
feed.on.search = (msg) => searcher.result(msg);
feed.on.progress = (p) => toolbar.setProgress(p);
feed.on.theme = (name) => {
  themeChosen = name;
  applyTheme(name);
  themes.show(name);
  table.layoutDirty = true;
  table.redraw();
};
feed.on.error = ({ message, for: what, type }) => {
  if (what === "Filter" || type === "Filter") {
    toolbar.showFilterError(message);
    table.showSort(feed.want.sort, false);
  } else if (what === "Search" || type === "Search") {
    toolbar.setSearchInfo(message, true);
  } else {
    if (what === "Sort" || type === "Sort") table.showSort(feed.want.sort, false);
    if (type === "Open") toolbar.setSources(feed.sources, feed.source);
    toolbar.message(message, true);
  }
};

// a node row's context menu, when the server also serves the graph view: show the node
// there (the graph page flies to #node=ID and selects it)
const nodeMenu = Object.assign(document.createElement("div"), { className: "gg-context-menu", hidden: true });
HOST.themed.append(nodeMenu);
const closeNodeMenu = () => { nodeMenu.hidden = true; };
table.rowsLayer.addEventListener("contextmenu", (e) => {
  const at = table.cellAt(e.target);
  const c = feed.columns.findIndex((col) => col.name === "node_id");
  const chunk = at && feed.chunkAt(at.row);
  if (!feed.graphView || feed.source !== "nodes" || !chunk || c < 0) return;
  const id = chunk.columns[c].value(at.row - chunk.offset);
  e.preventDefault();
  const link = Object.assign(document.createElement("a"), {
    href: `graph#node=${encodeURIComponent(id)}`, textContent: `Show node ${id} in the graph`,
  });
  if (!HOST.page) {   // a notebook widget: the graph widgets of this server fly there
    link.addEventListener("click", (ev) => {
      ev.preventDefault();
      closeNodeMenu();
      socket.send({ type: "ShowNode", node: Number(id) });
    });
  }
  nodeMenu.replaceChildren(link);
  nodeMenu.style.left = `${e.clientX}px`;
  nodeMenu.style.top = `${e.clientY}px`;
  nodeMenu.hidden = false;
  link.focus();
});
HOST.events.addEventListener("pointerdown", (e) => { if (!nodeMenu.contains(e.target)) closeNodeMenu(); });
HOST.events.addEventListener("keydown", (e) => { if (e.key === "Escape") closeNodeMenu(); });

const socket = HOST.socket(wsUrl && wsUrl.href, {
  hello: () => {
    const extra = {
      offset: table.first,
      window_size: Math.min(2000, Math.max(50, table.pageRows * 2)),
    };
    if (searcher.text) extra.search = searcher.text;
    if (themeChosen) extra.theme = themeChosen;
    return feed.helloFields(extra);
  },
  onHello: (id, fields) => feed.helloSent(id, fields),
  onMessage: serverMessage,
  onFrame: serverFrame,
  onStatus: (status) => {
    toolbar.setStatus(status);
    HOST.themed.classList.toggle("gg-offline", status.state !== "connected");
  },
  onClose: () => feed.connectionLost(),
  pageUrl: base && base.href,
});
feed.attach(socket);
socket.connect();

// ---- the read-only hook for tests and benchmarks ------------------------------------

HOST.hooks.groggy = Object.freeze({
  // resolves after the first rows are painted
  ready: table.ready,
  state: () => ({
    source: feed.source,
    offset: table.first,
    totalRows: feed.totalRows,
    sourceRows: feed.sourceRows,
    sort: feed.sort.map((k) => ({ ...k })),
    filter: feed.filter,
    search: searcher.text,
    searchRow: searcher.row,
    theme: themeChosen,
    busy: feed.busy,
    // {task, done, total} while the server works on the request in flight, else null
    progress: feed.progress && { ...feed.progress },
    connected: socket.connected,
  }),
  // [[viewRow, cellText, cellText, ...], ...] for the rows painted with data, top to bottom
  visibleRows: () => table.visibleRows(),
  // puts view row n at the top (as near as the end allows); resolves when it is painted
  scrollToRow: (n) => table.ready.then(() => {
    const row = Math.max(0, Math.min(Math.floor(Number(n)) || 0, feed.totalRows - 1));
    table.scrollToRow(row);
    return table.whenPainted(row);
  }),
  get lastPaint() {
    return table.lastPaint;
  },
  // the text the last Ctrl/Cmd+C put on the clipboard
  get lastCopy() {
    return lastCopy;
  },
});
