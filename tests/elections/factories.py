"""A complete election for tests, frozen or open, with real keys.

    built = build_election(factory, state="open", consulates=("PAR", "LON"),
                           styles={"S1": ("C1", "C2"), "S2": ("C1",)})

`factory` is the `tests.conftest.Factory` of the test (its `db_session`). The
election goes through the real services: contests, ballot styles mapped to home
constituencies, trustees, timeline, the key ceremony made with
`ovote.crypto.threshold` (every trustee's polynomial and secret share are
returned, so that tests can decrypt), verified voters for every unit, and the
freeze with `ovote.crypto.fingerprint`. Unit keys are real 3072-bit keys, taken
from a pool kept for the whole test run (distinct within an election), so that
tests stay quick.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ovote.accounts.models import Role, utcnow
from ovote.consulates.models import Constituency, Consulate, ConsulateCountry
from ovote.crypto import threshold
from ovote.crypto.group import Scalar
from ovote.elections import documents, freezing, keys, services, timeline
from ovote.elections.models import Election, ElectionState
from ovote.registration.models import Application, ApplicationState
from ovote.runtime import runtime as runtime_of

#: contest code -> (labels, option codes, min, max)
CONTESTS = {
    "C1": ({"en": "President", "fr": "Président"}, ("ANA", "BRUNO", "CARLA"), 0, 1),
    "C2": ({"en": "Referendum", "fr": "Référendum"}, ("YES", "NO"), 1, 1),
}
_KEY_POOL = []


class PooledUnitKeys:
    """A `make_keys` for the freeze: real unit keys from the run's pool, none twice per election."""

    def __init__(self):
        self.used = 0

    def __call__(self, count):
        wanted = self.used + count
        while len(_KEY_POOL) < wanted:
            _KEY_POOL.extend(keys.UnitKeyMaker(1)(1))
        taken = _KEY_POOL[self.used:wanted]
        self.used = wanted
        return taken


@dataclass
class BuiltElection:
    election: Election
    trustees: dict  # index -> User
    polynomials: dict  # index -> threshold.Polynomial (secret)
    secret_shares: dict  # index -> Scalar s_j
    commitments: dict  # index -> threshold.TrusteeCommitment
    ceremony: dict  # index -> {"commitments", "proofs"}: the plain outcome given to the freeze
    voters: dict = field(default_factory=dict)  # unit code -> [User]
    constituencies: dict = field(default_factory=dict)  # style code -> Constituency

    @property
    def slug(self):
        return self.election.slug

    @property
    def definition(self):
        return documents.definition_of(self.election)

    @property
    def fingerprint(self):
        return bytes.fromhex(self.election.fingerprint)

    def unit(self, code):
        return next(u for u in self.election.units if u.code == code)

    def unit_private_key(self, code):
        return keys.unit_private_key(self.unit(code), cipher=runtime_of(self.app).cipher)

    def receipt_key(self):
        return keys.receipt_signing_key(self.election, cipher=runtime_of(self.app).cipher)

    app: object = None


def ceremony_of(slug, k, n):
    """A whole honest ceremony: (polynomials, commitments, shares s_j, plain outcome)."""
    polynomials, commitments = {}, {}
    for i in range(1, n + 1):
        polynomials[i], commitments[i] = threshold.deal(slug, i, k)
    shares = {}
    for j in range(1, n + 1):
        total = Scalar.from_int(0)
        for i in range(1, n + 1):
            total = total + polynomials[i].evaluate(j)
        shares[j] = total
    outcome = {i: {"commitments": [a.hex() for a in c.commitments],
                   "proofs": [p.to_dict() for p in c.proofs]} for i, c in commitments.items()}
    return polynomials, commitments, shares, outcome


def consulate_for(factory, code):
    session = factory.session
    found = session.query(Consulate).filter_by(code=code).one_or_none()
    if found is None:
        found = Consulate(code=code, name=f"Consulate {code}", city=f"City {code}", host_country="FR",
                          timezone="Europe/Paris", served=[ConsulateCountry(country_code="FR")])
        session.add(found)
        session.flush()
    return found


def constituency_for(session, code):
    found = session.query(Constituency).filter_by(code=code).one_or_none()
    if found is None:
        found = Constituency(code=code, name=f"Constituency {code}")
        session.add(found)
        session.flush()
    return found


