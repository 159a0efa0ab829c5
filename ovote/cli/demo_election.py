"""The demo election: two contests, three trustees (2 of 3), frozen and open.

Called by `ovote demo` after the register's demo data. The key ceremony is
run for real: the server issues each trustee's files, `ovote trustee` (the
same click command a trustee runs) makes the answers in a demo folder, with
key files sealed under a demo passphrase, and the server checks and keeps
them. Skipped when the election exists, so the command can be run again.
"""
import os
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ovote.accounts import passwords
from ovote.accounts.models import Role, User, utcnow
from ovote.cli.trustee import COST_ENV, trustee as trustee_command
from ovote.consulates.services import constituency_by_code, consulate_by_code
from ovote.crypto.ceremony_files import dump_document
from ovote.elections import ceremony, ceremony_link, freezing, services, timeline
from ovote.elections.models import Election
from ovote.personal_data import cipher
from ovote.registration import services as registration
from ovote.registration import verification
from ovote.registration.demo import DEMO_SCAN
from ovote.registration.matching import document_index
from ovote.registration.models import Citizenship, RegistryEntry
from ovote.registration.personal import seal

SLUG = "demo-2026"
PASSPHRASE = "demo trustee passphrase"
DEMO_PASSWORD = "demo-password-1"  # the password of every demo account (ovote.cli.demo)
TRUSTEES = ["trustee1@demo.ovote.example", "trustee2@demo.ovote.example",
            "trustee3@demo.ovote.example"]
CONTESTS = [
    ("PRESIDENT", {"en": "President", "fr": "Président"}, 0, 1,
     [("ANA", "Ana Almeida"), ("BRUNO", "Bruno Barros"), ("CARLA", "Carla Costa")]),
    ("REFERENDUM", {"en": "Referendum on postal voting", "fr": "Référendum sur le vote postal"},
     1, 1, [("YES", "Yes"), ("NO", "No")]),
]
#: ballot style -> (contests, home constituencies)
STYLES = {"MAIN": (("PRESIDENT", "REFERENDUM"), ("NORTH", "CENTRE")),
          "ISLES": (("PRESIDENT",), ("SOUTH", "ISLANDS"))}


#: The election's demo voter: registered at LON, so that PAR's queue keeps its two applications.
VOTER = "dora@demo.ovote.example"
DORA = dict(
    identity=dict(surname="Duarte", given_names="Dora", birth_date=date(1991, 6, 3),
                  birth_place="Porto"),
    documents=dict(national_id="", passport_number="PD6000006", passport_state="PT",
                   passport_expiry=date(2033, 6, 30), mrz=""),
    residence=dict(country="GB", address="10 Downing Street\nLondon SW1A 2AA",
                   phone="+44 20 7946 0000"))


def _verified_voter(session):
    """Dora applies at LON (her civil registry entry matches) and LON's official verifies her:
    a verified voter makes the reporting unit (LON, MAIN)."""
    if session.scalar(select(User).where(User.email == VOTER)) is not None:
        return
    voter = User(email=VOTER, role=Role.VOTER, email_confirmed_at=utcnow(),
                 password_hash=passwords.hash_password(DEMO_PASSWORD))
    session.add(voter)
    north = constituency_by_code(session, "NORTH")
    entry = RegistryEntry(document_index=document_index("PD6000006"), birth_date=date(1991, 6, 3),
                          citizenship=Citizenship.CITIZEN, disqualified=False, constituency=north)
    for column, value in (("document_number_enc", "PD6000006"), ("surname_enc", "Duarte"),
                          ("given_names_enc", "Dora")):
        seal(entry, column, value)
    session.add(entry)
    session.flush()
    application = registration.start_application(session, voter=voter)
    registration.save_identity(session, application, actor=voter, **DORA["identity"])
    registration.save_documents(session, application, actor=voter, **DORA["documents"])
    registration.save_residence(session, application, actor=voter, **DORA["residence"])
    registration.save_consulate(session, application, actor=voter,
                                consulate_id=consulate_by_code(session, "LON").id)
    registration.save_voting(session, application, actor=voter, constituency_id=north.id,
                             channel="online")
    registration.save_document(session, application, actor=voter, data=DEMO_SCAN)
    registration.submit(session, application, actor=voter)
    official = session.scalar(select(User).where(User.email == "official.lon@demo.ovote.example"))
    verification.decide(session, application, official=official, action="verify",
                        reason_code="identity_confirmed")


