// Ballots on the wire (DESIGN.md §3.7): construction, signature, tracking
// code, and the structural and cryptographic checks of §3.8 (the client runs
// them on ballots it fetches back from the board).
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { fromHex, toHex } from "./bytes.js";
import { canonicalBytes } from "./canonical.js";
import { encrypt } from "./elgamal.js";
import { fail } from "./errors.js";
import { IDENTITY, decodePoint, decodeScalar, mod, randomScalar, scalarHex } from "./group.js";
import {
  CONTEST_INDEX,
  CONTEST_TAG,
  SELECTION_TAG,
  SELECTION_VALUES,
  proofToWire,
  proveRange,
  verifyRange,
} from "./proofs.js";

export const VERSION = "ovote/v1";
const BALLOT_FIELDS = ["contests", "election", "signature", "token", "unit", "version", "voting_key"];

const isPlain = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const sameKeys = (obj, keys) => isPlain(obj) && Object.keys(obj).sort().join() === [...keys].sort().join();

/** Counts a contest's sum proof allows: min..max. */
export function contestValues(contest) {
  const out = [];
  for (let v = contest.min; v <= contest.max; v++) out.push(v);
  return out;
}

/** The checks of ovote/crypto/ballot_style.py; throws bad_definition. */
export function checkBallotStyle(style) {
  const bad = (m) => fail("bad_definition", `ballot style: ${m}`);
  if (!sameKeys(style, ["id", "contests"]) || typeof style.id !== "string") bad('expected {"id","contests"}');
  if (!Array.isArray(style.contests) || !style.contests.length) bad("needs at least one contest");
  const seen = new Set();
  for (const contest of style.contests) {
    if (!sameKeys(contest, ["id", "options", "min", "max"])) bad('contest: expected {"id","options","min","max"}');
    if (typeof contest.id !== "string" || seen.has(contest.id)) bad(`contest ${contest.id}: id must be unique`);
    seen.add(contest.id);
    const { options, min, max } = contest;
    if (!Array.isArray(options) || !options.length || !options.every((o) => typeof o === "string") ||
        new Set(options).size !== options.length) bad(`contest ${contest.id}: options must be unique strings`);
    if (!Number.isInteger(min) || !Number.isInteger(max) || !(0 <= min && min <= max && max <= options.length)) {
      bad(`contest ${contest.id}: need 0 <= min <= max <= options`);
    }
  }
}

/**
 * Encrypt one contest. `chosen` is a Set of option ids. Returns the wire
 * form and the nonces (one per option, for a Benaloh audit).
 */
export function encryptContest(contest, chosen, { jointKey, fingerprint, votingKey, random = randomScalar }) {
  for (const option of chosen) {
    if (!contest.options.includes(option)) fail("bad_choice", `contest ${contest.id}: unknown option ${option}`);
  }
  if (chosen.size < contest.min || chosen.size > contest.max) {
    fail("bad_choice", `contest ${contest.id}: choose between ${contest.min} and ${contest.max}`);
  }
  const ctx = { fingerprint, votingKey, contestId: contest.id };
  const selections = [];
  const nonces = [];
  let alpha = IDENTITY;
  let beta = IDENTITY;
  let total = 0n;
  contest.options.forEach((option, index) => {
    const value = chosen.has(option) ? 1 : 0;
    const ct = encrypt(jointKey, value, random());
    const proof = proveRange(ct, ct.nonce, value, SELECTION_VALUES, jointKey, { ...ctx, tag: SELECTION_TAG, index }, random);
    selections.push({ alpha: ct.alpha.toHex(), beta: ct.beta.toHex(), proof: proofToWire(proof) });
    nonces.push(scalarHex(ct.nonce));
    alpha = alpha.add(ct.alpha);
    beta = beta.add(ct.beta);
    total = mod(total + ct.nonce);
  });
  const proof = proveRange({ alpha, beta }, total, chosen.size, contestValues(contest), jointKey,
    { ...ctx, tag: CONTEST_TAG, index: CONTEST_INDEX }, random);
  return { wire: { id: contest.id, selections, proof: proofToWire(proof) }, nonces };
}

