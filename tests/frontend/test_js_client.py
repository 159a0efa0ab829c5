"""The browser client's JavaScript against `ovote/crypto`.

* `npm test` (frontend/test/*.test.mjs) runs on vectors that
  `make_vectors.py` makes here from ovote/crypto, so `make test` covers it;
* a ballot made by the JS code (voting key, blinded token finished against
  a Python-issued blind signature, encryption and proofs) is accepted by
  `validate_ballot`, with the same tracking code.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ovote.crypto import blindrsa, tokens
from ovote.crypto.audit import open_audit
from ovote.crypto.errors import CryptoError
from ovote.crypto.ballot_validation import validate_ballot
from ovote.crypto.errors import InvalidBallot
from ovote.crypto.group import Point

from tests.frontend.make_vectors import definition_and_keys, make_vectors
from ovote.crypto.fingerprint import election_fingerprint

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
NODE = shutil.which("node")
NPM = shutil.which("npm")


def run(args, *, stdin=None, env=None):
    return subprocess.run(
        args, cwd=FRONTEND, input=stdin, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_node_and_npm_are_installed():
    assert NODE and NPM, "the browser client needs Node 20+ and npm (README)"


def test_npm_test_passes_on_fresh_python_vectors(tmp_path):
    vectors = tmp_path / "vectors.json"
    vectors.write_text(json.dumps(make_vectors(), ensure_ascii=False), encoding="utf-8")
    result = run([NPM, "test", "--silent"], env={"OVOTE_VECTORS": str(vectors)})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
    passed = int(result.stdout.split("# pass ")[1].split()[0])
    assert passed >= 41


@pytest.fixture(scope="module")
def election():
    definition, unit_key, receipt_key = definition_and_keys()
    return definition, election_fingerprint(definition), unit_key


def js(step, payload):
    result = run([NODE, "test/interop.mjs", step], stdin=json.dumps(payload, ensure_ascii=False))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "unit, choices",
    [
        ("FR01-full", {"president": ["cand-1"], "council": ["c0", "c2", "c4"], "referendum": ["no"]}),
        ("BR02-short", {"president": ["cand-3"], "referendum": []}),
    ],
)
def test_a_ballot_built_by_the_js_client_is_accepted_by_ovote_crypto(election, unit, choices):
    definition, fingerprint, unit_key = election
    common = {"definition": definition, "fingerprint": fingerprint.hex()}
    kit = js("request", {**common, "unit": unit})["kit"]
    blind_sig = tokens.issue_token(unit_key, bytes.fromhex(kit["token_request"]["blinded_msg"]))
    out = js("ballot", {**common, "kit": kit, "blind_sig": blind_sig.hex(), "choices": choices})
    style = next(u["ballot_style"] for u in definition["units"] if u["id"] == unit)
    validated = validate_ballot(
        out["ballot"], fingerprint=fingerprint, unit_id=unit, ballot_style=style,
        unit_key=blindrsa.public_key_from_dict(next(u for u in definition["units"] if u["id"] == unit)),
        joint_key=Point.from_hex(definition["joint_key"]),
    )
    assert validated.tracking_code == out["tracking_code"]
    assert validated.voting_key.hex() == kit["voting_key"]
    # The kit's voting key is what the token binds: another key is refused.
    forged = dict(out["ballot"], unit="FR01-full" if unit == "BR02-short" else "BR02-short")
    with pytest.raises(InvalidBallot):
        validate_ballot(
            forged, fingerprint=fingerprint, unit_id=unit, ballot_style=style,
            unit_key=blindrsa.public_key_from_dict(definition["units"][0]),
            joint_key=Point.from_hex(definition["joint_key"]),
        )


def test_a_js_audit_opens_in_python_to_the_choices_made(election):
    definition, fingerprint, unit_key = election
    common = {"definition": definition, "fingerprint": fingerprint.hex()}
    kit = js("request", {**common, "unit": "FR01-full"})["kit"]
    blind_sig = tokens.issue_token(unit_key, bytes.fromhex(kit["token_request"]["blinded_msg"]))
    choices = {"president": ["cand-0"], "council": ["c1", "c3"], "referendum": []}
    out = js("ballot", {**common, "kit": kit, "blind_sig": blind_sig.hex(), "choices": choices})
    result = open_audit(out["audit"], fingerprint=fingerprint)
    assert result.tracking_code == out["tracking_code"]
    assert {c.id: list(c.chosen) for c in result.contests} == choices

    wrong = json.loads(json.dumps(out["audit"]))
    nonce = int.from_bytes(bytes.fromhex(wrong["nonces"]["council"][0]), "little") + 1
    wrong["nonces"]["council"][0] = nonce.to_bytes(32, "little").hex()
    with pytest.raises(CryptoError, match="contest council option c0: the nonce does not open") as caught:
        open_audit(wrong)
    assert caught.value.code == "bad_audit"
    with pytest.raises(CryptoError, match="not the expected election") as caught:
        open_audit(out["audit"], fingerprint=bytes(32))


def test_ovote_vote_audit_says_what_a_js_audit_contains(election, tmp_path):
    from click.testing import CliRunner

    from ovote.console import main

    definition, fingerprint, unit_key = election
    common = {"definition": definition, "fingerprint": fingerprint.hex()}
    kit = js("request", {**common, "unit": "BR02-short"})["kit"]
    blind_sig = tokens.issue_token(unit_key, bytes.fromhex(kit["token_request"]["blinded_msg"]))
    choices = {"president": ["cand-2"], "referendum": []}
    out = js("ballot", {**common, "kit": kit, "blind_sig": blind_sig.hex(), "choices": choices})
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(out["audit"], ensure_ascii=False), encoding="utf-8")

    result = CliRunner().invoke(main, ["vote", "audit", str(path), "--language", "fr",
                                       "--fingerprint", fingerprint.hex()])
    assert result.exit_code == 0, result.output
    assert f"Tracking code {out['tracking_code']} (unit BR02-short)." in result.output
    assert "Président·e: Candidat·e n° 2 🗳\n" in result.output
    assert "Referendum: (none: blank)\n" in result.output

    out["audit"]["nonces"]["president"][2] = out["audit"]["nonces"]["president"][1]
    path.write_text(json.dumps(out["audit"]), encoding="utf-8")
    result = CliRunner().invoke(main, ["vote", "audit", str(path)])
    assert result.exit_code == 1
    assert "the audit fails (bad_audit): contest president option cand-2: the nonce does not open" in result.output
