// Checks of the election definition (DESIGN.md §3.9) before anything is
// encrypted under it: the fingerprint recomputed here, every point
// torsion-free and not of small order, the joint key the sum of the
// trustees' first commitments, unit keys of 3072 bits, ballot styles that
// agree with the manifest. A server that fails any of these is not trusted
// with a vote.
import { sha256 } from "@noble/hashes/sha2.js";
import { fromHex, toHex } from "./bytes.js";
import { checkBallotStyle } from "./ballot.js";
import { canonicalBytes, compareCodePoints } from "./canonical.js";
import { OvoteError, fail } from "./errors.js";
import { IDENTITY, decodePoint } from "./group.js";
import { UNIT_KEY_BITS, bitLength, minimalHex } from "./tokens.js";

export const DEFINITION_VERSION = "ovote/v1";
const DEFINITION_KEYS = ["joint_key", "manifest", "receipt_key", "threshold", "trustees", "units", "version"];
const UNIT_KEYS = ["ballot_style", "consulate", "e", "id", "n"];

const isPlain = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const keysAre = (obj, keys) => isPlain(obj) && Object.keys(obj).sort().join() === [...keys].sort().join();
const bad = (m) => fail("bad_definition", m);

/** SHA-256 of the canonical JSON of the definition (32 bytes). */
export function fingerprintOf(definition) {
  return sha256(canonicalBytes(definition));
}

function checkLabels(labels, where) {
  if (!isPlain(labels) || !Object.keys(labels).length || !Object.values(labels).every((t) => typeof t === "string")) {
    bad(`${where}: labels must map languages to text`);
  }
}

function checkManifest(manifest) {
  if (!keysAre(manifest, ["slug", "title", "contests", "min_unit_ballots", "max_revotes"])) {
    bad('manifest: expected {"slug","title","contests","min_unit_ballots","max_revotes"}');
  }
  checkLabels(manifest.title, "manifest title");
  if (!Number.isInteger(manifest.min_unit_ballots) || manifest.min_unit_ballots < 1) bad("manifest: min_unit_ballots must be >= 1");
  if (!Number.isInteger(manifest.max_revotes) || manifest.max_revotes < 0) bad("manifest: max_revotes must be >= 0");
  if (!Array.isArray(manifest.contests) || !manifest.contests.length) bad("manifest: needs contests");
  const contests = new Map();
  for (const c of manifest.contests) {
    if (!keysAre(c, ["id", "labels", "options", "min", "max"]) || typeof c.id !== "string" || contests.has(c.id)) {
      bad("manifest: each contest is a unique {id, labels, options, min, max}");
    }
    checkLabels(c.labels, `contest ${c.id}`);
    if (!Array.isArray(c.options) || !c.options.length) bad(`contest ${c.id}: needs options`);
    for (const o of c.options) {
      if (!keysAre(o, ["id", "labels"]) || typeof o.id !== "string") bad(`contest ${c.id}: option must be {id, labels}`);
      checkLabels(o.labels, `contest ${c.id} option ${o.id}`);
    }
    contests.set(c.id, c);
  }
  return contests;
}

function point(hex, what) {
  return decodePoint(hex, { what });
}

/**
 * Check a definition received from the server. `fingerprint` is the hex the
 * server (or the voter's kit, or a link) says it has; the definition must
 * hash to it. Returns the election context the other modules take.
 */
export function checkDefinition(definition, { fingerprint }) {
  try {
    return check(definition, fingerprint);
  } catch (error) {
    // Whatever part of the definition is wrong, the verdict is the same.
    if (error instanceof OvoteError && error.code !== "bad_fingerprint") bad(error.message);
    throw error;
  }
}

function check(definition, fingerprint) {
  if (!keysAre(definition, DEFINITION_KEYS)) bad(`definition: fields must be exactly ${DEFINITION_KEYS}`);
  const digest = fingerprintOf(definition);
  if (typeof fingerprint !== "string" || toHex(digest) !== fingerprint) {
    fail("bad_fingerprint", "the election definition does not match its fingerprint");
  }
  if (definition.version !== DEFINITION_VERSION) bad("definition: unsupported version");
  const k = definition.threshold;
  if (!Array.isArray(definition.trustees) || !Number.isInteger(k) || k < 1 || k > definition.trustees.length) {
    bad("definition: the threshold must be between 1 and the number of trustees");
  }
  let sum = IDENTITY;
  definition.trustees.forEach((t, position) => {
    if (!keysAre(t, ["index", "commitments"]) || t.index !== position + 1) bad("trustees: expected indices 1..n in order");
    if (!Array.isArray(t.commitments) || t.commitments.length !== k) bad(`trustee ${t.index}: needs ${k} commitments`);
    const points = t.commitments.map((c, i) => point(c, `trustee ${t.index} commitment ${i}`));
    sum = sum.add(points[0]);
  });
  const jointKey = point(definition.joint_key, "joint key");
  if (!jointKey.equals(sum)) bad("joint key: not the sum of the trustees' commitments");
  // An Ed25519 key of small order lets anyone forge receipts under it.
  point(definition.receipt_key, "receipt key");
  const receiptKey = fromHex(definition.receipt_key, 32, "receipt key");
  const contests = checkManifest(definition.manifest);
  const units = new Map();
  const carried = new Set();
  let previous = null;
  for (const unit of Array.isArray(definition.units) ? definition.units : bad("definition: units must be a list")) {
    if (!keysAre(unit, UNIT_KEYS) || typeof unit.id !== "string" || typeof unit.consulate !== "string") {
      bad(`units: each is exactly {${UNIT_KEYS}}`);
    }
    // Upper-case letters and digits only, so no consulate can pass for a pool.
    if (!/^[A-Z0-9]+$/.test(unit.consulate)) bad(`unit ${unit.id}: consulate code ${unit.consulate} is not upper-case letters and digits`);
    if (previous !== null && compareCodePoints(previous, unit.id) >= 0) bad("units: not sorted by id");
    previous = unit.id;
    checkBallotStyle(unit.ballot_style);
    for (const c of unit.ballot_style.contests) {
      const m = contests.get(c.id);
      if (!m || m.min !== c.min || m.max !== c.max || m.options.map((o) => o.id).join("\u0000") !== c.options.join("\u0000")) {
        bad(`unit ${unit.id}: contest ${c.id} differs from the manifest`);
      }
      carried.add(c.id);
    }
    const n = minimalHex(unit.n, `unit ${unit.id} n`);
    if (bitLength(n) !== UNIT_KEY_BITS) bad(`unit ${unit.id}: the key must have a ${UNIT_KEY_BITS}-bit modulus`);
    minimalHex(unit.e, `unit ${unit.id} e`);
    units.set(unit.id, unit);
  }
  for (const id of contests.keys()) if (!carried.has(id)) bad(`contest ${id}: carried by no ballot style`);
  // A table for K: encryption multiplies by it about three times per option;
  // window 6 costs far less to build than 8 for nearly the same speed-up.
  jointKey.precompute(6, false);
  return {
    definition,
    fingerprint: digest,
    fingerprintHex: toHex(digest),
    jointKey,
    receiptKey,
    manifest: definition.manifest,
    contests,
    units,
  };
}
