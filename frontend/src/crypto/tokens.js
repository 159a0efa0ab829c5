// Ballot tokens (DESIGN.md §3.6): RFC 9474 RSABSSA-SHA384-PSS-Randomized
// through @cloudflare/blindrsa-ts and WebCrypto (a secure context is needed:
// HTTPS, or localhost in development).
import { RSABSSA } from "@cloudflare/blindrsa-ts";
import { concat, fromHex, toBase64Url, toHex, utf8 } from "./bytes.js";
import { fail } from "./errors.js";

export const TOKEN_DOMAIN = "ovote/token/v1";
export const UNIT_KEY_BITS = 3072;
export const PREFIX_LENGTH = 32;

export function suite() {
  return RSABSSA.SHA384.PSS.Randomized();
}

/** "ovote/token/v1" || 0x00 || fingerprint (32) || voting_key (32). */
export function tokenMessage(fingerprint, votingKey) {
  if (fingerprint.length !== 32 || votingKey.length !== 32) throw new RangeError("fingerprint and voting key are 32 bytes each");
  return concat(utf8(TOKEN_DOMAIN), new Uint8Array([0]), fingerprint, votingKey);
}

/** Decode minimal big-endian hex (no leading zero byte), as canonical.int_from_hex. */
export function minimalHex(text, what) {
  const raw = fromHex(text, null, what);
  if (!raw.length || (raw.length > 1 && raw[0] === 0)) fail("bad_encoding", `${what}: not a minimal big-endian encoding`);
  return raw;
}

/** Modulus size in bits of a minimal big-endian encoding. */
export function bitLength(raw) {
  return raw.length ? 8 * (raw.length - 1) + (32 - Math.clz32(raw[0])) : 0;
}

/**
 * Import a unit's {"n","e"} as a WebCrypto RSA-PSS/SHA-384 public key.
 * `bits` is the required modulus size (3072 for unit keys; the RFC's own
 * vectors use 4096).
 */
export async function importUnitKey({ n, e }, bits = UNIT_KEY_BITS) {
  const nRaw = minimalHex(n, "unit key n");
  const eRaw = minimalHex(e, "unit key e");
  if (bitLength(nRaw) !== bits) fail("bad_definition", `unit key: a ${bits}-bit modulus is required, not ${bitLength(nRaw)}`);
  const jwk = { kty: "RSA", n: toBase64Url(nRaw), e: toBase64Url(eRaw), alg: "PS384", ext: true };
  try {
    return await globalThis.crypto.subtle.importKey("jwk", jwk, { name: "RSA-PSS", hash: "SHA-384" }, true, ["verify"]);
  } catch (error) {
    fail("bad_definition", `unit key: not an RSA public key (${error.message})`);
  }
}

/**
 * Client, step 1: prepare (random 32-byte prefix) and blind the token
 * message. The returned request is secret (inv unblinds) and must be kept
 * until the server answers, so that a retry sends the same blinded_msg.
 */
export async function requestToken(unitKey, fingerprint, votingKey) {
  const s = suite();
  const inputMsg = s.prepare(tokenMessage(fingerprint, votingKey));
  const { blindedMsg, inv } = await s.blind(unitKey, inputMsg);
  return { input_msg: toHex(inputMsg), inv: toHex(inv), blinded_msg: toHex(blindedMsg) };
}

/** Client, step 2: unblind the server's answer and check it; returns {prefix, signature}. */
export async function finishToken(unitKey, request, blindSigHex) {
  const inputMsg = fromHex(request.input_msg, null, "input_msg");
  const blindSig = fromHex(blindSigHex, null, "blind_sig");
  let signature;
  try {
    // Python's TokenRequest writes inv as plain hex without leading zeros;
    // blindrsa-ts wants it as long as the modulus.
    const kLen = unitKey.algorithm.modulusLength / 8;
    const inv = fromHex(request.inv.length <= 2 * kLen ? request.inv.padStart(2 * kLen, "0") : request.inv, kLen, "inv");
    signature = await suite().finalize(unitKey, inputMsg, blindSig, inv);
  } catch (error) {
    fail("bad_token", `the server's blind signature does not verify (${error.message})`);
  }
  return { prefix: toHex(inputMsg.slice(0, PREFIX_LENGTH)), signature: toHex(signature) };
}

/** True iff the token is the unit key's signature over prefix || token message. */
export async function verifyToken(unitKey, fingerprint, votingKey, token) {
  const prefix = fromHex(token.prefix, PREFIX_LENGTH, "token.prefix");
  const signature = fromHex(token.signature, null, "token.signature");
  if (signature.length !== unitKey.algorithm.modulusLength / 8) return false;
  return suite().verify(unitKey, signature, concat(prefix, tokenMessage(fingerprint, votingKey)));
}
