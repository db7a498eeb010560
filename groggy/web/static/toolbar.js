// The page chrome around the table: source tabs, filter box, search box, export link,
// number grouping toggle, connection status, row counter, loading indicator, messages.
// Only DOM here; what the controls do is wired in app.js.

import { formatCount } from "./format.js";

const $ = (root, sel) => root.querySelector(sel);
const BUSY_AFTER_MS = 120;   // a request answered sooner never shows the loading indicator

export class Toolbar {
  constructor(root, { onFilter, onSearch, onSearchClear, onOpen, onGrouping, onBusyShown }) {
    this.root = root;
    this.sources = $(root, ".gg-sources");
    this.filterInput = $(root, ".gg-filter input");
    this.filterBox = $(root, ".gg-filter");
    this.filterError = $(root, ".gg-filter-error");
    this.filterClear = $(root, ".gg-filter .gg-clear");
    this.searchInput = $(root, ".gg-search input");
    this.searchInfo = $(root, ".gg-search-info");
    this.exportLink = $(root, ".gg-export");
    this.groupButton = $(root, ".gg-group");
    this.conn = $(root, ".gg-conn");
    this.connText = $(root, ".gg-conn-text");
    this.counter = $(root, ".gg-counter");
    this.loading = $(root, ".gg-loading");
    this.loadingText = $(root, ".gg-loading-text");
    this.progressBar = $(root, ".gg-progress");
    this.progressFill = $(root, ".gg-progress-fill");
    this.selInfo = $(root, ".gg-selinfo");
    this.messageEl = $(root, ".gg-message");
    this.applied = "";
    this.onOpen = onOpen;
    this.onBusyShown = onBusyShown || (() => {});

    this.filterInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        onFilter(this.filterInput.value);
      } else if (e.key === "Escape") {
        this.filterInput.value = this.applied;
        this.showFilterError(null);
        this.filterDirty();
      }
    });
    this.filterInput.addEventListener("input", () => this.filterDirty());
    this.filterClear.addEventListener("click", () => {
      this.filterInput.value = "";
      this.showFilterError(null);
      onFilter("");
      this.filterInput.focus();
    });

    this.searchInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        onSearch(this.searchInput.value, e.shiftKey);
      } else if (e.key === "Escape") {
        this.searchInput.value = "";
        onSearchClear();
      }
    });
    this.searchInput.addEventListener("input", () => {
      if (this.searchInput.value === "") onSearchClear();
    });
    $(root, ".gg-search-prev").addEventListener("click", () => onSearch(this.searchInput.value, true));
    $(root, ".gg-search-next").addEventListener("click", () => onSearch(this.searchInput.value, false));

    this.groupButton.addEventListener("click", () => {
      const on = this.groupButton.getAttribute("aria-pressed") !== "true";
      this.groupButton.setAttribute("aria-pressed", String(on));
      onGrouping(on);
    });
  }

  // ---- sources ----------------------------------------------------------------------

  // graph: the server also serves the graph view (a Graph tab links to it)
  setSources(names, current, graph = false) {
    this.sources.hidden = names.length < 2 && !graph;
    const want = [...names, ...(graph ? ["\u0001graph"] : [])];
    const have = [...this.sources.children].map((b) => b.dataset.source).join("\0");
    if (have !== want.join("\0")) {
      this.sources.textContent = "";
      for (const name of names) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "gg-tab";
        b.setAttribute("role", "tab");
        b.dataset.source = name;
        b.textContent = name;
        b.addEventListener("click", () => this.onOpen(name));
        this.sources.append(b);
      }
      if (graph) {
        const a = document.createElement("a");
        a.className = "gg-tab gg-graph-tab";
        a.href = "graph";
        a.dataset.source = "\u0001graph";
        a.textContent = "graph";
        a.title = "the graph view (a node row's context menu shows the node there)";
        this.sources.append(a);
      }
    }
    for (const b of this.sources.children) {
      b.setAttribute("aria-selected", String(b.dataset.source === current));
    }
  }

  // ---- filter -----------------------------------------------------------------------

  // the filter the server confirmed; `restore` (a fresh InitialData) also puts it in the box
  setFilterApplied(text, restore) {
    this.applied = text;
    if (restore) this.filterInput.value = text;
    if (this.filterInput.value.trim() === text) this.showFilterError(null);
    this.filterDirty();
  }

  filterDirty() {
    const value = this.filterInput.value.trim();
    this.filterBox.classList.toggle("gg-dirty", value !== this.applied);
    this.filterBox.classList.toggle("gg-active", this.applied !== "");
    this.filterClear.hidden = value === "" && this.applied === "";
  }

  showFilterError(message) {
    this.filterError.textContent = message || "";
    this.filterError.title = message || "";
    this.filterInput.title = message || "";
    this.filterBox.classList.toggle("gg-invalid", !!message);
    this.filterInput.setAttribute("aria-invalid", message ? "true" : "false");
  }

  // ---- search -----------------------------------------------------------------------

  setSearchText(text) {
    if (document.activeElement !== this.searchInput) this.searchInput.value = text;
  }

  setSearchInfo(text, isError, title) {
    this.searchInfo.textContent = text || "";
    this.searchInfo.title = title || text || "";
    this.searchInfo.classList.toggle("gg-error", !!isError);
  }

  // ---- export, grouping -------------------------------------------------------------

  setExport(source, sort, filter, exportable = true) {
    this.exportLink.hidden = !exportable;
    const q = new URLSearchParams();
    if (source) q.set("source", source);
    if (sort && sort.length) q.set("sort", JSON.stringify(sort));
    if (filter) q.set("filter", filter);
    this.exportLink.href = `export.csv?${q}`;
    this.exportLink.setAttribute("download", `${source || "table"}.csv`);
  }

  // ---- status bar -------------------------------------------------------------------

  setStatus({ state, retryIn, forbidden }) {
    this.conn.dataset.state = state;
    if (forbidden) {
      this.connText.textContent = "server restarted: open the new URL it printed";
      this.conn.title = "the server answers 403 to this page's token: it was restarted and made a new one";
      return;
    }
    this.connText.textContent = state === "connected" ? "connected"
      : state === "reconnecting" ? (retryIn ? `reconnecting in ${Math.max(1, Math.round(retryIn / 1000))}s…` : "reconnecting…")
        : "connecting…";
    this.conn.title = state === "connected" ? "connected to the groggy server"
      : "no connection to the groggy server; the page retries by itself";
  }

  setCounter({ first, last, total, sourceRows, filtered }) {
    let text;
    if (total === 0) text = "no rows";
    else text = `rows ${formatCount(first + 1)}–${formatCount(last + 1)} of ${formatCount(total)}`;
    if (filtered) text += ` (filtered from ${formatCount(sourceRows)})`;
    if (this.counter.textContent !== text) this.counter.textContent = text;
  }

  // The loading indicator shows once a request has been out BUSY_AFTER_MS: a fast answer
  // changes nothing on the page meanwhile (a change would make the browser draw a frame,
  // and the answer would wait behind it). onBusyShown(busy) follows the indicator.
  setBusy(busy) {
    clearTimeout(this.busyTimer);
    if (!busy) this.showBusy(false);
    else if (!this.busyShown) this.busyTimer = setTimeout(() => this.showBusy(true), BUSY_AFTER_MS);
  }

  showBusy(busy) {
    if (busy === !!this.busyShown) return;
    this.busyShown = busy;
    this.loading.classList.toggle("gg-busy", busy);
    this.loading.setAttribute("aria-hidden", String(!busy));
    if (!busy) this.setProgress(null);
    this.onBusyShown(busy);
  }

  // The work behind the request in flight (a table on a cluster: counting, sorting,
  // filtering), {task, done, total} with total 0 while not known; null: plain loading.
  setProgress(p) {
    const known = p && Number.isInteger(p.total) && p.total > 0;
    this.loadingText.textContent = !p ? "loading"
      : `${p.task || "working"} on the cluster` +
        (known ? ` · ${formatCount(p.done)}/${formatCount(p.total)} partitions` : "…");
    this.progressBar.hidden = !known;
    if (known) this.progressFill.style.width = `${Math.round((100 * p.done) / p.total)}%`;
  }

  setSelection(text) {
    if (this.selInfo.textContent !== text) this.selInfo.textContent = text;
  }

  message(text, isError) {
    clearTimeout(this.messageTimer);
    this.messageEl.textContent = text;
    this.messageEl.classList.toggle("gg-error", !!isError);
    this.messageEl.title = text;
    this.messageTimer = setTimeout(() => { this.messageEl.textContent = ""; }, isError ? 12000 : 4000);
  }
}
