"""The demo election: two contests, three trustees (2 of 3), frozen and open.

Called by `ovote demo` after the register's demo data. The key ceremony is
run for real: the server issues each trustee's files, `run_trustee` (given by
the command: the same click command a trustee runs) makes the answers in a
demo folder, with key files sealed under a demo passphrase, and the server
checks and keeps them. Skipped when the election exists, so the command can
be run again.
"""
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from ovote.accounts.models import Role, User
from ovote.clock import utcnow
from ovote.consulates.services import constituency_by_code, consulate_by_code
from ovote.crypto.ceremony_files import dump_document
from ovote.elections import ceremony, ceremony_link, freezing, services, timeline
from ovote.elections.models import Election
from ovote.registration import services as registration
from ovote.registration import verification
from ovote.registration.demo import DEMO_SCAN
from ovote.registration.matching import document_index
from ovote.registration.personal import seal
from ovote.registration.registry_models import Citizenship, RegistryEntry

SLUG = "demo-2026"
PASSPHRASE = "demo trustee passphrase"
DEMO_PASSWORD = "demo-password-1"  # the password of every demo account (ovote.cli.demo)
TRUSTEES = ["trustee1@demo.ovote.example", "trustee2@demo.ovote.example",
            "trustee3@demo.ovote.example"]
CONTESTS = [
    ("PRESIDENT", {"en": "President", "fr": "Président", "ar": "الرئيس"}, 0, 1,
     [("ANA", "Ana Almeida"), ("BRUNO", "Bruno Barros"), ("CARLA", "Carla Costa")]),
    ("REFERENDUM", {"en": "Referendum on postal voting", "fr": "Référendum sur le vote postal",
                    "ar": "استفتاء على التصويت بالبريد"},
     1, 1, [("YES", "Yes"), ("NO", "No")]),
]
#: ballot style -> (contests, home constituencies)
STYLES = {"MAIN": (("PRESIDENT", "REFERENDUM"), ("NORTH", "CENTRE")),
          "ISLES": (("PRESIDENT",), ("SOUTH", "ISLANDS"))}


#: The election's demo voter: registered at LON, so that PAR's queue keeps its two applications.
VOTER = "gita@demo.ovote.example"
GITA = dict(
    identity=dict(surname="Duarte", given_names="Gita", birth_date=date(1991, 6, 3),
                  birth_place="Porto"),
    documents=dict(national_id="", passport_number="PD6000006", passport_state="PT",
                   passport_expiry=date(2033, 6, 30), mrz=""),
    residence=dict(country="GB", address="10 Downing Street\nLondon SW1A 2AA",
                   phone="+44 20 7946 0000"))


def _verified_voter(session, *, settings, cipher, passwords, mailer, documents):
    """Gita applies at LON (her civil registry entry matches) and LON's official verifies her:
    a verified voter makes the reporting unit (LON, MAIN)."""
    if session.scalar(select(User).where(User.email == VOTER)) is not None:
        return
    voter = User(email=VOTER, role=Role.VOTER, email_confirmed_at=utcnow(),
                 password_hash=passwords.hash(DEMO_PASSWORD))
    session.add(voter)
    north = constituency_by_code(session, "NORTH")
    entry = RegistryEntry(document_index=document_index("PD6000006", cipher=cipher),
                          birth_date=date(1991, 6, 3), citizenship=Citizenship.CITIZEN,
                          disqualified=False, constituency=north)
    for column, value in (("document_number_enc", "PD6000006"), ("surname_enc", "Duarte"),
                          ("given_names_enc", "Gita")):
        seal(entry, column, value, cipher=cipher)
    session.add(entry)
    session.flush()
    application = registration.start_application(session, voter=voter)
    registration.save_identity(session, application, actor=voter, cipher=cipher, **GITA["identity"])
    registration.save_documents(session, application, actor=voter, cipher=cipher,
                                **GITA["documents"])
    registration.save_residence(session, application, actor=voter, cipher=cipher,
                                **GITA["residence"])
    registration.save_consulate(session, application, actor=voter,
                                consulate_id=consulate_by_code(session, "LON").id)
    registration.save_voting(session, application, actor=voter, constituency_id=north.id,
                             channel="online")
    registration.save_document(session, application, actor=voter, documents=documents,
                               data=DEMO_SCAN)
    registration.submit(session, application, actor=voter, settings=settings, cipher=cipher,
                        mailer=mailer)
    official = session.scalar(select(User).where(User.email == "official.lon@demo.ovote.example"))
    verification.decide(session, application, official=official, action="verify",
                        reason_code="identity_confirmed", settings=settings, cipher=cipher,
                        mailer=mailer)


