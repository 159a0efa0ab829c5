"""`ovote election ...`: a whole definition by command, and every bad input refused with
the message of the refusal table, nothing stored."""
import json

import pytest
from sqlalchemy import func, select

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.elections.models import (BallotStyle, Contest, ContestOption, Election, ElectionState,
                                    ElectionTrustee)
from tests.elections.factories import build_election, consulate_for, constituency_for, verified_voter


@pytest.fixture
def run(app, db_session):
    def invoke(*args):
        return app.test_cli_runner().invoke(args=["election", *args])
    return invoke


def counts(session):
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in
                 (Election, Contest, ContestOption, BallotStyle, ElectionTrustee, AuditEvent))


def define(run, factory):
    constituency_for(factory.session, "HOME-S1")
    factory.session.commit()
    trustees = [factory.user(Role.TRUSTEE) for _ in range(3)]
    steps = [
        ("create", "general-2027", "--title", "en=General election", "--title", "fr=Élection générale",
         "--threshold", "2"),
        ("add-contest", "general-2027", "PRES", "--label", "en=President", "--label", "fr=Président"),
        ("add-option", "general-2027", "PRES", "ANA", "--label", "en=Ana"),
        ("add-option", "general-2027", "PRES", "BRUNO", "--label", "en=Bruno"),
        ("add-style", "general-2027", "S1", "--contest", "PRES", "--constituency", "HOME-S1"),
        *[("add-trustee", "general-2027", t.email) for t in trustees],
        ("timeline", "general-2027", "--registration-deadline", "2027-01-01 12:00",
         "--tokens-open", "2027-01-05 09:00", "--voting-opens", "2027-01-10 08:00",
         "--voting-closes", "2027-01-17 20:00", "--election-day", "2027-01-17"),
    ]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.output)
    return trustees


def test_an_election_defined_frozen_opened_and_closed_by_command(app, factory, db_session, run, tmp_path):
    from tests.elections.factories import ceremony_of

    verified_voter(factory, consulate_for(factory, "PAR"), constituency_for(db_session, "HOME-S1"))
    define(run, factory)
    assert run("start-ceremony", "general-2027").exit_code == 0
    *_, outcome = ceremony_of("general-2027", 2, 3)
    ceremony = tmp_path / "ceremony.json"
    ceremony.write_text(json.dumps({"trustees": [{"index": i, **v} for i, v in outcome.items()]}))
    result = run("freeze", "general-2027", "--ceremony-file", str(ceremony), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "general-2027 frozen: 1 units" in result.output and "unit keys of general-2027" in result.output
    election = db_session.scalar(select(Election))
    shown = run("show", "general-2027", "--json")
    assert shown.output.encode() == election.definition + b"\n"
    assert "contest PRES (min 0, max 1): ANA, BRUNO" in run("show", "general-2027").output
    assert run("open", "general-2027").exit_code == 0
    assert run("close", "general-2027").exit_code == 0
    db_session.expire_all()
    assert db_session.scalar(select(Election)).state is ElectionState.CLOSED
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "cli")).all()
    assert {"election.create", "election.freeze", "election.open", "election.close"} <= set(actions)


BAD = [
    (("create", "Bad Slug", "--title", "en=X"), "The short name must be 1 to 64 lower-case letters"),
    (("create", "fine", "--title", "fr=Seulement"), "Give the text in en, the commission's default language."),
    (("create", "fine", "--title", "xx=Unknown", "--title", "en=X"), "“xx” is not a language this site offers."),
    (("create", "fine", "--title", "en=X", "--min-unit-ballots", "0"), "Give a whole number of at least 1."),
    (("create", "fine", "--title", "en=X", "--max-revotes", "-1"), "Give a whole number of at least 0."),
    (("create", "general-2027", "--title", "en=X"), "Another election already uses the short name general-2027."),
    (("add-contest", "general-2027", "pres", "--label", "en=x"), "“pres” is not a valid code"),
    (("add-contest", "general-2027", "PRÉS", "--label", "en=x"), "“PRÉS” is not a valid code"),
    (("add-contest", "general-2027", "C2", "--label", "en=x", "--min", "2", "--max", "1"),
     "The minimum number of choices (2) is more than the maximum (1)."),
    (("add-contest", "general-2027", "PRES", "--label", "en=x"), "The code PRES is already used here."),
    (("add-option", "general-2027", "PRES", "ANA", "--label", "en=x"), "The code ANA is already used here."),
    (("add-option", "general-2027", "NOPE", "X", "--label", "en=x"), "This election has no contest NOPE."),
    (("add-option", "general-2027", "PRES", "X-1", "--label", "en=x"), "“X-1” is not a valid code"),
    (("add-style", "general-2027", "S2", "--contest", "PRES", "--contest", "PRES"),
     "Ballot style S2 already carries contest PRES."),
    (("add-style", "general-2027", "S2", "--contest", "PRES", "--constituency", "HOME-S1"),
     "Home constituency HOME-S1 already gets ballot style S1."),
    (("add-style", "general-2027", "s2", "--contest", "PRES"), "“s2” is not a valid code"),
    (("add-trustee", "general-2027", "nobody@example.org"),
     "nobody@example.org is not an active staff account with the trustee role."),
    (("timeline", "general-2027", "--registration-deadline", "2027-01-06 12:00", "--tokens-open",
      "2027-01-05 09:00", "--voting-opens", "2027-01-10 08:00", "--voting-closes", "2027-01-17 20:00",
      "--election-day", "2027-01-17"), "The dates must follow each other"),
    (("open", "general-2027"), "The election is at “Draft”: it cannot go to “Open for voting” from there."),
    (("close", "general-2027"), "The election is at “Draft”: it cannot go to “Closed” from there."),
    (("freeze", "general-2027"), "The election is at “Draft”: it cannot go to “Frozen” from there."),
    (("open", "no-such-election"), "There is no election no-such-election."),
]


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a[:2]) + f" #{i}" for i, (a, _) in enumerate(BAD)])
def test_bad_commands_are_refused_and_store_nothing(app, factory, db_session, run, args, message):
    define(run, factory)
    before = counts(db_session)
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    db_session.expire_all()
    assert counts(db_session) == before


def test_freeze_before_the_ceremony_ends_is_refused(app, factory, db_session, run):
    built = build_election(factory, state="ceremony")
    result = run("freeze", built.slug)
    assert result.exit_code == 1
    assert "The key ceremony is not finished: the election cannot be frozen yet." in result.output
    assert db_session.get(Election, built.election.id).state is ElectionState.CEREMONY


@pytest.mark.parametrize("args", [
    ("set", "test-election", "--title", "en=Changed"),
    ("add-contest", "test-election", "C9", "--label", "en=x"),
    ("add-option", "test-election", "C1", "ZED", "--label", "en=x"),
    ("add-style", "test-election", "S9", "--contest", "C1"),
    ("add-trustee", "test-election", "someone@example.org"),
    ("timeline", "test-election", "--registration-deadline", "2027-01-01 12:00", "--tokens-open",
     "2027-01-05 09:00", "--voting-opens", "2027-01-10 08:00", "--voting-closes", "2027-01-17 20:00",
     "--election-day", "2027-01-17"),
    ("start-ceremony", "test-election"),
], ids=lambda a: a[0])
def test_a_frozen_election_cannot_be_edited_by_command(app, factory, db_session, run, args):
    build_election(factory)
    before = counts(db_session)
    result = run(*args)
    assert result.exit_code == 1
    assert ("its definition can no longer be changed" in result.output
            or "it cannot go to" in result.output), result.output
    assert counts(db_session) == before
