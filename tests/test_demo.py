from ovote.accounts.models import Role, User
from ovote.console import main
from ovote.consulates.models import Consulate
from ovote.elections.models import Election, ElectionState
from click.testing import CliRunner


def test_demo_loads_data_and_prints_logins(app, db_session, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_TRUSTEE_DIR", str(tmp_path))
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "FOR LOCAL USE ONLY" in result.output and "TOTP" in result.output
    consulates, users = db_session.query(Consulate).count(), db_session.query(User).count()
    assert consulates >= 5
    roles = {u.role for u in db_session.query(User)}
    assert {Role.COMMISSIONER, Role.OFFICIAL, Role.AUDITOR, Role.VOTER} <= roles
    election = db_session.query(Election).filter_by(slug="demo-2026").one()
    assert election.state is ElectionState.OPEN and len(election.contests) == 2
    assert [t.index for t in election.trustees] == [1, 2, 3] and election.threshold == 2
    assert "Election demo-2026 (open)" in result.output and election.fingerprint in result.output
    # The trustees' key files are real: `ovote trustee status` opens them.
    status = CliRunner().invoke(main, ["trustee", "status", "--key-file",
                                       str(tmp_path / "demo-2026-trustee-2.key")],
                                env={"OVOTE_TRUSTEE_PASSPHRASE": "demo trustee passphrase"})
    assert "accepted your share" in status.output, status.output
    again = app.test_cli_runner().invoke(args=["demo"])  # safe to run twice
    assert again.exit_code == 0
    assert (db_session.query(Consulate).count(), db_session.query(User).count()) == (consulates, users)


def test_demo_is_refused_in_production(app, db_session, reconfigure):
    reconfigure(ENV_NAME="production")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refusing to load demo data in production" in result.output
    assert db_session.query(User).count() == 0


def test_create_commissioner_command(app, db_session):
    result = app.test_cli_runner().invoke(args=["admin", "create-commissioner", "boss@example.org"],
                                          input="a strong passphrase\na strong passphrase\n")
    assert result.exit_code == 0, result.output
    user = db_session.query(User).filter_by(email="boss@example.org").one()
    assert user.role is Role.COMMISSIONER and not user.totp_enrolled
    dup = app.test_cli_runner().invoke(args=["admin", "create-commissioner", "boss@example.org"],
                                       input="a strong passphrase\na strong passphrase\n")
    assert dup.exit_code == 1 and "already exists" in dup.output


def test_demo_leaves_an_open_election_with_three_voters_who_can_vote(app, db_session):
    from ovote.elections.models import Election, ElectionState
    from ovote.voting import demo as voting_demo
    from ovote.runtime import runtime
    from ovote.voting.eligibility import eligibility

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    election = db_session.query(Election).filter_by(slug=voting_demo.SLUG).one()
    assert election.state is ElectionState.OPEN
    voters = [db_session.query(User).filter_by(email=email).one() for email, *_ in voting_demo.VOTERS]
    settings = runtime(app).settings
    assert all(eligibility(db_session, election, voter, settings=settings).eligible for voter in voters)
    for email, *_ in voting_demo.VOTERS:
        assert f"--election {voting_demo.SLUG} --email {email}" in result.output
    # One voter voted in person in Paris: marked in the poll book, and refused a token.
    from ovote.voting.issuance import voted_in_person
    from ovote.voting.models import PollBookEntry

    gil = db_session.query(User).filter_by(email=voting_demo.IN_PERSON[0]).one()
    entry = db_session.query(PollBookEntry).filter_by(voter_id=gil.id).one()
    assert entry.consulate.code == "PAR" and entry.marked_by.email == voting_demo.POLL_OFFICIAL
    assert voted_in_person(db_session, election, gil)
    assert "Gil Ramos (gil@demo.ovote.example) voted at the consulate PAR" in result.output