def _define(session):
    election = services.create_election(
        session, actor="cli", slug=SLUG, threshold=2, timezone_name="UTC",
        title={"en": "Demo election 2026", "fr": "Élection de démonstration 2026"})
    for code, labels, low, high, options in CONTESTS:
        services.add_contest(session, election, actor="cli", code=code, labels=labels,
                             min_selections=low, max_selections=high)
        for option, name in options:
            services.add_option(session, election, code, actor="cli", code=option,
                                labels={"en": name, "fr": name})
    for code, (contests, places) in STYLES.items():
        services.add_ballot_style(session, election, actor="cli", code=code, contests=contests,
                                  constituencies=places)
    for email in TRUSTEES:
        services.add_trustee(session, election, actor="cli", email=email)
    now = utcnow().replace(second=0, microsecond=0)
    services.set_timeline(session, election, actor="cli",
                          registration_deadline=now - timedelta(days=2),
                          tokens_open=now - timedelta(hours=1), voting_opens=now,
                          voting_closes=now + timedelta(days=14),
                          election_day=(now + timedelta(days=14)).date())
    services.start_ceremony(session, election, actor="cli")
    return election


def _run_trustee(*args):
    trustee_command.main(args=list(args), prog_name="ovote trustee", standalone_mode=False)


def _ceremony(session, election, folder: Path):
    """Each step: the server's file -> `ovote trustee` -> upload, for every trustee."""
    folder.mkdir(parents=True, exist_ok=True)
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    users = {t.index: t.user for t in election.trustees}
    data_cipher = cipher()
    for kind, command in (("invitation", "init"), ("deal-request", "deal"),
                          ("receive-request", "receive")):
        for index, user in users.items():
            document = ceremony.download(session, election, user, kind, cipher=data_cipher)
            name = f"{SLUG}-trustee-{index}"
            downloaded, out = folder / f"{name}-{kind}.json", folder / f"{name}-{command}.json"
            downloaded.write_bytes(dump_document(document))
            _run_trustee(command, str(downloaded), "--key-file", str(folder / f"{name}.key"),
                         "--out", str(out), "--passphrase-file", str(secret))
            ceremony.upload(session, election, user, out.read_bytes(), cipher=data_cipher)
        session.commit()


def trustee_folder() -> Path:
    """Where the demo trustees' files go: `instance/demo-trustees` (tests set DEMO_TRUSTEE_DIR)."""
    return Path(current_app.config.get("DEMO_TRUSTEE_DIR")
                or Path(current_app.instance_path) / "demo-trustees")


def load(session):
    """Define, run the ceremony for, freeze and open the demo election (once)."""
    if session.scalar(select(Election).where(Election.slug == SLUG)) is not None:
        return
    folder = trustee_folder()
    if any(folder.glob("*.key")):  # a reset database: the old key files are of no use
        for old in folder.iterdir():
            old.unlink()
    with current_app.test_request_context():
        _verified_voter(session)
        election = _define(session)
        session.commit()
        cost = os.environ.get(COST_ENV)
        os.environ[COST_ENV] = cost or "interactive"  # a demo, not a vault
        try:
            _ceremony(session, election, folder)
        finally:
            if cost is None:
                os.environ.pop(COST_ENV)
        election = freezing.freeze(session, election, actor="cli",
                                   ceremony=ceremony_link.ceremony_outcome(session, election))
        timeline.open_election(session, election, actor="cli")
        session.commit()


def describe(session):
    """Lines for the demo's printout."""
    election = session.scalar(select(Election).where(Election.slug == SLUG))
    if election is None:
        return []
    folder = trustee_folder()
    lines = [f"Election {SLUG} ({election.state.value}): two contests, 2 of 3 trustees, "
             f"fingerprint {election.fingerprint}",
             f"  reporting units: {', '.join(u.code for u in election.units)} "
             f"({VOTER}, password as above, is verified at LON and can vote)",
             f"  the ceremony's files and the trustees' key files are in {folder}; "
             f"key file passphrase: {PASSPHRASE!r}",
             f"  the commission follows it at /elections/{SLUG}/ceremony/, each trustee at "
             f"/elections/{SLUG}/ceremony/trustee"]
    return lines
