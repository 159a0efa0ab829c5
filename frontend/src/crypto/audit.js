// The Benaloh challenge ("check this encryption"): the voter's device reveals
// the randomness of a ballot it will never cast, and anyone can then see
// what the ballot encrypts. Each selection must satisfy alpha = r·B and
// beta − r·K ∈ {0·B, 1·B}; the proofs and signature are checked as the server
// would. The same check is `ovote vote audit FILE` in Python.
import { fail } from "./errors.js";
import { checkDefinition } from "./definition.js";
import { verifyBallot } from "./ballot.js";
import { BASE, IDENTITY, decodePoint, decodeScalar, mul } from "./group.js";

export const AUDIT_VERSION = "ovote/audit/v1";

/** The downloadable audit document of a ballot that will not be cast. */
export function auditDocument(ctx, ballot, nonces) {
  return { version: AUDIT_VERSION, definition: ctx.definition, ballot, nonces };
}

/**
 * Open an audit document: returns {trackingCode, contests: [{id, chosen: [option ids]}]}.
 * `ctx` may be given (the page's checked definition); otherwise the
 * definition inside the document is checked against the ballot's election.
 */
export function openAudit(doc, ctx = null) {
  const bad = (m) => fail("bad_audit", m);
  if (doc === null || typeof doc !== "object" || doc.version !== AUDIT_VERSION) bad("not an ovote audit document");
  const { ballot, nonces } = doc;
  if (ballot === null || typeof ballot !== "object") bad("the audit holds no ballot");
  ctx = ctx ?? checkDefinition(doc.definition, { fingerprint: ballot.election });
  const unit = ctx.units.get(ballot.unit);
  if (!unit) bad(`unit ${ballot.unit} is not in this election`);
  const style = unit.ballot_style;
  const { trackingCode } = verifyBallot(ballot, {
    fingerprint: ctx.fingerprint, unitId: unit.id, ballotStyle: style, jointKey: ctx.jointKey,
  });
  const contests = style.contests.map((contest, k) => {
    const revealed = nonces?.[contest.id];
    if (!Array.isArray(revealed) || revealed.length !== contest.options.length) {
      bad(`contest ${contest.id}: needs one nonce per option`);
    }
    const chosen = [];
    ballot.contests[k].selections.forEach((sel, i) => {
      const r = decodeScalar(revealed[i], `contest ${contest.id} nonce ${i}`);
      const alpha = decodePoint(sel.alpha);
      if (!mul(BASE, r).equals(alpha)) bad(`contest ${contest.id} option ${contest.options[i]}: the nonce does not open this encryption`);
      const m = decodePoint(sel.beta).subtract(mul(ctx.jointKey, r));
      if (m.equals(BASE)) chosen.push(contest.options[i]);
      else if (!m.equals(IDENTITY)) bad(`contest ${contest.id} option ${contest.options[i]}: encrypts neither 0 nor 1`);
    });
    return { id: contest.id, chosen };
  });
  return { trackingCode, contests };
}
