// Driven by tests/frontend/test_js_client.py: the JS client does its half of
// the voting flow, the Python side (ovote/crypto) plays the server.
//   node interop.mjs request  < {definition, fingerprint, unit}
//     -> {kit, request}                  (voting key made, token blinded)
//   node interop.mjs ballot   < {definition, fingerprint, kit, request, blind_sig, choices}
//     -> {ballot, tracking_code, audit}  (token finished, ballot built)
import { readFileSync } from "node:fs";
import {
  auditDocument, buildBallot, checkDefinition, finishToken, fromHex, importUnitKey, newKit,
  requestToken, votingSecret,
} from "../src/crypto/index.js";

const input = JSON.parse(readFileSync(0, "utf8"));
const ctx = checkDefinition(input.definition, { fingerprint: input.fingerprint });

async function request() {
  const kit = newKit({ slug: ctx.manifest.slug, fingerprintHex: ctx.fingerprintHex });
  const unitKey = await importUnitKey(ctx.units.get(input.unit));
  kit.unit = input.unit;
  kit.token_request = await requestToken(unitKey, ctx.fingerprint, fromHex(kit.voting_key));
  return { kit };
}

async function ballot() {
  const { kit } = input;
  const unit = ctx.units.get(kit.unit);
  const token = await finishToken(await importUnitKey(unit), kit.token_request, input.blind_sig);
  const built = buildBallot({
    fingerprint: ctx.fingerprint, unitId: unit.id, ballotStyle: unit.ballot_style, jointKey: ctx.jointKey,
    votingSecret: votingSecret(kit), token, choices: input.choices,
  });
  return { ballot: built.ballot, tracking_code: built.trackingCode, audit: auditDocument(ctx, built.ballot, built.nonces) };
}

const result = await { request, ballot }[process.argv[2]]();
process.stdout.write(JSON.stringify(result));