/**
 * Build a signed ballot. `votingSecret` is the 32-byte Ed25519 secret key;
 * `choices` maps every contest id of the style to an array of option ids.
 * Returns {ballot, nonces: {contestId: [scalar hex per option]}, trackingCode}.
 */
export function buildBallot({ fingerprint, unitId, ballotStyle, jointKey, votingSecret, token, choices, random = randomScalar }) {
  checkBallotStyle(ballotStyle);
  const ids = ballotStyle.contests.map((c) => c.id);
  const given = Object.keys(choices);
  if (given.length !== ids.length || !ids.every((id) => Object.hasOwn(choices, id))) {
    fail("bad_choice", "choices must name exactly the ballot style's contests");
  }
  const votingKey = ed25519.getPublicKey(votingSecret);
  const contests = [];
  const nonces = {};
  for (const contest of ballotStyle.contests) {
    const chosen = new Set(choices[contest.id]);
    if (chosen.size !== choices[contest.id].length) fail("bad_choice", `contest ${contest.id}: an option is chosen twice`);
    const { wire, nonces: n } = encryptContest(contest, chosen, { jointKey, fingerprint, votingKey, random });
    contests.push(wire);
    nonces[contest.id] = n;
  }
  const body = {
    version: VERSION,
    election: toHex(fingerprint),
    unit: unitId,
    voting_key: toHex(votingKey),
    token: { prefix: token.prefix, signature: token.signature },
    contests,
  };
  const ballot = signBallot(body, votingSecret);
  return { ballot, nonces, trackingCode: trackingCode(ballot) };
}

/** `body` plus the Ed25519 signature over the canonical JSON of its other fields. */
export function signBallot(body, votingSecret) {
  const unsigned = { ...body };
  delete unsigned.signature;
  return { ...unsigned, signature: toHex(ed25519.sign(canonicalBytes(unsigned), votingSecret)) };
}

/** SHA-256 hex of the canonical JSON of the whole ballot, signature included. */
export function trackingCode(ballot) {
  return toHex(sha256(canonicalBytes(ballot)));
}

/** A grouped prefix for display, e.g. "3f2a-9c01-77be-0d42" (as Python's). */
export function shortTrackingCode(code, groups = 4) {
  return Array.from({ length: groups }, (_, i) => code.slice(4 * i, 4 * i + 4)).join("-");
}

/** The whole code in groups of four, for the receipt page. */
export function groupedTrackingCode(code) {
  return code.match(/.{1,4}/g).join(" ");
}

function proofShape(proof, length, where) {
  if (!sameKeys(proof, ["c", "z"])) fail("bad_structure", `${where}: proof must be {"c","z"}`);
  for (const key of ["c", "z"]) {
    const values = proof[key];
    if (!Array.isArray(values) || values.length !== length) fail("bad_structure", `${where}: proof.${key} needs ${length} values`);
    if (!values.every((v) => typeof v === "string")) fail("bad_structure", `${where}: proof.${key} holds non-strings`);
  }
}

function decodeProof(proof, where) {
  return {
    c: proof.c.map((v) => decodeScalar(v, `${where} proof.c`)),
    z: proof.z.map((v) => decodeScalar(v, `${where} proof.z`)),
  };
}

/**
 * The ballot checks of §3.8 except the token (see tokens.verifyToken):
 * signature, structure against the style, encodings, proofs. Throws an
 * OvoteError with the server's code for the first failure.
 */
