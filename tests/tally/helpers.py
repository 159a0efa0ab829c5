"""What the tally tests share: an election made by the real key ceremony (trustees
running the trustee code on the server's files), voters who vote with the voter
client's code, the close, and the trustees' pages for decryption."""
import io
import json
import re
from datetime import timedelta

from ovote.crypto.canonical import parse_json
from ovote.crypto.ceremony_files import dump_document
from ovote.elections import ceremony_link, freezing, timeline
from ovote.registration.models import Application
from ovote.runtime import runtime
from tests.elections.ceremony_helpers import Trustees
from tests.elections.factories import PooledUnitKeys, build_election
from tests.voting.helpers import VoterClient, cast


class Cycle:
    """An election with its trustees (their secrets as their key files hold them)."""

    def __init__(self, app, client, factory, session, *, slug, consulates=("PAR", "LON"),
                 voters_per_unit=2, min_unit_ballots=1, k=2, n=3):
        self.app, self.client, self.session = app, client, session
        self.cipher = runtime(app).cipher
        built = build_election(factory, state="ceremony", slug=slug, consulates=consulates,
                               voters_per_unit=voters_per_unit, min_unit_ballots=min_unit_ballots,
                               k=k, n=n)
        self.slug, self.voters = slug, built.voters
        self.trustees = Trustees(app, client, built.election)
        self.trustees.init()
        self.trustees.deal()
        self.trustees.receive()
        self.election = freezing.freeze(
            session, built.election, actor="test", cipher=self.cipher,
            ceremony=ceremony_link.ceremony_outcome(session, built.election),
            make_keys=PooledUnitKeys())
        timeline.open_election(session, self.election, actor="test")
        first_submitted_in_time(session, self.election)
        session.commit()
        self.definition = json.loads(self.election.definition)
        #: (contest, consulate) -> Counter of the options of the counted ballots
        self.truth = {}
        self.devices = {}

    def vote(self, unit, number, choices):
        """Voter `number` of `unit` votes (again, if they already did) with `choices`."""
        voter = self.voters[unit][number]
        device = self.devices.get(voter.id)
        if device is None:
            device = VoterClient(self.app.test_client(), self.slug, self.definition)
            assert device.login(voter.email).status_code == 200
            assert device.get_token(unit).status_code == 201
            self.devices[voter.id] = device
        response = cast(self.app.test_client(), self.slug, device.ballot(choices))
        assert response.status_code == 201, response.get_json()
        device.choices = choices
        return response.get_json()["receipt"]

    def expected_counts(self):
        """(contest, consulate) -> counts per option, from the latest choices in clear."""
        options = {c["id"]: [o["id"] for o in c["options"]]
                   for c in self.definition["manifest"]["contests"]}
        counts = {}
        for voter_id, device in self.devices.items():
            consulate = device.unit.split("-")[0]
            for contest, chosen in device.choices.items():
                row = counts.setdefault((contest, consulate), [0] * len(options[contest]))
                for option in chosen:
                    row[options[contest].index(option)] += 1
        return counts

    def close(self):
        timeline.close_election(self.session, self.election, actor="test", cipher=self.cipher)
        self.session.commit()

    # -- the trustees' decryption pages ------------------------------------------------

    def download_request(self, index):
        self.trustees.login(index)
        response = self.client.get(f"/elections/{self.slug}/decryption/decrypt-request.json")
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        return parse_json(response.data)

    def upload_decryption(self, index, document, *, expect=303):
        data = document if isinstance(document, bytes) else dump_document(document)
        return upload_decryption_file(self.app, self.client, self.trustees, self.slug, index,
                                      data, expect=expect)


def first_submitted_in_time(session, election):
    """The factory's voters apply "now", after the registration deadline: move their
    first submission before it."""
    for application in session.query(Application):
        application.first_submitted_at = election.registration_deadline - timedelta(days=1)


def upload_decryption_file(app, client, trustees, slug, index, data: bytes, *, expect=303):
    """Trustee `index` uploads `data` with the form of their decryption page."""
    trustees.login(index)
    page = client.get(f"/elections/{slug}/decryption/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    response = client.post(f"/elections/{slug}/decryption/upload",
                           data={"csrf_token": token.group(1),
                                 "file": (io.BytesIO(data), "decryption.json")},
                           content_type="multipart/form-data")
    assert response.status_code == expect, response.get_data(as_text=True)[:3000]
    return response


def group_totals(expected, groups, definition):
    """Expected counts per stored group: the sum of its consulates' counts."""
    width = {c["id"]: len(c["options"]) for c in definition["manifest"]["contests"]}
    totals = {}
    for group in groups:
        row = [0] * width[group.contest]
        for consulate in {u.split("-")[0] for u in group.units}:
            row = [a + b for a, b in zip(row, expected.get((group.contest, consulate),
                                                            [0] * width[group.contest]))]
        totals[(group.contest, group.name)] = row
    return totals


def decrypt_with_shares(cycle, sums, counted, trustees=(1, 2)):
    """Decrypt a group's sums with the trustees' own shares (as their key files hold them)."""
    from ovote.crypto.elgamal import Ciphertext, decode_small
    from ovote.crypto.group import Point, Scalar
    from ovote.crypto.threshold import partial_decrypt
    from ovote.crypto.threshold import combine

    fingerprint = bytes.fromhex(cycle.election.fingerprint)
    counts = []
    for item in sums:
        ciphertext = Ciphertext.from_dict(item, allow_identity=True)
        partials = []
        for j in trustees:
            secrets = cycle.trustees.secrets[j]
            partials.append(partial_decrypt(fingerprint, j, Scalar.from_hex(secrets["share"]),
                                            ciphertext.alpha,
                                            Point.from_hex(secrets["verification_key"])))
        counts.append(decode_small(combine(ciphertext, partials), counted))
    return counts
