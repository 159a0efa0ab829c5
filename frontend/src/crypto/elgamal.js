// Exponential ElGamal (DESIGN.md §3.3): Enc(m; r) = (r·B, m·B + r·K).
import { BASE, mul, randomScalar, smallMultiple } from "./group.js";

/** Encrypt the small count `message` under `jointKey`; returns
 * `{alpha, beta, nonce}` (the nonce feeds the range proofs and the audit). */
export function encrypt(jointKey, message, nonce = randomScalar()) {
  if (!Number.isInteger(message) || message < 0) throw new RangeError("messages are non-negative counts");
  return { alpha: mul(BASE, nonce), beta: smallMultiple(message).add(mul(jointKey, nonce)), nonce };
}
