// The prime-order subgroup of edwards25519 (DESIGN.md §3.1) over
// @noble/curves. Points from outside enter only through decodePoint, which
// applies libsodium's crypto_core_ed25519_is_valid_point rules: canonical
// encoding, on the curve, torsion-free, not of small order. The identity is
// of small order and is refused unless the caller says an aggregate may be it.
import { ed25519 } from "@noble/curves/ed25519.js";
import { bigToBytesLE, bytesToBigLE, fromHex, randomBytes, toHex } from "./bytes.js";
import { fail } from "./errors.js";

export const Point = ed25519.Point;
/** Order of the prime-order subgroup. */
export const L = Point.Fn.ORDER;
export const BASE = Point.BASE;
export const IDENTITY = Point.ZERO;

/** Decode and validate a point received from outside (64 lowercase hex digits). */
export function decodePoint(hex, { allowIdentity = false, what = "point" } = {}) {
  fromHex(hex, 32, what);
  let point;
  try {
    point = Point.fromHex(hex, false);
  } catch {
    fail("bad_point", `${what}: not a point of edwards25519`);
  }
  // fromHex(strict) already refuses y >= p and -0; comparing the re-encoding
  // makes "canonical" a property we check rather than one we assume.
  if (point.toHex() !== hex) fail("bad_point", `${what}: non-canonical encoding`);
  if (point.is0()) {
    if (allowIdentity) return point;
    fail("bad_point", `${what}: the identity is not allowed here`);
  }
  if (point.isSmallOrder()) fail("bad_point", `${what}: a point of small order`);
  if (!point.isTorsionFree()) fail("bad_point", `${what}: not in the prime-order subgroup`);
  return point;
}

/** True iff `hex` is accepted by decodePoint (for the vector tests). */
export function isValidPoint(hex) {
  try {
    decodePoint(hex);
    return true;
  } catch {
    return false;
  }
}

export function pointHex(point) {
  return point.toHex();
}

export function pointBytes(point) {
  return point.toBytes();
}

/** Decode a scalar from outside: 32-byte little-endian, must be < l (never reduced). */
export function decodeScalar(hex, what = "scalar") {
  const value = bytesToBigLE(fromHex(hex, 32, what));
  if (value >= L) fail("bad_scalar", `${what}: not below the group order`);
  return value;
}

export function scalarBytes(value) {
  return bigToBytesLE(mod(value), 32);
}

export function scalarHex(value) {
  return toHex(scalarBytes(value));
}

export function mod(value) {
  const r = value % L;
  return r < 0n ? r + L : r;
}

/** crypto_core_ed25519_scalar_reduce: 64 bytes little-endian, modulo l. */
export function reduceWide(bytes) {
  return bytesToBigLE(bytes) % L;
}

/** Uniform in [1, l) from WebCrypto; 64 bytes make the modular bias negligible. */
export function randomScalar() {
  for (;;) {
    const s = reduceWide(randomBytes(64));
    if (s !== 0n) return s;
  }
}

/** `s·P`. Secret scalars are non-zero and go through the constant-time
 * ladder; zero (public: a count, or a tally of nothing) maps to the identity. */
export function mul(point, s) {
  s = mod(s);
  if (s === 0n || point.is0()) return IDENTITY;
  return point.multiply(s);
}

/** `s·P` for public values only (verification): faster, variable time. */
export function mulPublic(point, s) {
  return point.multiplyUnsafe(mod(s));
}

const small = new Map();
/** `v·B` for a small public integer, cached. */
export function smallMultiple(v) {
  let p = small.get(v);
  if (!p) {
    p = v === 0 ? IDENTITY : BASE.multiply(BigInt(v));
    small.set(v, p);
  }
  return p;
}
