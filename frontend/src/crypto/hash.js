// Fiat-Shamir hash to scalar (DESIGN.md §3.2):
// H(tag, p1..pn) = reduce_l(SHA-512(tag || 0x00 || len(p1) || p1 || ...)),
// lengths 4-byte big-endian. Parts: Uint8Array as is (points and scalars in
// their 32-byte encodings), strings UTF-8, numbers 4-byte big-endian.
import { sha512 } from "@noble/hashes/sha2.js";
import { concat, u32, utf8 } from "./bytes.js";
import { reduceWide } from "./group.js";

export function encodePart(part) {
  if (part instanceof Uint8Array) return part;
  if (typeof part === "string") return utf8(part);
  if (typeof part === "number") return u32(part);
  if (part && typeof part.toBytes === "function") return part.toBytes();
  throw new TypeError(`cannot hash ${typeof part}`);
}

export function frame(...parts) {
  const pieces = [];
  for (const part of parts) {
    const raw = encodePart(part);
    pieces.push(u32(raw.length), raw);
  }
  return concat(...pieces);
}

export function hashInput(tag, ...parts) {
  if (!/^[\x00-\x7f]*$/.test(tag)) throw new TypeError("tag must be ASCII");
  return concat(utf8(tag), new Uint8Array([0]), frame(...parts));
}

/** The challenge scalar (a bigint below l). */
export function challenge(tag, ...parts) {
  return reduceWide(sha512(hashInput(tag, ...parts)));
}
