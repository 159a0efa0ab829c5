// Receipts (DESIGN.md §3.8): the election's Ed25519 receipt key signs
// "ovote/receipt/v1" || 0x00 || canonical JSON of the five other fields.
// A receipt that fails here means the server did not accept what we sent,
// or is lying about it: the vote is not taken as cast.
import { ed25519 } from "@noble/curves/ed25519.js";
import { concat, fromHex, utf8 } from "./bytes.js";
import { canonicalBytes } from "./canonical.js";
import { trackingCode } from "./ballot.js";
import { fail } from "./errors.js";

export const RECEIPT_DOMAIN = "ovote/receipt/v1";
const FIELDS = ["board_head", "election", "received_at", "seq", "signature", "tracking_code"];
const RFC3339_SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function receiptMessage(receipt) {
  const { election, tracking_code, seq, received_at, board_head } = receipt;
  return concat(utf8(RECEIPT_DOMAIN), new Uint8Array([0]),
    canonicalBytes({ election, tracking_code, seq, received_at, board_head }));
}

/** Check a receipt for the ballot with `trackingCode`; returns it unchanged. */
export function verifyReceipt(receipt, { fingerprintHex, receiptKey }, trackingCode) {
  const bad = (m) => fail("bad_receipt", `receipt: ${m}`);
  if (receipt === null || typeof receipt !== "object" || Object.keys(receipt).sort().join() !== FIELDS.join()) {
    bad(`fields must be exactly ${FIELDS}`);
  }
  if (receipt.election !== fingerprintHex) bad("for another election");
  if (receipt.tracking_code !== trackingCode) bad("for another ballot");
  if (!Number.isSafeInteger(receipt.seq) || receipt.seq < 1) bad("seq must be a positive integer");
  if (typeof receipt.received_at !== "string" || !RFC3339_SECOND.test(receipt.received_at)) bad("received_at is not UTC to the second");
  fromHex(receipt.board_head, 32, "receipt board_head");
  const signature = fromHex(receipt.signature, 64, "receipt signature");
  if (!ed25519.verify(signature, receiptMessage(receipt), receiptKey, { zip215: false })) {
    bad("the election's signature does not verify");
  }
  return receipt;
}

/**
 * Check the board's answer for a receipted ballot (GET board/{tracking_code}:
 * {"entry", "ballot"}): the entry is the receipt's (same seq and chain value)
 * and the ballot it shows is the one that was cast. Returns the entry.
 */
export function checkBoardEntry(answer, receipt, ballot = null) {
  const bad = (m) => fail("bad_board", `bulletin board: ${m}`);
  const entry = answer?.entry;
  if (!entry || typeof entry !== "object") bad("no entry for this tracking code");
  if (entry.tracking_code !== receipt.tracking_code) bad("the entry is for another ballot");
  if (entry.seq !== receipt.seq || entry.chain !== receipt.board_head) bad("the entry is not where the receipt put it");
  if (!answer.ballot || typeof answer.ballot !== "object" || trackingCode(answer.ballot) !== receipt.tracking_code) {
    bad("the ballot shown does not have this tracking code");
  }
  if (ballot !== null && trackingCode(ballot) !== receipt.tracking_code) bad("the ballot shown is not the one cast");
  return entry;
}
