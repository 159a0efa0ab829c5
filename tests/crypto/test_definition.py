import copy

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto.ballot import voting_key_bytes
from ovote.crypto.definition import DefinitionError, check_definition
from ovote.crypto.fingerprint import election_definition, election_fingerprint
from ovote.crypto.threshold import deal, joint_key

from .hostile_points import SMALL_ORDER_POINTS, mixed_order_point
from .test_ballot import STYLE

MANIFEST = {"slug": "e1", "title": {"en": "E1"}, "contests": [], "min_unit_ballots": 1,
            "max_revotes": 20}


@pytest.fixture(scope="module")
def definition(unit_rsa_key):
    commitments = [deal("e1", i, 2)[1] for i in (1, 2)]
    return election_definition(
        manifest=MANIFEST, threshold=2, trustees=commitments,
        joint_key=joint_key(commitments),
        units=[{"id": "u1", "consulate": "PAR", "ballot_style": STYLE,
                "public_key": unit_rsa_key.public_key()}],
        receipt_key=voting_key_bytes(Ed25519PrivateKey.generate()),
    )


def test_good_definition_gives_its_parts(definition):
    checked = check_definition(definition, fingerprint=election_fingerprint(definition).hex())
    assert checked.fingerprint == election_fingerprint(definition)
    assert checked.joint_key.hex() == definition["joint_key"]
    assert checked.units["u1"].ballot_style == STYLE
    assert checked.receipt_key.hex() == definition["receipt_key"]


def _set(path, value):
    def change(d):
        target = d
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


@pytest.mark.parametrize(
    "change",
    [
        _set(("trustees", 0, "commitments", 1), SMALL_ORDER_POINTS[3]),
        _set(("trustees", 1, "commitments", 0), mixed_order_point()),
        _set(("joint_key",), SMALL_ORDER_POINTS[0]),
        _set(("receipt_key",), SMALL_ORDER_POINTS[4]),
        _set(("receipt_key",), "00" * 31),
        _set(("units", 0, "e"), "10001"),
        _set(("units", 0, "n"), "00ff"),
        _set(("units", 0, "ballot_style"), {"id": "s", "contests": []}),
        _set(("version",), "ovote/v2"),
        lambda d: d.pop("receipt_key"),
        lambda d: d.update(extra=1),
        lambda d: d["trustees"].reverse(),
        lambda d: d["manifest"].pop("max_revotes"),
    ],
)
def test_bad_definitions_are_refused(definition, change):
    changed = copy.deepcopy(definition)
    change(changed)
    with pytest.raises(DefinitionError):
        check_definition(changed)


def test_fingerprint_must_match(definition):
    with pytest.raises(DefinitionError, match="fingerprint"):
        check_definition(definition, fingerprint="00" * 32)
