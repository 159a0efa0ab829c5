"""Demo data for a local try-out: consulates, staff with TOTP, confirmed voters."""
import os
from pathlib import Path

import click
from flask import current_app

from ovote.accounts import totp
from ovote.accounts.models import Role, User
from ovote.accounts.staff import create_staff
from ovote.audit.services import record
from ovote.cli.trustee import COST_ENV
from ovote.cli.trustee import trustee as trustee_command
from ovote.clock import utcnow
from ovote.consulates.services import consulate_by_code, create_consulate
from ovote.elections import demo as demo_election
from ovote.extensions import db
from ovote.registration import demo as registration_demo
from ovote.runtime import runtime
from ovote.schema import with_database
from ovote.voting import demo as voting_demo

PASSWORD = "demo-password-1"
CONSULATES = [
    ("PAR", "Consulate General in Paris", "Paris", "FR", "Europe/Paris", ["FR", "MC", "AD"]),
    ("LON", "Consulate General in London", "London", "GB", "Europe/London", ["GB", "IE"]),
    ("MTL", "Consulate General in Montreal", "Montreal", "CA", "America/Toronto", ["CA"]),
    ("NYC", "Consulate General in New York", "New York", "US", "America/New_York", ["US"]),
    ("DXB", "Consulate General in Dubai", "Dubai", "AE", "Asia/Dubai", ["AE", "OM", "QA"]),
    ("JNB", "Consulate General in Johannesburg", "Johannesburg", "ZA", "Africa/Johannesburg",
     ["ZA", "BW", "NA"]),
]
STAFF = [
    ("commissioner@demo.ovote.example", Role.COMMISSIONER, None),
    ("auditor@demo.ovote.example", Role.AUDITOR, None),
    ("official.par@demo.ovote.example", Role.OFFICIAL, "PAR"),
    ("official2.par@demo.ovote.example", Role.OFFICIAL, "PAR"),
    ("official.lon@demo.ovote.example", Role.OFFICIAL, "LON"),
    ("official.mtl@demo.ovote.example", Role.OFFICIAL, "MTL"),
] + [(email, Role.TRUSTEE, None) for email in demo_election.TRUSTEES]
VOTERS = ["amina@demo.ovote.example", "bruno@demo.ovote.example", "chen@demo.ovote.example"]


def trustee_folder() -> Path:
    """Where the demo trustees' files go: `instance/demo-trustees` (tests set DEMO_TRUSTEE_DIR)."""
    return Path(current_app.config.get("DEMO_TRUSTEE_DIR")
                or Path(current_app.instance_path) / "demo-trustees")


def _run_trustee(*args):
    trustee_command.main(args=list(args), prog_name="ovote trustee", standalone_mode=False)


def _load_election(rt):
    """The demo election, its key ceremony run through `ovote trustee` itself."""
    folder = trustee_folder()
    folder.mkdir(parents=True, exist_ok=True)
    cost = os.environ.get(COST_ENV)
    os.environ[COST_ENV] = cost or "interactive"  # a demo, not a vault
    try:
        demo_election.load(db.session, folder=folder, run_trustee=_run_trustee,
                           settings=rt.settings, cipher=rt.cipher, passwords=rt.passwords,
                           mailer=rt.mailer, documents=rt.documents)
    finally:
        if cost is None:
            os.environ.pop(COST_ENV)


def _staff(rt, email, role, code):
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        consulate = consulate_by_code(db.session, code) if code else None
        user = create_staff(db.session, actor="cli", email=email, role=role, consulate=consulate,
                            password=PASSWORD, settings=rt.settings, passwords=rt.passwords,
                            cipher=rt.cipher, mailer=rt.mailer)
        user.totp_secret_enc = totp.sealed_secret(totp.new_secret(), cipher=rt.cipher)
    return user


@click.command(help="Load demo data and print the demo logins (refused in production).")
@with_database
def demo():
    rt = runtime()
    if rt.settings.env_name == "production":
        raise click.ClickException("refusing to load demo data in production mode")
    for code, name, city, host, tz, served in CONSULATES:
        if consulate_by_code(db.session, code) is None:
            create_consulate(db.session, actor="cli", code=code, name=name, city=city,
                             host_country=host, timezone=tz, served=served)
    staff = [_staff(rt, *row) for row in STAFF]
    for email in VOTERS:
        if db.session.scalar(db.select(User).where(User.email == email)) is None:
            db.session.add(User(email=email, role=Role.VOTER, email_confirmed_at=utcnow(),
                                password_hash=rt.passwords.hash(PASSWORD)))
    db.session.flush()
    registration_demo.load(db.session, settings=rt.settings, cipher=rt.cipher, mailer=rt.mailer,
                           documents=rt.documents)
    voting_demo.load(db.session, rt.passwords.hash(PASSWORD), cipher=rt.cipher, settings=rt.settings)
    record(db.session, actor="cli", action="demo.load")
    db.session.commit()
    _load_election(rt)

    click.echo("Demo data loaded. FOR LOCAL USE ONLY.")
    click.echo(f"Every demo account's password: {PASSWORD}")
    click.echo("Staff (add the TOTP secret to an authenticator app, or run "
               "`python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"`):")
    for user in staff:
        where = f" ({user.consulate.code})" if user.consulate else ""
        click.echo(f"  {user.role.value:<13} {user.email:<36}{where:<6} TOTP {totp.secret_of(user, cipher=rt.cipher)}")
    click.echo("Voters:")
    for email in VOTERS:
        click.echo(f"  voter         {email}")
    for line in registration_demo.describe():
        click.echo(line)
    for line in demo_election.describe(db.session, folder=trustee_folder()):
        click.echo(line)
    for line in voting_demo.describe():
        click.echo(line)
