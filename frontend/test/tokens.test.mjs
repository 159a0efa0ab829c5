import assert from "node:assert/strict";
import { test } from "node:test";
import { RSABSSA } from "@cloudflare/blindrsa-ts";
import {
  OvoteError, bitLength, finishToken, fromHex, importUnitKey, requestToken, toBase64Url, toHex,
  tokenMessage, verifyToken,
} from "../src/crypto/index.js";
import { vectors } from "./helpers.mjs";

const strip = (h) => h.replace(/^0x/, "");
const big = (h) => BigInt("0x" + strip(h));
function bigBytes(n) {
  let h = n.toString(16);
  if (h.length % 2) h = "0" + h;
  return fromHex(h);
}
function modInverse(a, m) {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** Replay the given random octets to WebCrypto, as the RFC's vectors fix them. */
function withRandom(queue, action) {
  const rng = Object.getOwnPropertyDescriptor(globalThis.crypto, "getRandomValues");
  Object.defineProperty(globalThis.crypto, "getRandomValues", {
    configurable: true,
    value: (array) => {
      if (!array.length) return array;
      const next = queue.shift();
      assert.equal(next?.length, array.length, "unexpected random draw");
      array.set(next);
      return array;
    },
  });
  const restore = () => (rng ? Object.defineProperty(globalThis.crypto, "getRandomValues", rng) : delete globalThis.crypto.getRandomValues);
  return Promise.resolve().then(action).finally(restore);
}

function privateJwk({ n, e, d, p, q }) {
  const [N, E, D, P, Q] = [n, e, d, p, q].map(big);
  const b64 = (x) => toBase64Url(bigBytes(x));
  return { kty: "RSA", n: b64(N), e: b64(E), d: b64(D), p: b64(P), q: b64(Q),
    dp: b64(D % (P - 1n)), dq: b64(D % (Q - 1n)), qi: b64(modInverse(Q, P)), alg: "PS384", ext: true };
}

const SUITES = {
  "RSABSSA-SHA384-PSS-Randomized": () => RSABSSA.SHA384.PSS.Randomized(),
  "RSABSSA-SHA384-PSSZERO-Randomized": () => RSABSSA.SHA384.PSSZero.Randomized(),
  "RSABSSA-SHA384-PSS-Deterministic": () => RSABSSA.SHA384.PSS.Deterministic(),
  "RSABSSA-SHA384-PSSZERO-Deterministic": () => RSABSSA.SHA384.PSSZero.Deterministic(),
};

for (const v of vectors().rfc9474) {
  test(`RFC 9474 vector ${v.name}: blindrsa-ts prepares, blinds and finalises as the RFC`, async () => {
    const suite = SUITES[v.name]();
    const pub = await importUnitKey({ n: toHex(bigBytes(big(v.n))), e: toHex(bigBytes(big(v.e))) }, 4096);
    const kLen = pub.algorithm.modulusLength / 8;
    const r = bigBytes(big(v.r));
    const rPadded = new Uint8Array(kLen);
    rPadded.set(r, kLen - r.length);
    const queue = [];
    if (v.msg_prefix) queue.push(fromHex(v.msg_prefix));
    if (v.salt) queue.push(fromHex(v.salt));
    queue.push(rPadded);
    await withRandom(queue, async () => {
      const input = suite.prepare(fromHex(v.msg));
      assert.equal(toHex(input), v.input_msg);
      const { blindedMsg, inv } = await suite.blind(pub, input);
      assert.equal(toHex(blindedMsg), v.blinded_msg);
      assert.equal(big(toHex(inv)), big(v.inv));
      // The signer's half (blindSign) is the server's, checked in Python.
      assert.equal(toHex(await suite.finalize(pub, input, fromHex(v.blind_sig), inv)), v.sig);
      assert.equal(queue.length, 0);
    });
  });
}

test("the token message is Python's", () => {
  const { fingerprint, token_message } = vectors();
  assert.equal(toHex(tokenMessage(fromHex(fingerprint), fromHex(token_message.voting_key))), token_message.message);
});

test("a token round trip: blind, sign as the unit, finish, verify, and refuse a wrong answer", async () => {
  const { fingerprint, unit_private, definition } = vectors();
  const unit = definition.units[0];
  const pub = await importUnitKey(unit);
  assert.equal(bitLength(fromHex(unit.n)), 3072);
  const priv = await crypto.subtle.importKey("jwk", privateJwk(unit_private), { name: "RSA-PSS", hash: "SHA-384" }, true, ["sign"]);
  const votingKey = crypto.getRandomValues(new Uint8Array(32));
  const fp = fromHex(fingerprint);
  const request = await requestToken(pub, fp, votingKey);
  const blindSig = await RSABSSA.SHA384.PSS.Randomized().blindSign(priv, fromHex(request.blinded_msg));
  const token = await finishToken(pub, request, toHex(blindSig));
  assert.equal(token.prefix, request.input_msg.slice(0, 64));
  assert.equal(await verifyToken(pub, fp, votingKey, token), true);
  // A request saved by the Python client (inv without leading zeros) finishes too.
  const pythonStyle = { ...request, inv: BigInt("0x" + request.inv).toString(16) };
  assert.deepEqual(await finishToken(pub, pythonStyle, toHex(blindSig)), token);
  assert.equal(await verifyToken(pub, fp, crypto.getRandomValues(new Uint8Array(32)), token), false);
  const wrong = toHex(blindSig).replace(/^../, (b) => (b === "00" ? "01" : "00"));
  await assert.rejects(finishToken(pub, request, wrong), (e) => e instanceof OvoteError && e.code === "bad_token");
});

test("a unit key that is not 3072-bit is refused", async () => {
  const { n, e } = vectors().rfc9474[0];
  await assert.rejects(importUnitKey({ n: strip(n), e: strip(e) }), (err) => err.code === "bad_definition");
});
