// Search: ask the server for the next (or previous) view row matching the text, jump to
// it and highlight it. Enter = next match, Shift+Enter = previous; past the last match
// it wraps around once.

import { formatCount } from "./format.js";

export class Searcher {
  constructor(feed, table, toolbar) {
    this.feed = feed;
    this.table = table;
    this.toolbar = toolbar;
    this.text = "";
    this.row = null;      // view row of the current match
    this.count = 0;
    this.pending = null;  // {text, backwards, wrapped}
  }

  find(text, backwards) {
    if (!text) return this.clear();
    if (text !== this.text) {
      this.text = text;
      this.row = null;
    }
    const total = this.feed.totalRows;
    if (total === 0) {
      this.toolbar.setSearchInfo("no rows");
      return;
    }
    let from;
    if (this.row === null) from = backwards ? total - 1 : 0;
    else from = backwards ? this.row - 1 : this.row + 1;
    let wrapped = false;
    if (from < 0 || from >= total) {
      from = backwards ? total - 1 : 0;
      wrapped = true;
    }
    this.pending = { text, backwards, wrapped };
    this.toolbar.setSearchInfo("searching…");
    this.feed.search(text, from, backwards);
  }

  result(msg) {
    const p = this.pending;
    if (msg.error) {
      this.pending = null;
      this.toolbar.setSearchInfo(msg.error, true);
      return;
    }
    if (!p || msg.text !== this.text) return;   // an answer to an older search
    const count = Number.isInteger(msg.count) ? msg.count : 0;
    if (msg.row === null && count > 0 && !p.wrapped) {
      // matches exist, none past the current one: wrap around
      p.wrapped = true;
      this.feed.search(this.text, p.backwards ? this.feed.totalRows - 1 : 0, p.backwards);
      return;
    }
    this.pending = null;
    this.count = count;
    if (msg.row === null || msg.row === undefined) {
      this.row = null;
      this.table.setMatch(null, "");
      this.toolbar.setSearchInfo(count ? `${formatCount(count)} matches` : "no matches");
      return;
    }
    const row = msg.row;
    this.row = row;
    this.toolbar.setSearchInfo(`${formatCount(count)} ${count === 1 ? "match" : "matches"}`,
      false, `match in row ${formatCount(row + 1)} of ${formatCount(count)} matching rows`);
    const table = this.table;
    table.setMatch(row, this.text);
    const focusCol = table.sel.focus ? table.sel.focus.col : 0;
    table.sel.set(row, focusCol);
    table.reveal(row);
    table.selectionChanged();
    // once the row is painted, put the cursor on the first cell that holds the text
    table.whenPainted(row).then(() => {
      if (this.row !== row) return;
      const c = table.firstHitCol(row);
      if (c >= 0 && table.sel.focus && table.sel.focus.row === row) {
        table.sel.set(row, c);
        table.ensureVisible(row, c);
        table.selectionChanged();
      }
    });
  }

  // the view changed (sort, filter, new data): match positions are void
  viewChanged() {
    this.row = null;
    this.pending = null;
    this.table.setMatch(null, "");
    if (this.text) this.toolbar.setSearchInfo("");
  }

  // the search text of a fresh InitialData; `keep` (the same view came back after a
  // reconnect) keeps the current match, so Enter goes on from it
  restore(text, keep) {
    const t = text || "";
    if (!keep || t !== this.text) {
      this.row = null;
      this.table.setMatch(null, "");
    }
    this.text = t;
    this.pending = null;
    this.toolbar.setSearchText(this.text);
  }

  clear() {
    this.text = "";
    this.row = null;
    this.pending = null;
    this.table.setMatch(null, "");
    this.toolbar.setSearchInfo("");
  }
}
