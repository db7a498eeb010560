// Cell text by dtype. Every function here is pure: a value in, text out.
//
// int64   exact (BigInt), optional thousands grouping, right-aligned
// float64 up to 6 decimals, trailing zeros trimmed, at least one decimal;
//         exponent form for very large or very small magnitudes; NaN, inf, -inf
// bool    true / false
// string  as is, with line breaks and tabs made visible
// null    "null", styled dimmed by the caller through the returned class

export const KIND_LABELS = {
  int64: "int64", float64: "float64", bool: "bool", string: "str", object: "object",
};

// the frame's u8 kind codes (docs/protocol.md); object columns arrive as strings
export const KIND_BY_CODE = { 1: "int64", 2: "float64", 3: "bool", 4: "string" };

export function isNumericKind(kind) {
  return kind === "int64" || kind === "float64";
}

const GROUP_RE = /\B(?=(\d{3})+(?!\d))/g;

export function formatInt(value, grouping) {
  const text = value.toString();
  return grouping ? text.replace(GROUP_RE, ",") : text;
}

export function formatFloat(v) {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const a = Math.abs(v);
  if (a >= 1e15 || a < 1e-5) {
    // 1.2346e+20 -> 1.2346e20, trailing zeros of the mantissa trimmed
    return v.toExponential(4).replace(/\.?0+e/, "e").replace("e+", "e");
  }
  let text = v.toFixed(6);
  text = text.replace(/0+$/, "");
  if (text.endsWith(".")) text += "0";
  if (text === "0.0" || text === "-0.0") return v.toExponential(3).replace(/\.?0+e/, "e");
  return text;
}

// Decimals shown by formatFloat's text (0 for the exponent form and NaN/inf).
export function decimalsOf(text) {
  const dot = text.indexOf(".");
  if (dot < 0 || text.includes("e")) return 0;
  return text.length - dot - 1;
}

// formatFloat's text padded with zeros to `decimals`, so that a column's points line up.
export function padDecimals(text, decimals) {
  const have = decimalsOf(text);
  if (have === 0 || have >= decimals) return text;
  return text + "0".repeat(decimals - have);
}

const VISIBLE = { "\n": "↵", "\r": "↵", "\t": "→" };
const CONTROL_RE = /[\u0000-\u001f\u007f]/g;

export function cleanText(s) {
  return CONTROL_RE.test(s)
    ? s.replace(CONTROL_RE, (ch) => VISIBLE[ch] || "\u00b7")
    : s;
}

// The text shown in a cell. `value` is null for a null cell.
export function formatValue(kind, value, opts) {
  if (value === null || value === undefined) return "null";
  switch (kind) {
    case "int64": return formatInt(value, opts && opts.grouping);
    case "float64": return formatFloat(value);
    case "bool": return value ? "true" : "false";
    default: return cleanText(String(value));
  }
}

// The CSS classes of a cell by kind: alignment and colour come from the stylesheet.
export function cellClass(kind, isNull) {
  const base = kind === "int64" ? "gg-c gg-int"
    : kind === "float64" ? "gg-c gg-float"
      : kind === "bool" ? "gg-c gg-bool" : "gg-c gg-str";
  return isNull ? base + " gg-null" : base;
}

// The text a copy (TSV) or a tooltip carries: full precision, no grouping, no decoration.
export function rawText(kind, value) {
  if (value === null || value === undefined) return "";
  if (kind === "float64") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Infinity) return "inf";
    if (value === -Infinity) return "-inf";
    return String(value);
  }
  if (kind === "bool") return value ? "true" : "false";
  return String(value);
}

const COUNT_FMT = new Intl.NumberFormat("en-US");

// Counts in the chrome of the page (row counter, search status): always grouped.
export function formatCount(n) {
  return COUNT_FMT.format(n);
}
