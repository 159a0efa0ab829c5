// Canonical JSON, byte for byte Python's
//   json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
// restricted as ovote/crypto/canonical.py restricts it:
// * keys sorted by Unicode code point (Python's order), not by UTF-16 code
//   unit (JavaScript's default sort): the two differ for keys that mix
//   characters above U+FFFF with characters in U+E000..U+FFFF;
// * only `"`, `\` and U+0000..U+001F are escaped (\b \f \n \r \t short, the
//   other controls as \u00xx lowercase); everything else is raw UTF-8;
// * integers only, |i| < 2^53; floats, NaN, lone surrogates and anything that
//   is not plain JSON data are refused.
import { utf8 } from "./bytes.js";
import { fail } from "./errors.js";

const SHORT = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function quote(text, path) {
  if (LONE_SURROGATE.test(text)) fail("bad_encoding", `${path}: string is not valid Unicode`);
  return (
    '"' +
    text.replace(NEEDS_ESCAPE, (c) => SHORT[c] ?? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) +
    '"'
  );
}

/** Compare two strings by Unicode code point (Python's str order). */
export function compareCodePoints(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Code units differ: a surrogate (a code point above U+FFFF) sorts after
    // every BMP character, whatever its code unit says.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function encode(value, path, depth) {
  if (depth > 500) fail("bad_encoding", "JSON nested too deeply");
  if (value === null || value === true || value === false) return String(value);
  switch (typeof value) {
    case "string":
      return quote(value, path);
    case "number":
      if (!Number.isInteger(value)) fail("bad_encoding", `${path}: floats are not allowed`);
      if (!Number.isSafeInteger(value)) fail("bad_encoding", `${path}: integer out of the safe range`);
      return String(value === 0 ? 0 : value); // -0 is the integer 0
    case "object":
      break;
    default:
      fail("bad_encoding", `${path}: ${typeof value} is not a JSON value`);
  }
  if (Array.isArray(value)) {
    return "[" + value.map((item, i) => encode(item, `${path}[${i}]`, depth + 1)).join(",") + "]";
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail("bad_encoding", `${path}: not a plain JSON object`);
  const keys = Object.keys(value).sort(compareCodePoints);
  const items = keys.map((k) => quote(k, path) + ":" + encode(value[k], `${path}.${k}`, depth + 1));
  return "{" + items.join(",") + "}";
}

/** Canonical JSON text of `value`. */
export function canonicalJson(value) {
  return encode(value, "$", 0);
}

/** Canonical JSON as UTF-8 bytes: what signatures and hashes are over. */
export function canonicalBytes(value) {
  return utf8(canonicalJson(value));
}
