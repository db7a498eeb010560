// Reads the graph view's binary frames (groggy/web/graphwire.py writes them; the formats
// are in docs/protocol.md, "Graph view"): 24-bit positions, Rice-coded edge keys and
// node ids, palettes with one byte per item. Everything comes out as the plain typed
// arrays the renderers draw: positions f32 x,y; edges u32 pairs; colours u8 RGBA.

const STEPS = 16777215;            // 2**24 - 1
const UNARY_MAX = 9, RAW_BITS = 48;

// Reads most-significant-bit-first codes; the writer pads 8 zero bytes at the end.
class BitReader {
  constructor(bytes) { this.b = bytes; this.pos = 0; }

  peek32() {
    const b = this.b, i = this.pos >>> 3, s = this.pos & 7;
    const w = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    return s ? ((w << s) | (b[i + 4] >>> (8 - s))) >>> 0 : w;
  }

  bits(n) {   // n <= 24
    if (n === 0) return 0;
    const v = this.peek32() >>> (32 - n);
    this.pos += n;
    return v;
  }

  big(n) {    // n <= 48, as an exact double
    return n > 24 ? this.bits(n - 24) * 16777216 + this.bits(24) : this.bits(n);
  }

  rice(k) {
    const q = Math.clz32(~this.peek32());
    if (q >= UNARY_MAX) { this.pos += UNARY_MAX; return this.big(RAW_BITS); }
    this.pos += q + 1;
    return q * 2 ** k + this.big(k);
  }
}

function riceValues(body, count, each) {
  const r = new BitReader(new Uint8Array(body, 1)), k = new Uint8Array(body, 0, 1)[0];
  for (let i = 0; i < count; i++) each(i, r.rice(k));
}

function positions(body, count, bounds) {
  const b = new Uint8Array(body), out = new Float32Array(2 * count);
  const [x0, y0, x1, y1] = bounds, sx = (x1 - x0) / STEPS, sy = (y1 - y0) / STEPS;
  for (let i = 0, j = 0; i < count; i++, j += 6) {
    out[2 * i] = x0 + (b[j] | (b[j + 1] << 8) | (b[j + 2] << 16)) * sx;
    out[2 * i + 1] = y0 + (b[j + 3] | (b[j + 4] << 8) | (b[j + 5] << 16)) * sy;
  }
  return out;
}

function edges(body, count, n) {
  const out = new Uint32Array(2 * count);
  let key = 0;
  riceValues(body, count, (i, gap) => {
    key += gap;
    const a = Math.floor(key / n);
    out[2 * i] = a; out[2 * i + 1] = key - a * n;
  });
  return out;
}

function ids(body, count) {
  const out = new Float64Array(count);
  let id = -1;
  riceValues(body, count, (i, gap) => { id += gap + 1; out[i] = id; });
  return out;
}

// palette (4-byte entries) + one u8 index per item (none: all items take entry 0)
function unpalette(palette, [index, count], Kind) {
  const table = new Uint32Array(palette), idx = new Uint8Array(index);
  const out = new Uint32Array(count);
  if (idx.length) for (let i = 0; i < count; i++) out[i] = table[idx[i]];
  else if (count) out.fill(table[0]);
  return new Kind(out.buffer);
}

// frames: {TAG: [ArrayBuffer body, count]}; msg: the JSON message they follow
// -> {positions, edges, colors, sizes, edgeColors, edgeWidths, shapes, labels, ids, bends},
// each present when sent
// and the frames read as they are (a large graph's tiles and vectors) under their tags
export function decodeFrames(msg, frames) {
  const got = {};
  for (const [tag, [body]] of Object.entries(frames)) if (tag in AS_IS) got[tag] = AS_IS[tag](body);
  const has = (tag) => tag in frames;
  if (has("NPQ3")) got.positions = positions(frames.NPQ3[0], frames.NPQ3[1], msg.bounds);
  if (has("NPOS")) got.positions = new Float32Array(frames.NPOS[0]);
  if (has("EDGR")) got.edges = edges(frames.EDGR[0], frames.EDGR[1], msg.nodes);
  if (has("EDGE")) got.edges = new Uint32Array(frames.EDGE[0]);
  if (has("NIDR")) got.ids = ids(frames.NIDR[0], frames.NIDR[1]);
  if (has("NIDS")) got.ids = new Float64Array(frames.NIDS[0]);
  if (has("NCOL")) got.colors = new Uint8Array(frames.NCOL[0]);
  if (has("NCIX")) got.colors = unpalette(frames.NPAL[0], frames.NCIX, Uint8Array);
  if (has("NSIZ")) got.sizes = new Float32Array(frames.NSIZ[0]);
  if (has("NSZI")) got.sizes = unpalette(frames.NSZP[0], frames.NSZI, Float32Array);
  if (has("ECOL")) got.edgeColors = new Uint8Array(frames.ECOL[0]);
  if (has("ECIX")) got.edgeColors = unpalette(frames.EPAL[0], frames.ECIX, Uint8Array);
  if (has("EWID")) got.edgeWidths = new Float32Array(frames.EWID[0]);
  if (has("EWIX")) got.edgeWidths = unpalette(frames.EWPL[0], frames.EWIX, Float32Array);
  if (has("NSHP")) got.shapes = new Uint8Array(frames.NSHP[0]);
  if (has("NLAB")) got.labels = labelTexts(frames.NLAB[0], frames.NLAB[1]);
  if (has("EBND")) got.bends = bends(frames.EBND[0], frames.EBND[1], msg.bounds);
  return got;
}

// EBND: u32 length L, L bytes of Rice codes (k, then per bent edge: edge number gap,
// bends - 1), then the bends as NPQ3 points -> {edges, offsets, points}
function bends(body, count, bounds) {
  const length = new DataView(body).getUint32(0, true);
  const edges = new Uint32Array(count), offsets = new Uint32Array(count + 1);
  let edge = -1, j = 0;
  riceValues(body.slice(4, 4 + length), 2 * count, (i, v) => {
    if (i % 2 === 0) { edge += v + 1; edges[j] = edge; }
    else { offsets[j + 1] = offsets[j] + v + 1; j++; }
  });
  const total = offsets[count];
  return { edges, offsets, points: positions(body.slice(4 + length, 4 + length + 6 * total), total, bounds) };
}

// NLAB: u32 offsets (count + 1), then the UTF-8 text of every label ("" for none)
function labelTexts(body, count) {
  const offsets = new Uint32Array(body, 0, count + 1), bytes = new Uint8Array(body, 4 * (count + 1));
  const utf8 = new TextDecoder(), out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = utf8.decode(bytes.subarray(offsets[i], offsets[i + 1])) || null;
  return out;
}

const u8 = (b) => new Uint8Array(b), u32 = (b) => new Uint32Array(b);
const f32 = (b) => new Float32Array(b), f64 = (b) => new Float64Array(b);
const AS_IS = { TILE: u8, VROW: u32, VPOS: f32, VCOL: u8, VSIZ: f32, VEDG: u32, VECO: u8,
                VIDS: f64 };

// every frame tag the page reads
export const FRAME_TAGS = new Set(["NPQ3", "NPOS", "EDGR", "EDGE", "NIDR", "NIDS", "NCOL",
                                   "NPAL", "NCIX", "NSIZ", "NSZP", "NSZI", "ECOL", "EPAL",
                                   "ECIX", "EWID", "EWPL", "EWIX", "NSHP", "NLAB", "EBND",
                                   ...Object.keys(AS_IS)]);
