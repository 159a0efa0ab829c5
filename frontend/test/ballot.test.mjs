import assert from "node:assert/strict";
import { test } from "node:test";
import {
  OvoteError, auditDocument, buildBallot, checkBoardEntry, canonicalJson, checkDefinition, decodeScalar, fromHex,
  importUnitKey, newKit, openAudit, parseKit, scalarHex, serializeKit, shortTrackingCode, signBallot, toHex,
  trackingCode, verifyBallot, verifyReceipt, verifyToken, votingSecret,
} from "../src/crypto/index.js";
import { replay, vectors } from "./helpers.mjs";

const code = (c, words) => (error) => {
  assert.ok(error instanceof OvoteError, error);
  assert.equal(error.code, c, error.message);
  if (words) assert.match(error.message, words);
  return true;
};
const copy = (v) => JSON.parse(JSON.stringify(v));
const context = () => checkDefinition(vectors().definition, { fingerprint: vectors().fingerprint });
const unitArgs = (ctx, id) => ({
  fingerprint: ctx.fingerprint, unitId: id, ballotStyle: ctx.units.get(id).ballot_style, jointKey: ctx.jointKey,
});
const flip = (hex) => (hex[0] === "0" ? "1" : "0") + hex.slice(1);

test("a ballot built by Python passes the client's checks with the same tracking code", async () => {
  const ctx = context();
  const { ballot, tracking_code } = vectors().ballot;
  const result = verifyBallot(ballot, unitArgs(ctx, "FR01-full"));
  assert.equal(result.trackingCode, tracking_code);
  const unitKey = await importUnitKey(ctx.units.get("FR01-full"));
  assert.equal(await verifyToken(unitKey, ctx.fingerprint, fromHex(ballot.voting_key), ballot.token), true);
});

test("a ballot built by JS with Python's randomness equals Python's byte for byte", () => {
  const ctx = context();
  const fixed = vectors().fixed_ballot;
  const random = replay(fixed.randomness, (h) => decodeScalar(h));
  const { ballot, trackingCode: code } = buildBallot({
    ...unitArgs(ctx, fixed.unit), votingSecret: fromHex(fixed.voting_secret), token: fixed.token,
    choices: fixed.choices, random,
  });
  assert.equal(random.used(), fixed.randomness.length);
  assert.equal(canonicalJson(ballot), fixed.canonical);
  assert.equal(code, fixed.tracking_code);
  assert.equal(shortTrackingCode(code), `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}-${code.slice(12, 16)}`);
});

test("a JS ballot verifies, and any change is refused with the server's code", () => {
  const ctx = context();
  const args = unitArgs(ctx, "FR01-full");
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const { ballot } = buildBallot({
    ...args, votingSecret: secret, token: vectors().ballot.ballot.token,
    choices: { president: ["cand-3"], council: ["c1", "c2", "c3"], referendum: ["yes"] },
  });
  assert.equal(verifyBallot(ballot, args).trackingCode, trackingCode(ballot));
  const L = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";
  const ORDER_8 = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05";
  const cases = [
    ["bad_signature", false, (b) => { b.contests[0].selections[0].proof.c[0] = flip(b.contests[0].selections[0].proof.c[0]); }],
    ["bad_encoding", false, (b) => { b.signature = b.signature.slice(2); }],
    ["bad_structure", true, (b) => { b.contests.pop(); }],
    ["bad_structure", true, (b) => { b.unit = "BR02-short"; }],
    ["bad_point", true, (b) => { b.contests[1].selections[2].beta = ORDER_8; }],
    ["bad_scalar", true, (b) => { b.contests[2].proof.z[0] = L; }],
    ["bad_proof", true, (b) => { b.contests[0].selections[3].proof.c[0] = scalarHex(decodeScalar(b.contests[0].selections[3].proof.c[0]) + 1n); }],
    ["bad_proof", true, (b) => { [b.contests[1].selections[0], b.contests[1].selections[1]] = [b.contests[1].selections[1], b.contests[1].selections[0]]; }],
  ];
  for (const [expected, resign, change] of cases) {
    let bad = copy(ballot);
    change(bad);
    if (resign) bad = signBallot(bad, secret);
    assert.throws(() => verifyBallot(bad, args), code(expected));
  }
});