def verified_voter(factory, consulate, constituency, *, birth_date=date(1990, 1, 15), locale=None):
    """A voter whose application is verified at `consulate` for `constituency` (written
    directly: only the state matters here)."""
    voter = factory.user(Role.VOTER)
    voter.locale = locale
    now = utcnow()
    factory.session.add(Application(
        voter=voter, state=ApplicationState.VERIFIED, consulate=consulate, constituency=constituency,
        birth_date=birth_date, residence_country="FR", submitted_at=now, first_submitted_at=now,
        decided_at=now))
    factory.session.flush()
    return voter


def default_timeline(now=None):
    """Wall-clock times (UTC commission) around `now`: tokens open, voting open in a day."""
    now = (now or utcnow()).replace(second=0, microsecond=0)
    return dict(registration_deadline=now - timedelta(days=2), tokens_open=now - timedelta(days=1),
                voting_opens=now + timedelta(days=1), voting_closes=now + timedelta(days=8),
                election_day=(now + timedelta(days=8)).date())


def build_election(factory, *, state="frozen", slug="test-election", consulates=("PAR",),
                   styles=None, contests=None, units=None, k=2, n=3, voters_per_unit=1,
                   min_unit_ballots=10, max_revotes=20, timeline_values=None, title=None):
    """Build a complete election in `state` ("frozen" or "open"; also "draft" and
    "ceremony" for the definition alone) and return a BuiltElection.

    `styles` maps a ballot style code to its contest codes (default {"S1": ("C1", "C2")}),
    each style given to its own home constituency "HOME-<style>"; `contests` maps contest
    codes to (labels, option codes, min, max) (default CONTESTS); `units` lists the
    (consulate code, style code) pairs that get `voters_per_unit` verified voters (default:
    every pair)."""
    app, session = factory.app, factory.session
    styles = styles or {"S1": ("C1", "C2")}
    contests = contests or {code: CONTESTS[code] for code in
                            dict.fromkeys(c for codes in styles.values() for c in codes)}
    units = units or [(c, s) for c in consulates for s in styles]
    actor = "test"
    trustees = {i: factory.user(Role.TRUSTEE) for i in range(1, n + 1)}
    with app.test_request_context():
        election = services.create_election(
            session, actor=actor, slug=slug, title=title or {"en": "Test election", "fr": "Élection test"},
            threshold=k, min_unit_ballots=min_unit_ballots, max_revotes=max_revotes,
            timezone_name="UTC", settings=runtime_of(app).settings)
        for code, (labels, options, low, high) in contests.items():
            services.add_contest(session, election, actor=actor, code=code, labels=labels,
                                 settings=runtime_of(app).settings, min_selections=low, max_selections=high)
            for option in options:
                services.add_option(session, election, code, actor=actor, code=option,
                                    labels={"en": option.title(), "fr": option.title()},
                                    settings=runtime_of(app).settings)
        places = {}
        for code, carried in styles.items():
            places[code] = constituency_for(session, f"HOME-{code}")
            services.add_ballot_style(session, election, actor=actor, code=code, contests=carried,
                                      constituencies=[places[code].code])
        for user in trustees.values():
            services.add_trustee(session, election, actor=actor, email=user.email)
        services.set_timeline(session, election, actor=actor, **(timeline_values or default_timeline()))
        session.commit()
        built = BuiltElection(election, trustees, {}, {}, {}, {}, constituencies=places, app=app)
        for consulate_code, style_code in units:
            consulate = consulate_for(factory, consulate_code)
            built.voters[documents.unit_code(consulate_code, style_code)] = [
                verified_voter(factory, consulate, places[style_code]) for _ in range(voters_per_unit)]
        session.commit()
        if state == "draft":
            return built
        services.start_ceremony(session, election, actor=actor)
        session.commit()
        built.polynomials, built.commitments, built.secret_shares, built.ceremony = \
            ceremony_of(slug, k, n)
        if state == "ceremony":
            return built
        built.election = freezing.freeze(session, election, actor=actor, ceremony=built.ceremony,
                                         cipher=runtime_of(app).cipher,
                                         make_keys=PooledUnitKeys())
        if state == "open":
            timeline.open_election(session, built.election, actor=actor)
            session.commit()
        assert built.election.state is ElectionState(state)
    return built
