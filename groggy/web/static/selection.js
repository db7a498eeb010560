// A rectangular range of cells: an anchor (where the selection started) and a focus (the
// cell the keyboard moves). Plus its text as TSV for the clipboard.

import { rawText } from "./format.js";

export const MAX_COPY_ROWS = 20000;

export class Selection {
  constructor() {
    this.anchor = null;   // {row, col}
    this.focus = null;    // {row, col}
    this.version = 0;     // bumps on every change, so the table repaints classes once
  }

  get empty() {
    return this.focus === null;
  }

  set(row, col) {
    this.anchor = { row, col };
    this.focus = { row, col };
    this.version++;
  }

  extend(row, col) {
    if (!this.anchor) this.anchor = { row, col };
    this.focus = { row, col };
    this.version++;
  }

  // move the focus; with `extend` the anchor stays, else it follows
  moveTo(row, col, extend) {
    if (extend) this.extend(row, col);
    else this.set(row, col);
  }

  clear() {
    this.anchor = this.focus = null;
    this.version++;
  }

  collapse() {
    if (this.focus) this.set(this.focus.row, this.focus.col);
  }

  // keep the range inside a view of `rows` x `cols`
  clamp(rows, cols) {
    if (!this.focus) return;
    if (rows === 0 || cols === 0) return this.clear();
    const fix = (p) => ({ row: Math.min(p.row, rows - 1), col: Math.min(p.col, cols - 1) });
    this.anchor = fix(this.anchor);
    this.focus = fix(this.focus);
    this.version++;
  }

  bounds() {
    if (!this.focus) return null;
    const a = this.anchor, f = this.focus;
    return {
      r0: Math.min(a.row, f.row), r1: Math.max(a.row, f.row),
      c0: Math.min(a.col, f.col), c1: Math.max(a.col, f.col),
    };
  }

  contains(row, col) {
    const a = this.anchor, f = this.focus;
    if (!f) return false;
    return row >= Math.min(a.row, f.row) && row <= Math.max(a.row, f.row) &&
      col >= Math.min(a.col, f.col) && col <= Math.max(a.col, f.col);
  }

  rowTouched(row) {
    const a = this.anchor, f = this.focus;
    return f !== null && row >= Math.min(a.row, f.row) && row <= Math.max(a.row, f.row);
  }

  isFocus(row, col) {
    return this.focus !== null && this.focus.row === row && this.focus.col === col;
  }
}

const TSV_UNSAFE = /[\t\n\r]/g;

// The cells of `bounds` as tab-separated lines, read from the feed's chunks; the rows must
// all be held (feed.hasRows). Values are full precision; nulls are empty.
export function selectionTSV(feed, b) {
  const lines = [];
  for (let r = b.r0; r <= b.r1; r++) {
    const chunk = feed.chunkAt(r);
    if (!chunk) return null;
    const i = r - chunk.offset;
    const cells = [];
    for (let c = b.c0; c <= b.c1; c++) {
      const col = chunk.columns[c];
      const text = col ? rawText(col.kind, col.value(i)) : "";
      cells.push(text.replace(TSV_UNSAFE, " "));
    }
    lines.push(cells.join("\t"));
  }
  return lines.join("\n");
}