export function verifyBallot(ballot, { fingerprint, unitId, ballotStyle, jointKey }) {
  if (!isPlain(ballot)) fail("bad_structure", "ballot: expected a JSON object");
  if (!isPlain(ballot.token) || typeof ballot.token.prefix !== "string" || typeof ballot.token.signature !== "string") {
    fail("bad_structure", 'token: expected {"prefix","signature"}');
  }
  for (const field of ["voting_key", "signature"]) {
    if (typeof ballot[field] !== "string") fail("bad_structure", `${field}: missing`);
  }
  const votingKey = fromHex(ballot.voting_key, 32, "voting_key");
  fromHex(ballot.token.prefix, 32, "token.prefix");
  fromHex(ballot.token.signature, null, "token.signature");
  const signature = fromHex(ballot.signature, 64, "signature");
  try {
    decodePoint(ballot.voting_key);
  } catch {
    fail("bad_signature", "voting_key: not a valid Ed25519 key");
  }
  const unsigned = { ...ballot };
  delete unsigned.signature;
  if (!ed25519.verify(signature, canonicalBytes(unsigned), votingKey, { zip215: false })) {
    fail("bad_signature", "ballot signature does not verify");
  }
  if (!sameKeys(ballot, BALLOT_FIELDS)) fail("bad_structure", `ballot: fields must be ${BALLOT_FIELDS}`);
  if (ballot.version !== VERSION) fail("bad_structure", "ballot: unsupported version");
  if (ballot.election !== toHex(fingerprint)) fail("bad_structure", "ballot: for another election");
  if (ballot.unit !== unitId) fail("bad_structure", "ballot: for another unit");
  if (!sameKeys(ballot.token, ["prefix", "signature"])) fail("bad_structure", 'token: fields must be "prefix","signature"');
  const style = ballotStyle.contests;
  if (!Array.isArray(ballot.contests) || ballot.contests.length !== style.length) {
    fail("bad_structure", `ballot: needs ${style.length} contests`);
  }
  style.forEach((contest, k) => {
    const entry = ballot.contests[k];
    if (!sameKeys(entry, ["id", "selections", "proof"])) fail("bad_structure", `contest ${contest.id}: fields must be "id","selections","proof"`);
    if (entry.id !== contest.id) fail("bad_structure", `contest ${contest.id}: expected here`);
    if (!Array.isArray(entry.selections) || entry.selections.length !== contest.options.length) {
      fail("bad_structure", `contest ${contest.id}: needs ${contest.options.length} selections`);
    }
    entry.selections.forEach((sel, i) => {
      const where = `contest ${contest.id} selection ${i}`;
      if (!sameKeys(sel, ["alpha", "beta", "proof"])) fail("bad_structure", `${where}: fields must be "alpha","beta","proof"`);
      if (typeof sel.alpha !== "string" || typeof sel.beta !== "string") fail("bad_structure", `${where}: alpha and beta must be strings`);
      proofShape(sel.proof, SELECTION_VALUES.length, where);
    });
    proofShape(entry.proof, contest.max - contest.min + 1, `contest ${contest.id}`);
  });
  const decoded = style.map((contest, k) => {
    const entry = ballot.contests[k];
    const selections = entry.selections.map((sel, i) => {
      const where = `contest ${contest.id} selection ${i}`;
      return {
        alpha: decodePoint(sel.alpha, { what: `${where} alpha` }),
        beta: decodePoint(sel.beta, { what: `${where} beta` }),
        proof: decodeProof(sel.proof, where),
      };
    });
    return { contest, selections, proof: decodeProof(entry.proof, `contest ${contest.id}`) };
  });
  for (const { contest, selections } of decoded) {
    selections.forEach((sel, index) => {
      const ctx = { tag: SELECTION_TAG, fingerprint, votingKey, contestId: contest.id, index };
      if (!verifyRange(sel.proof, sel, SELECTION_VALUES, jointKey, ctx)) {
        fail("bad_proof", `contest ${contest.id} selection ${index}: proof fails`);
      }
    });
  }
  for (const { contest, selections, proof } of decoded) {
    const sum = selections.reduce((acc, s) => ({ alpha: acc.alpha.add(s.alpha), beta: acc.beta.add(s.beta) }),
      { alpha: IDENTITY, beta: IDENTITY });
    const ctx = { tag: CONTEST_TAG, fingerprint, votingKey, contestId: contest.id, index: CONTEST_INDEX };
    if (!verifyRange(proof, sum, contestValues(contest), jointKey, ctx)) fail("bad_proof", `contest ${contest.id}: sum proof fails`);
  }
  return { trackingCode: trackingCode(ballot), votingKey };
}
