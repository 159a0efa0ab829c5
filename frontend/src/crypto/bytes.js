// Strict codecs for the wire: lowercase hex only, exact lengths, no
// whitespace; the same rules as ovote/crypto/canonical.py's hex_decode.
import { fail } from "./errors.js";

const HEX = /^(?:[0-9a-f]{2})*$/;
const encoder = new TextEncoder();

export function toHex(bytes) {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Decode lowercase hex (of exactly `length` bytes when given). */
export function fromHex(text, length = null, what = "value") {
  if (typeof text !== "string" || !HEX.test(text)) fail("bad_encoding", `${what}: not lowercase hex`);
  if (length !== null && text.length !== 2 * length) {
    fail("bad_encoding", `${what}: expected ${length} bytes, got ${text.length / 2}`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function utf8(text) {
  return encoder.encode(text);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** 4-byte big-endian, for the §3.2 framing (lengths and integer parts). */
export function u32(value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError("u32: integer out of [0, 2^32)");
  }
  return new Uint8Array([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function bytesToBigBE(bytes) {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

export function bytesToBigLE(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

export function bigToBytesLE(n, length) {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 255n);
    n >>= 8n;
  }
  return out;
}

export function randomBytes(length) {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

// base64url without padding, for importing RSA keys as JWK into WebCrypto.
export function toBase64Url(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
