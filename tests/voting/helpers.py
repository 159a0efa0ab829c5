"""What the voting tests share: unit keys made once, an open election, voters, and a
client that follows DESIGN.md's flow with `ovote.crypto` (as `ovote vote` does)."""
import itertools
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.consulates.models import Constituency
from ovote.crypto import blindrsa, tokens
from ovote.crypto.ballot import build_ballot, voting_key_bytes
from ovote.crypto.definition import check_definition
from ovote.runtime import runtime
from ovote.voting.setup import build_open_election, make_verified_voter
from tests.conftest import PASSWORD

_VOTERS = itertools.count(1)
_KEYS = []
_HASH = []


def unit_keys(count=2):
    """RSA unit keys, made once per test run (each takes a second or so)."""
    while len(_KEYS) < count:
        _KEYS.append(blindrsa.generate_key(3072))
    return _KEYS[:count]


def password_hash(app):
    if not _HASH:
        _HASH.append(runtime(app).passwords.hash(PASSWORD))
    return _HASH[0]


@dataclass
class Setup:
    election: object
    secret: object
    units: dict
    consulate_ids: list
    constituency_id: int
    slug: str
    fingerprint: str


def open_election(app, session, factory, *, slug="e2026", **kw) -> Setup:
    consulates = [factory.consulate("PAR"), factory.consulate("BER", served=("DE",),
                                                                host_country="DE")]
    constituency = Constituency(code=f"N{factory._n()}", name="North")
    session.add(constituency)
    session.commit()
    with app.app_context():
        built = build_open_election(session, slug=slug, consulates=consulates,
                                    constituency=constituency, unit_keys=unit_keys(),
                                    cipher=runtime(app).cipher, **kw)
    session.commit()
    return Setup(built.election, built.secret, built.units, [c.id for c in consulates],
                 constituency.id, slug, built.election.fingerprint)


def verified_voter(app, session, setup, *, consulate=0, email=None, **kw):
    n = next(_VOTERS)
    from ovote.consulates.models import Consulate

    with app.app_context():
        voter = make_verified_voter(
            session, email=email or f"voter{n}@example.org", password_hash=password_hash(app),
            consulate=session.get(Consulate, setup.consulate_ids[consulate]),
            constituency=session.get(Constituency, setup.constituency_id), **kw)
    session.commit()
    return voter


class VoterClient:
    """A voter's device: login, token, ballot, cast, against the test client."""

    def __init__(self, client, slug, definition):
        self.client, self.slug = client, slug
        self.checked = check_definition(definition)
        self.voting_key = Ed25519PrivateKey.generate()
        self.csrf = None
        self.token = None
        self.unit = None

    def login(self, email, password=PASSWORD):
        response = self.client.post("/api/v1/auth/login", json={"email": email, "password": password})
        if response.status_code == 200:
            self.csrf = response.get_json()["csrf_token"]
        return response

    def request(self, unit_code):
        unit = self.checked.units[unit_code]
        return tokens.request_token(unit.public_key, self.checked.fingerprint,
                                    voting_key_bytes(self.voting_key))

    def get_token(self, unit_code, request=None):
        request = request or self.request(unit_code)
        response = self.client.post(f"/api/v1/elections/{self.slug}/tokens",
                                    json={"blinded_msg": request.blinded_msg.hex()},
                                    headers={"X-CSRFToken": self.csrf or ""})
        if response.status_code in (200, 201):
            body = response.get_json()
            self.unit = body["unit"]
            self.token = tokens.finish_token(self.checked.units[body["unit"]].public_key, request,
                                             bytes.fromhex(body["blind_sig"]))
        return response

    def ballot(self, choices=None, unit=None):
        unit = self.checked.units[unit or self.unit]
        return build_ballot(
            fingerprint=self.checked.fingerprint, unit_id=unit.id, ballot_style=unit.ballot_style,
            joint_key=self.checked.joint_key, voting_key=self.voting_key, token=self.token,
            choices=choices or {"PRESIDENT": ["BEN"], "REFERENDUM": ["YES"]})


def definition_of(setup):
    import json

    return json.loads(setup.election.definition)


def cast(http, slug, ballot):
    """POST a ballot with no cookie at all (a fresh client)."""
    return http.post(f"/api/v1/elections/{slug}/ballots", json=ballot)
