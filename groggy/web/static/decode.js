// Binary DataUpdate frames (docs/protocol.md, "Binary DataUpdate frames").
//
// Little-endian; every section starts at a multiple of 8 bytes from the frame start, so
// the column sections are read through typed-array views on the frame's own buffer,
// with no copy and no per-cell object. int64 columns are BigInt64Array views: values are
// shown exactly, never through a lossy Number.

import { KIND_BY_CODE } from "./format.js";

const HEADER_BYTES = 48;
const MAGIC = [0x47, 0x47, 0x57, 0x31]; // "GGW1"

export class FrameError extends Error {}

const pad8 = (n) => (n + 7) & ~7;

function view(Type, buf, at, length, what) {
  const bytes = length * Type.BYTES_PER_ELEMENT;
  if (at + bytes > buf.byteLength) {
    throw new FrameError(`DataUpdate frame too short: ${what} needs bytes ${at}..${at + bytes}, ` +
      `the frame has ${buf.byteLength}`);
  }
  return new Type(buf, at, length);
}

let nextChunkId = 1;
const utf8 = new TextDecoder("utf-8");

// One column of one frame. value(i) gives the raw value (BigInt, number, bool, string)
// or null.
class Column {
  constructor(kind, data, valid, offsets) {
    this.kind = kind;
    this.data = data;        // BigInt64Array | Float64Array | Uint8Array (bool or utf-8 text)
    this.valid = valid;      // Uint8Array (1 = value) or null when the column has no nulls
    this.offsets = offsets;  // Uint32Array for strings, else null
    this.ascii = null;       // for strings: the whole text, when it is pure ASCII
  }

  isNull(i) {
    return this.valid !== null && this.valid[i] === 0;
  }

  value(i) {
    if (this.valid !== null && this.valid[i] === 0) return null;
    switch (this.kind) {
      case "int64":
      case "float64": return this.data[i];
      case "bool": return this.data[i] !== 0;
      default: return this.string(i);
    }
  }

  string(i) {
    const a = this.offsets[i], b = this.offsets[i + 1];
    if (this.ascii === null) {
      // decode the column's text once; when it is all ASCII, byte offsets are also
      // character offsets and every cell is a substring of it
      const text = utf8.decode(this.data);
      this.ascii = text.length === this.data.length ? text : false;
    }
    if (this.ascii !== false) return this.ascii.slice(a, b);
    return utf8.decode(this.data.subarray(a, b));
  }
}

// A decoded frame: a run of `count` view rows starting at `offset`.
export class Chunk {
  constructor(header, columns) {
    Object.assign(this, header);
    this.columns = columns;
    this.id = nextChunkId++;
  }

  covers(row) {
    return row >= this.offset && row < this.offset + this.count;
  }
}

function readI64(dv, at) {
  const v = dv.getBigInt64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new FrameError(`DataUpdate header field at byte ${at} is out of range: ${v}`);
  }
  return Number(v);
}

export function decodeFrame(buf) {
  if (!(buf instanceof ArrayBuffer)) throw new FrameError("DataUpdate frame is not an ArrayBuffer");
  if (buf.byteLength < HEADER_BYTES) {
    throw new FrameError(`DataUpdate frame too short: ${buf.byteLength} bytes, the header alone is ${HEADER_BYTES}`);
  }
  const head = new Uint8Array(buf, 0, 4);
  for (let k = 0; k < 4; k++) {
    if (head[k] !== MAGIC[k]) {
      throw new FrameError(`DataUpdate frame has magic ${JSON.stringify(String.fromCharCode(...head))}, expected "GGW1"`);
    }
  }
  const dv = new DataView(buf);
  const ncols = dv.getUint32(4, true);
  const header = {
    requestId: readI64(dv, 8),
    offset: readI64(dv, 16),
    count: readI64(dv, 24),
    totalRows: readI64(dv, 32),
    // an identifier of the view the rows belong to; compared for equality only, kept as
    // a BigInt because it may use all 64 bits
    viewVersion: dv.getBigInt64(40, true),
    ncols,
  };
  const count = header.count;
  if (count < 0 || header.offset < 0) {
    throw new FrameError(`DataUpdate frame has offset ${header.offset} and count ${count}; both must be >= 0`);
  }
  let at = HEADER_BYTES + 8 * ncols;
  if (at > buf.byteLength) {
    throw new FrameError(`DataUpdate frame too short for ${ncols} column descriptors`);
  }
  const columns = new Array(ncols);
  for (let c = 0; c < ncols; c++) {
    const code = dv.getUint8(HEADER_BYTES + 8 * c);
    const hasNulls = dv.getUint8(HEADER_BYTES + 8 * c + 1) !== 0;
    const kind = KIND_BY_CODE[code];
    if (!kind) throw new FrameError(`DataUpdate column ${c} has unknown kind code ${code}`);
    let data, offsets = null;
    if (kind === "int64") {
      data = view(BigInt64Array, buf, at, count, `int64 column ${c}`);
      at += 8 * count;
    } else if (kind === "float64") {
      data = view(Float64Array, buf, at, count, `float64 column ${c}`);
      at += 8 * count;
    } else if (kind === "bool") {
      data = view(Uint8Array, buf, at, count, `bool column ${c}`);
      at += pad8(count);
    } else {
      offsets = view(Uint32Array, buf, at, count + 1, `string offsets of column ${c}`);
      at += pad8(4 * (count + 1));
      const textBytes = offsets[count];
      data = view(Uint8Array, buf, at, textBytes, `string text of column ${c}`);
      at += pad8(textBytes);
    }
    let valid = null;
    if (hasNulls) {
      valid = view(Uint8Array, buf, at, count, `validity of column ${c}`);
      at += pad8(count);
    }
    columns[c] = new Column(kind, data, valid, offsets);
  }
  return new Chunk(header, columns);
}
