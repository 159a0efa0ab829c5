import assert from "node:assert/strict";
import { test } from "node:test";
import { OvoteError, checkDefinition, fingerprintOf, toHex } from "../src/crypto/index.js";
import { vectors } from "./helpers.mjs";

const code = (c, words) => (error) => {
  assert.ok(error instanceof OvoteError, error);
  assert.equal(error.code, c, error.message);
  if (words) assert.match(error.message, words);
  return true;
};
const copy = (v) => JSON.parse(JSON.stringify(v));
// The identity and a point of order 8: both of small order.
const IDENTITY = "01" + "00".repeat(31);
const ORDER_8 = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05";

/** Tamper with a definition and re-fingerprint it, as a hostile server would. */
function hostile(change) {
  const definition = copy(vectors().definition);
  change(definition);
  return { definition, fingerprint: toHex(fingerprintOf(definition)) };
}

test("the fingerprint is recomputed from the definition document as Python does", () => {
  const { definition, fingerprint } = vectors();
  assert.equal(toHex(fingerprintOf(definition)), fingerprint);
  const ctx = checkDefinition(definition, { fingerprint });
  assert.equal(ctx.fingerprintHex, fingerprint);
  assert.deepEqual([...ctx.units.keys()], ["BR02-short", "FR01-full"]);
  assert.equal(ctx.jointKey.toHex(), definition.joint_key);
});

test("a changed definition under the old fingerprint is refused", () => {
  const { definition, fingerprint } = vectors();
  const changed = copy(definition);
  changed.manifest.contests[0].options[0].labels.en = "Someone else";
  assert.throws(() => checkDefinition(changed, { fingerprint }), code("bad_fingerprint", /does not match its fingerprint/));
  const other = fingerprint.replace(/^./, (c) => (c === "0" ? "1" : "0"));
  assert.throws(() => checkDefinition(definition, { fingerprint: other }), code("bad_fingerprint"));
});

const HOSTILE = [
  ["a small-order joint key", (d) => { d.joint_key = ORDER_8; }, /joint key: a point of small order/],
  ["the identity as joint key", (d) => { d.joint_key = IDENTITY; }, /joint key: the identity/],
  ["a joint key outside the prime-order subgroup", (d) => {
    d.joint_key = vectors().points.find((p) => !p.valid && p.hex.length === 64 && !p.hex.startsWith("26e8") && p.hex !== IDENTITY).hex;
  }, /joint key/],
  ["a joint key that is not the trustees' sum", (d) => { d.joint_key = d.trustees[0].commitments[0]; }, /not the sum/],
  ["a small-order commitment", (d) => { d.trustees[1].commitments[1] = ORDER_8; }, /trustee 2 commitment 1: a point of small order/],
  ["a small-order receipt key", (d) => { d.receipt_key = ORDER_8; }, /receipt key: a point of small order/],
  ["a 2048-bit unit key", (d) => { d.units[0].n = "c" + "0".repeat(511); }, /3072-bit modulus/],
  ["a non-minimal exponent", (d) => { d.units[0].e = "00010001"; }, /minimal/],
  ["a ballot style that differs from the manifest", (d) => { d.units[0].ballot_style.contests[0].max = 2; }, /differs from the manifest/],
  ["an option relabelled only in a style", (d) => { d.units[1].ballot_style.contests[0].options.reverse(); }, /differs from the manifest/],
  ["a consulate code that could pass for a pool", (d) => { d.units[0].consulate = "pool:BR02"; }, /consulate code/],
  ["units out of order", (d) => { d.units.reverse(); }, /not sorted/],
  ["an extra field", (d) => { d.extra = 1; }, /fields must be exactly/],
  ["a threshold above the trustees", (d) => { d.threshold = 4; }, /threshold/],
];

for (const [what, change, message] of HOSTILE) {
  test(`a definition with ${what} is refused even under its own fingerprint`, () => {
    const { definition, fingerprint } = hostile(change);
    assert.throws(() => checkDefinition(definition, { fingerprint }), code("bad_definition", message));
  });
}
