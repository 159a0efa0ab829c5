// The voting kit: what the voter's device keeps to come back and revote (the
// voting key, the token or the pending token request, the receipts), stored
// in the browser and downloadable as a JSON file for another device. It holds
// the secret voting key: whoever has the kit can revote in the voter's name.
import { ed25519 } from "@noble/curves/ed25519.js";
import { fromHex, randomBytes, toHex } from "./bytes.js";
import { fail } from "./errors.js";

export const KIT_VERSION = "ovote/kit/v1";
const FIELDS = ["election", "receipts", "slug", "token", "token_request", "unit", "version", "voting_key", "voting_secret"];

/** A new kit with a fresh voting key made on this device. */
export function newKit({ slug, fingerprintHex }) {
  const secret = randomBytes(32);
  return {
    version: KIT_VERSION,
    slug,
    election: fingerprintHex,
    voting_secret: toHex(secret),
    voting_key: toHex(ed25519.getPublicKey(secret)),
    unit: null,
    token_request: null,
    token: null,
    receipts: [],
  };
}

export function votingSecret(kit) {
  return fromHex(kit.voting_secret, 32, "kit voting_secret");
}

export function serializeKit(kit) {
  return JSON.stringify(kit, null, 2);
}

/** Parse a kit file; `fingerprintHex`, when given, must be its election. */
export function parseKit(text, { fingerprintHex = null } = {}) {
  const bad = (m) => fail("bad_kit", `voting kit: ${m}`);
  let kit;
  try {
    kit = JSON.parse(text);
  } catch {
    bad("not a JSON file");
  }
  if (kit === null || typeof kit !== "object" || kit.version !== KIT_VERSION) bad("not an ovote voting kit");
  if (Object.keys(kit).sort().join() !== FIELDS.join()) bad("unexpected fields");
  fromHex(kit.election, 32, "kit election");
  if (fingerprintHex !== null && kit.election !== fingerprintHex) bad("made for another election");
  if (toHex(ed25519.getPublicKey(votingSecret(kit))) !== kit.voting_key) bad("its voting key does not match its secret");
  if (kit.token !== null && (typeof kit.token?.prefix !== "string" || typeof kit.token?.signature !== "string")) bad("bad token");
  if (kit.token !== null && typeof kit.unit !== "string") bad("a token without its unit");
  if (!Array.isArray(kit.receipts)) bad("receipts must be a list");
  return kit;
}
