// Disjunctive (CDS) range proofs of DESIGN.md §3.4, the same computation as
// ovote/crypto/proofs.py so that, given the same randomness, both produce
// the same bytes. For each value v_j:
//   a_j = z_j·B − c_j·alpha,  b_j = z_j·K − c_j·(beta − v_j·B)
// and sum(c_j) = H(tag, fingerprint, voting_key, contest_id, index,
//                  alpha, beta, a_0, b_0, ...).
import { challenge } from "./hash.js";
import { BASE, mod, mul, mulPublic, randomScalar, scalarBytes, scalarHex, smallMultiple } from "./group.js";

export const SELECTION_TAG = "ovote/v1/selection";
export const CONTEST_TAG = "ovote/v1/contest";
export const CONTEST_INDEX = 0xffffffff;
export const SELECTION_VALUES = [0, 1];

function rangeChallenge(ctx, alpha, beta, parts) {
  return challenge(ctx.tag, ctx.fingerprint, ctx.votingKey, ctx.contestId, ctx.index, alpha, beta, ...parts);
}

/**
 * Prove that (alpha, beta) = Enc(value; nonce) with value among `values`.
 * `ctx` = {tag, fingerprint (32 bytes), votingKey (32 bytes), contestId, index}.
 * Randomness is drawn in Python's order: t, then (c_j, z_j) for each
 * simulated branch in increasing j. Returns {c: [bigint], z: [bigint]}.
 */
export function proveRange(ciphertext, nonce, value, values, jointKey, ctx, random = randomScalar) {
  const real = values.indexOf(value);
  if (real < 0) throw new RangeError("the value is not among the allowed ones");
  const { alpha, beta } = ciphertext;
  const c = [];
  const z = [];
  const parts = [];
  const t = random();
  values.forEach((v, j) => {
    if (j === real) {
      c.push(null);
      z.push(null);
      parts.push(mul(BASE, t), mul(jointKey, t));
    } else {
      const cj = random();
      const zj = random();
      c.push(cj);
      z.push(zj);
      // Always subtract v·B (the identity for 0): the work must not depend on the vote.
      const shifted = beta.subtract(smallMultiple(v));
      parts.push(mul(BASE, zj).subtract(mul(alpha, cj)), mul(jointKey, zj).subtract(mul(shifted, cj)));
    }
  });
  let cReal = rangeChallenge(ctx, alpha, beta, parts);
  c.forEach((cj, j) => {
    if (j !== real) cReal = mod(cReal - cj);
  });
  c[real] = cReal;
  z[real] = mod(t + cReal * nonce);
  return { c, z };
}

/** Check a decoded range proof; all inputs already validated. */
export function verifyRange(proof, ciphertext, values, jointKey, ctx) {
  if (!values.length || proof.c.length !== values.length || proof.z.length !== values.length) return false;
  const { alpha, beta } = ciphertext;
  const parts = [];
  values.forEach((v, j) => {
    const shifted = v ? beta.subtract(smallMultiple(v)) : beta;
    parts.push(
      mulPublic(BASE, proof.z[j]).subtract(mulPublic(alpha, proof.c[j])),
      mulPublic(jointKey, proof.z[j]).subtract(mulPublic(shifted, proof.c[j])),
    );
  });
  const expected = rangeChallenge(ctx, alpha, beta, parts);
  return proof.c.reduce((a, b) => mod(a + b), 0n) === expected;
}

export function proofToWire(proof) {
  return { c: proof.c.map(scalarHex), z: proof.z.map(scalarHex) };
}

export { scalarBytes };