test("choices outside a contest's rules are refused before encrypting", () => {
  const ctx = context();
  const base = { ...unitArgs(ctx, "BR02-short"), votingSecret: new Uint8Array(32).fill(1), token: vectors().ballot.ballot.token };
  for (const choices of [
    { president: [], referendum: [] }, // president needs exactly one
    { president: ["cand-0", "cand-1"], referendum: [] },
    { president: ["nobody"], referendum: [] },
    { president: ["cand-0"] },
    { president: ["cand-0"], referendum: ["yes", "yes"] },
  ]) assert.throws(() => buildBallot({ ...base, choices }), code("bad_choice"));
});

test("the receipt is checked with the definition's receipt key", () => {
  const ctx = context();
  const { receipt } = vectors();
  const tc = vectors().ballot.tracking_code;
  assert.deepEqual(verifyReceipt(receipt, ctx, tc), receipt);
  const forged = { ...receipt, signature: flip(receipt.signature) };
  assert.throws(() => verifyReceipt(forged, ctx, tc), code("bad_receipt", /signature does not verify/));
  assert.throws(() => verifyReceipt({ ...receipt, seq: 2 }, ctx, tc), code("bad_receipt", /signature/));
  assert.throws(() => verifyReceipt(receipt, ctx, flip(tc)), code("bad_receipt", /another ballot/));
  assert.throws(() => verifyReceipt({ ...receipt, extra: 1 }, ctx, tc), code("bad_receipt"));
  const otherKey = { ...ctx, receiptKey: fromHex(ctx.definition.trustees[0].commitments[0]) };
  assert.throws(() => verifyReceipt(receipt, otherKey, tc), code("bad_receipt"));
});

test("a Benaloh audit reveals what the encryption holds, and a wrong nonce is caught", () => {
  const ctx = context();
  const choices = { president: ["cand-1"], council: ["c0", "c3"], referendum: [] };
  const { ballot, nonces, trackingCode: tc } = buildBallot({
    ...unitArgs(ctx, "FR01-full"), votingSecret: crypto.getRandomValues(new Uint8Array(32)),
    token: vectors().ballot.ballot.token, choices,
  });
  const doc = JSON.parse(JSON.stringify(auditDocument(ctx, ballot, nonces)));
  const opened = openAudit(doc);
  assert.equal(opened.trackingCode, tc);
  assert.deepEqual(opened.contests, Object.entries(choices).map(([id, chosen]) => ({ id, chosen })));
  const wrong = copy(doc);
  wrong.nonces.council[1] = scalarHex(decodeScalar(wrong.nonces.council[1]) + 1n);
  assert.throws(() => openAudit(wrong), code("bad_audit", /council option c1/));
  const otherDefinition = copy(doc);
  otherDefinition.definition.manifest.max_revotes = 3;
  assert.throws(() => openAudit(otherDefinition), code("bad_fingerprint"));
});

test("the kit round-trips as JSON and refuses a tampered or foreign one", () => {
  const fp = vectors().fingerprint;
  const kit = newKit({ slug: "x", fingerprintHex: fp });
  kit.unit = "FR01-full";
  kit.token = vectors().ballot.ballot.token;
  kit.receipts.push(vectors().receipt);
  const text = serializeKit(kit);
  assert.deepEqual(parseKit(text, { fingerprintHex: fp }), kit);
  assert.equal(toHex(votingSecret(kit)), kit.voting_secret);
  assert.throws(() => parseKit(text, { fingerprintHex: flip(fp) }), code("bad_kit", /another election/));
  assert.throws(() => parseKit(JSON.stringify({ ...kit, voting_key: flip(kit.voting_key) })), code("bad_kit", /does not match/));
  assert.throws(() => parseKit("{"), code("bad_kit"));
});

test("the board entry of a receipt is checked against it", () => {
  const { receipt, ballot: { ballot } } = vectors();
  const entry = { seq: receipt.seq, tracking_code: receipt.tracking_code, chain: receipt.board_head,
    superseded: false, received_at: receipt.received_at, unit: ballot.unit };
  assert.deepEqual(checkBoardEntry({ entry, ballot }, receipt, ballot), entry);
  assert.throws(() => checkBoardEntry({ entry: { ...entry, chain: flip(entry.chain) }, ballot }, receipt), code("bad_board", /not where the receipt put it/));
  assert.throws(() => checkBoardEntry({ entry: { ...entry, seq: 9 }, ballot }, receipt), code("bad_board"));
  assert.throws(() => checkBoardEntry({ entry, ballot: { ...ballot, unit: "x" } }, receipt), code("bad_board", /does not have this tracking code/));
  assert.throws(() => checkBoardEntry({}, receipt), code("bad_board"));
});
