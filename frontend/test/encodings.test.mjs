import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BASE, OvoteError, canonicalJson, challenge, decodePoint, decodeScalar, frame, fromHex, isValidPoint,
  mul, mod, reduceWide, scalarHex, toHex,
} from "../src/crypto/index.js";
import { vectors } from "./helpers.mjs";

const code = (c) => (error) => error instanceof OvoteError && error.code === c;

test("every point gets libsodium's verdict (valid, small-order, non-canonical, mixed-order, random)", () => {
  const { points } = vectors();
  assert.ok(points.length > 60);
  for (const { hex, valid } of points) assert.equal(isValidPoint(hex), valid, hex);
  assert.ok(points.some((p) => !p.valid) && points.some((p) => p.valid));
});

test("small-order and non-canonical points are refused as bad_point, the identity only where allowed", () => {
  const identity = "01" + "00".repeat(31);
  assert.throws(() => decodePoint(identity), code("bad_point"));
  assert.ok(decodePoint(identity, { allowIdentity: true }).is0());
  assert.throws(() => decodePoint("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), code("bad_point"));
  assert.throws(() => decodePoint("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), code("bad_point"));
});

test("hex is strict: lowercase, even, exact length", () => {
  for (const bad of ["AB", "a", " ab", "abz0", 12]) assert.throws(() => fromHex(bad), code("bad_encoding"));
  assert.throws(() => fromHex("abcd", 3), code("bad_encoding"));
  assert.throws(() => decodePoint(mul(BASE, 7n).toHex().toUpperCase()), code("bad_encoding"));
  assert.deepEqual(fromHex("00ff", 2), new Uint8Array([0, 255]));
});

test("group arithmetic agrees with libsodium", () => {
  for (const v of vectors().arithmetic) {
    const a = decodeScalar(v.a);
    const b = decodeScalar(v.b);
    const P = decodePoint(v.P);
    assert.equal(mul(BASE, a).toHex(), v.aB);
    assert.equal(mul(P, a).toHex(), v.aP);
    assert.equal(mul(BASE, a).add(mul(BASE, b)).toHex(), v.sum);
    assert.equal(mul(BASE, a).subtract(P).toHex(), v.diff);
    assert.equal(scalarHex(mod(a + b)), v.a_plus_b);
    assert.equal(scalarHex(mod(a * b)), v.a_times_b);
  }
});

test("scalars must be below l and are never reduced", () => {
  for (const { hex, valid } of vectors().scalars) {
    if (valid) assert.equal(scalarHex(decodeScalar(hex)), hex);
    else assert.throws(() => decodeScalar(hex), code("bad_scalar"));
  }
  for (const { wide, reduced } of vectors().reduce) assert.equal(scalarHex(reduceWide(fromHex(wide))), reduced);
});

test("the §3.2 framing and hash to scalar match Python", () => {
  for (const { tag, parts, frame: framed, challenge: expected } of vectors().hash) {
    const js = parts.map((p) => ("bytes" in p ? fromHex(p.bytes) : "str" in p ? p.str : p.int));
    assert.equal(toHex(frame(...js)), framed);
    assert.equal(scalarHex(challenge(tag, ...js)), expected);
  }
});

test("canonical JSON is Python's json.dumps byte for byte (non-ASCII, non-BMP keys, controls)", () => {
  for (const { value, json } of vectors().canonical) {
    assert.equal(canonicalJson(value), json);
    assert.equal(Buffer.from(canonicalJson(value), "utf8").toString("utf8"), json);
  }
});

test("canonical JSON refuses floats, unsafe integers, lone surrogates", () => {
  for (const text of vectors().canonical_refused) {
    assert.throws(() => canonicalJson(JSON.parse(text)), code("bad_encoding"), text);
  }
  for (const value of [undefined, () => 1, 10n, new Date(0), { a: NaN }, [Infinity]]) {
    assert.throws(() => canonicalJson(value), code("bad_encoding"));
  }
});

test("canonical JSON sorts keys by code point where UTF-16 order differs", () => {
  assert.equal(canonicalJson({ "\u{1F600}": 1, "\uFFFD": 2 }), '{"\uFFFD":2,"\u{1F600}":1}');
  assert.equal(canonicalJson({ b: 1, a: 2, "": 3 }), '{"":3,"a":2,"b":1}');
});