def _define(session, *, settings):
    election = services.create_election(
        session, actor="cli", slug=SLUG, threshold=2, timezone_name="UTC", settings=settings,
        title={"en": "Demo election 2026", "fr": "Élection de démonstration 2026",
               "ar": "الانتخابات التجريبية 2026"})
    for code, labels, low, high, options in CONTESTS:
        services.add_contest(session, election, actor="cli", code=code, labels=labels,
                             settings=settings, min_selections=low, max_selections=high)
        for option, name in options:
            services.add_option(session, election, code, actor="cli", code=option,
                                labels={"en": name, "fr": name}, settings=settings)
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


def _ceremony(session, election, folder: Path, *, cipher, run_trustee):
    """Each step: the server's file -> `ovote trustee` -> upload, for every trustee."""
    folder.mkdir(parents=True, exist_ok=True)
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    users = {t.index: t.user for t in election.trustees}
    for kind, command in (("invitation", "init"), ("deal-request", "deal"),
                          ("receive-request", "receive")):
        for index, user in users.items():
            document = ceremony.download(session, election, user, kind, cipher=cipher)
            name = f"{SLUG}-trustee-{index}"
            downloaded, out = folder / f"{name}-{kind}.json", folder / f"{name}-{command}.json"
            downloaded.write_bytes(dump_document(document))
            run_trustee(command, str(downloaded), "--key-file", str(folder / f"{name}.key"),
                         "--out", str(out), "--passphrase-file", str(secret))
            ceremony.upload(session, election, user, out.read_bytes(), cipher=cipher)
        session.commit()


def load(session, *, folder: Path, run_trustee, settings, cipher, passwords, mailer, documents):
    """Define, run the ceremony for, freeze and open the demo election (once).

    `folder` receives the trustees' files and key files; `run_trustee(*args)` runs
    `ovote trustee` with those arguments (on new key files of a demo's cost)."""
    if session.scalar(select(Election).where(Election.slug == SLUG)) is not None:
        return
    if any(folder.glob("*.key")):  # a reset database: the old key files are of no use
        for old in folder.iterdir():
            old.unlink()
    _verified_voter(session, settings=settings, cipher=cipher, passwords=passwords, mailer=mailer,
                    documents=documents)
    election = _define(session, settings=settings)
    session.commit()
    _ceremony(session, election, folder, cipher=cipher, run_trustee=run_trustee)
    election = freezing.freeze(session, election, actor="cli", cipher=cipher,
                               ceremony=ceremony_link.ceremony_outcome(session, election))
    timeline.open_election(session, election, actor="cli")
    session.commit()


def describe(session, *, folder: Path):
    """Lines for the demo's printout."""
    election = session.scalar(select(Election).where(Election.slug == SLUG))
    if election is None:
        return []
    lines = [f"Election {SLUG} ({election.state.value}): two contests, 2 of 3 trustees, "
             f"fingerprint {election.fingerprint}",
             f"  reporting units: {', '.join(u.code for u in election.units)} "
             f"({VOTER}, password as above, is verified at LON and can vote)",
             f"  the ceremony's files and the trustees' key files are in {folder}; "
             f"key file passphrase: {PASSPHRASE!r}",
             f"  the commission follows it at /elections/{SLUG}/ceremony/, each trustee at "
             f"/elections/{SLUG}/ceremony/trustee"]
    return lines
