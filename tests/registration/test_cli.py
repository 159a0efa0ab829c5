"""`ovote constituency ...` and the register's part of `ovote demo`."""
from ovote.consulates.models import Constituency
from ovote.registration.models import Application, ApplicationState, CheckOutcome
from ovote.registration.registry_models import RegistryEntry


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_constituencies_are_added_and_listed(app, db_session):
    result = run(app, "constituency", "add", "north", "Northern constituency")
    assert result.exit_code == 0 and "constituency NORTH added" in result.output
    again = run(app, "constituency", "add", "NORTH", "Another")
    assert again.exit_code == 1 and "Another constituency already uses the code NORTH" in again.output
    bad = run(app, "constituency", "add", "no spaces", "Bad")
    assert bad.exit_code == 1 and "1 to 16 letters A to Z or digits 0 to 9" in bad.output
    listing = run(app, "constituency", "list")
    assert "NORTH" in listing.output and "Northern constituency" in listing.output
    assert db_session.query(Constituency).count() == 1


def test_the_demo_loads_a_registry_and_a_queue_for_paris(app, db_session, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_TRUSTEE_DIR", str(tmp_path))  # not the source tree
    result = run(app, "demo")
    assert result.exit_code == 0, result.output
    assert "consulate PAR has two submitted applications" in result.output
    assert "PA1000001" in result.output and "ID3000003" in result.output
    # The demo elections add verified voters of their own, outside the Paris queue.
    applications = [a for a in db_session.query(Application).order_by(Application.id)
                    if a.consulate.code == "PAR" and a.state != ApplicationState.VERIFIED]
    assert [a.state for a in applications] == [ApplicationState.SUBMITTED] * 2
    assert [a.checks_outcome for a in applications] == [CheckOutcome.PASS, CheckOutcome.REVIEW]
    counts = (db_session.query(Application).count(), db_session.query(RegistryEntry).count(),
              db_session.query(Constituency).count())
    assert run(app, "demo").exit_code == 0
    assert (db_session.query(Application).count(), db_session.query(RegistryEntry).count(),
            db_session.query(Constituency).count()) == counts
