"""Preparing and encrypting a ballot in headless Chromium vs the Python client.

Run: ``python bench/browser_encrypt.py [--repeat N]`` after the front-end
build (``make assets``). Drives Debian's Chromium (``/usr/bin/chromium``,
or ``OVOTE_CHROMIUM``) through Playwright on the bundled client
(``ovote/static/vote/crypto.js``, served to the page by request
interception, so no server runs), and prints the median time of:

* prepare: checking the definition (fingerprint recomputed, every point
  validated), making the voting key and blinding the token request;
* encrypt: building the signed ballot (ElGamal per option, selection and
  contest proofs, Ed25519 signature, tracking code);

for a ballot with one 1-of-10 contest and one with three contests
(1 of 10, up to 3 of 8, 0 or 1 of 2), next to the same two steps with
ovote/crypto (`request_token`, `build_ballot`) on the same machine. The
browser's prepare step includes the joint key's precomputed table, which
makes each of its ~3 multiplications per option cheaper.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto import blindrsa, tokens
from ovote.crypto.ballot import build_ballot, voting_key_bytes
from ovote.crypto.fingerprint import election_definition, election_fingerprint, joint_key_of
from ovote.crypto.group import Point
from ovote.crypto.threshold import deal, joint_key

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "ovote" / "static" / "vote" / "crypto.js"
ORIGIN = "http://localhost:5000"  # localhost: a secure context, as WebCrypto needs
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def contest(cid, options, low, high):
    return {"id": cid, "labels": {"en": cid}, "options": [{"id": o, "labels": {"en": o}} for o in options],
            "min": low, "max": high}


CONTESTS = {
    "president": contest("president", [f"cand-{i}" for i in range(10)], 1, 1),
    "council": contest("council", [f"c{i}" for i in range(8)], 0, 3),
    "referendum": contest("referendum", ["yes", "no"], 0, 1),
}
CASES = {
    "1-of-10": ("ONE", ["president"], {"president": ["cand-4"]}),
    "3 contests": ("THREE", ["president", "council", "referendum"],
                   {"president": ["cand-4"], "council": ["c1", "c5"], "referendum": ["yes"]}),
}


def style(sid, ids):
    return {"id": sid, "contests": [{"id": c, "options": [o["id"] for o in CONTESTS[c]["options"]],
                                     "min": CONTESTS[c]["min"], "max": CONTESTS[c]["max"]} for c in ids]}


def election():
    trustees = [deal("bench", i, 2)[1] for i in (1, 2, 3)]
    unit_key = blindrsa.generate_key(3072)
    manifest = {"slug": "bench", "title": {"en": "Bench"}, "contests": list(CONTESTS.values()),
                "min_unit_ballots": 10, "max_revotes": 20}
    units = [{"id": unit, "consulate": unit, "ballot_style": style(unit.lower(), ids),
              "public_key": unit_key.public_key()} for unit, ids, _ in CASES.values()]
    definition = election_definition(
        manifest=manifest, threshold=2, trustees=trustees, joint_key=joint_key(trustees),
        units=units, receipt_key=voting_key_bytes(Ed25519PrivateKey.generate()))
    return definition, unit_key


def median_ms(samples):
    return 1000 * statistics.median(samples)


def python_prepare(definition, unit):
    """What the browser's prepare step does, with ovote/crypto."""
    fingerprint = election_fingerprint(definition)
    joint_key_of(definition)  # every commitment and the joint key validated
    Point.from_hex(definition["receipt_key"])
    unit_key = blindrsa.public_key_from_dict(next(u for u in definition["units"] if u["id"] == unit))
    voter = Ed25519PrivateKey.generate()
    tokens.request_token(unit_key, fingerprint, voting_key_bytes(voter))


def python_times(definition, unit_key, repeat):
    fingerprint = election_fingerprint(definition)
    key = Point.from_hex(definition["joint_key"])
    voter = Ed25519PrivateKey.generate()
    request = tokens.request_token(unit_key.public_key(), fingerprint, voting_key_bytes(voter))
    token = tokens.finish_token(unit_key.public_key(), request, tokens.issue_token(unit_key, request.blinded_msg))
    out = {}
    for name, (unit, ids, choices) in CASES.items():
        prepare, encrypt = [], []
        for _ in range(repeat + 1):
            start = time.perf_counter()
            python_prepare(definition, unit)
            prepare.append(time.perf_counter() - start)
            start = time.perf_counter()
            build_ballot(fingerprint=fingerprint, unit_id=unit, ballot_style=style(unit.lower(), ids),
                         joint_key=key, voting_key=voter, token=token, choices=choices)
            encrypt.append(time.perf_counter() - start)
        out[name] = {"prepare": median_ms(prepare[1:]), "encrypt": median_ms(encrypt[1:])}
    return out


PAGE_SCRIPT = """
async ({definition, fingerprint, cases, repeat}) => {
  const c = await import("/vote/crypto.js");
  const now = () => performance.now();
  const result = {};
  for (const [name, [unit, choices]] of Object.entries(cases)) {
    const prepare = [], encrypt = [];
    for (let i = 0; i <= repeat; i++) {
      let t = now();
      const ctx = c.checkDefinition(structuredClone(definition), { fingerprint });
      const kit = c.newKit({ slug: "bench", fingerprintHex: ctx.fingerprintHex });
      const unitKey = await c.importUnitKey(ctx.units.get(unit));
      await c.requestToken(unitKey, ctx.fingerprint, c.fromHex(kit.voting_key));
      prepare.push(now() - t);
      t = now();
      const token = { prefix: "00".repeat(32), signature: "00".repeat(384) };
      const u = ctx.units.get(unit);
      c.buildBallot({ fingerprint: ctx.fingerprint, unitId: unit, ballotStyle: u.ballot_style,
        jointKey: ctx.jointKey, votingSecret: c.votingSecret(kit), token, choices });
      encrypt.push(now() - t);
    }
    const median = (xs) => { const s = xs.slice(1).sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    result[name] = { prepare: median(prepare), encrypt: median(encrypt) };
  }
  return result;
}
"""


def browser_times(definition, repeat):
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("OVOTE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            page.route(f"{ORIGIN}/vote/crypto.js", lambda route: route.fulfill(
                body=BUNDLE.read_bytes(), content_type="text/javascript"))
            page.route(f"{ORIGIN}/", lambda route: route.fulfill(
                body="<!doctype html><title>bench</title>", content_type="text/html"))
            page.goto(f"{ORIGIN}/")
            cases = {name: [unit, choices] for name, (unit, _, choices) in CASES.items()}
            return page.evaluate(PAGE_SCRIPT, {
                "definition": definition, "fingerprint": election_fingerprint(definition).hex(),
                "cases": cases, "repeat": repeat})
        finally:
            browser.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    if not BUNDLE.exists():
        print(f"build the front end first (make assets): {BUNDLE.relative_to(ROOT)} is missing", file=sys.stderr)
        return 1
    definition, unit_key = election()
    py = python_times(definition, unit_key, args.repeat)
    js = browser_times(definition, args.repeat)
    print(f"median of {args.repeat} runs, milliseconds")
    print(f"{'ballot':<12} {'step':<8} {'Chromium':>9} {'Python':>9} {'ratio':>6}")
    for name in CASES:
        for step in ("prepare", "encrypt"):
            b, p = js[name][step], py[name][step]
            print(f"{name:<12} {step:<8} {b:>9.1f} {p:>9.1f} {b / p:>6.1f}")
    print(json.dumps({"browser": js, "python": py}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
