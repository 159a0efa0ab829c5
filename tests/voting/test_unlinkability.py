"""Nothing joins a token's issuance to the ballot cast with it (DESIGN.md §3.6): no
shared id, no time finer than the day on the issuance side, no client address, no
audit event or log line of the cast."""
import logging
import re
from datetime import time

from sqlalchemy import text

from ovote.audit.models import AuditEvent
from ovote.extensions import db
from ovote.voting.models import BoardEntry, TokenIssuance
from tests.voting.helpers import VoterClient, definition_of, open_election, verified_voter

ADDRESS = "203.0.113.77"


def _all_rows(session):
    """Every row of every table as text, table by table."""
    names = [t.name for t in db.metadata.sorted_tables]
    return {name: [tuple(str(v) for v in row) for row in session.execute(text(f'SELECT * FROM "{name}"'))]
            for name in names}


def test_issuance_and_ballot_share_nothing(app, db_session, factory, caplog):
    setup = open_election(app, db_session, factory)
    voter = verified_voter(app, db_session, setup)
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    caplog.set_level(logging.DEBUG)
    device.login(voter.email)
    request = device.request("PAR-S1")
    answer = device.get_token("PAR-S1", request)
    blind_sig = answer.get_json()["blind_sig"]
    events_before_cast = db_session.query(AuditEvent).count()
    caplog.clear()
    ballot = device.ballot()
    # The voter's own session cookie goes along, as a careless client might send it: the
    # server must neither read it nor set one.
    device.client.environ_base["REMOTE_ADDR"] = ADDRESS
    response = device.client.post(f"/api/v1/elections/{setup.slug}/ballots", json=ballot)
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    cast_logs = caplog.text
    assert cast_logs == "", cast_logs  # not one log line for a cast
    assert db_session.query(AuditEvent).count() == events_before_cast  # no audit event either

    issuance = db_session.query(TokenIssuance).one()
    entry = db_session.query(BoardEntry).one()
    # The issuance side: the day, nothing finer, and its audit event at midnight.
    assert not hasattr(issuance, "issued_at")
    event = db_session.query(AuditEvent).filter_by(action="voting.token_issued").one()
    assert event.at.time() == time(0) and event.at.date() == issuance.issued_on
    assert event.details == "{}"
    # The ballot side: no account, application, issuance, session or address.
    ballot_side = {entry.tracking_code, entry.voting_key, ballot["token"]["prefix"],
                   ballot["token"]["signature"], ballot["signature"], blind_sig,
                   request.blinded_msg.hex()}
    voter_side = {str(voter.id), voter.email, voter.session_token, str(issuance.id), ADDRESS}
    rows = _all_rows(db_session)
    for table, table_rows in rows.items():
        for row in table_rows:
            cells = " ".join(row)
            if table not in ("board_entries", "board_heads"):
                assert not any(value in cells for value in ballot_side), (table, row)
            else:
                assert voter.email not in cells and ADDRESS not in cells
    board_row = next(r for r in rows["board_entries"])
    board_columns = [c.name for c in BoardEntry.__table__.columns]
    joined = dict(zip(board_columns, board_row))
    assert set(joined) == {"id", "election_id", "seq", "tracking_code", "chain", "superseded",
                           "received_at", "unit_id", "voting_key", "ballot"}
    assert {c.name for c in TokenIssuance.__table__.columns} == {
        "id", "election_id", "voter_id", "issued_on", "blinded_msg_sha256"}
    # No value of the voter side appears in the board entry, but for shared small
    # integers (election and unit ids are public).
    for column in ("tracking_code", "chain", "voting_key", "received_at", "ballot"):
        # Ids are decimal: by chance they can stand inside hex, so they are compared whole.
        words = set(re.findall(r"[0-9a-z@._-]+", str(joined[column])))
        assert not any(value in joined[column] for value in voter_side
                       if len(value) > 3 and not value.isdigit()), column
        assert not any(value in words for value in voter_side if len(value) > 3 and value.isdigit()), column
    assert ADDRESS not in caplog.text
    for record in caplog.records:
        message = record.getMessage()
        assert not any(value in message for value in ballot_side), message
