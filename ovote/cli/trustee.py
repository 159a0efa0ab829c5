"""`ovote trustee`: the key ceremony and decryption on a trustee's own machine.

Every command reads one file downloaded from the trustee's page, works with
the trustee's key file (sealed with a passphrase), and writes one file to
upload. It builds no app and imports neither Flask nor SQLAlchemy: a trustee
runs it on a machine that has nothing to do with the server (a test keeps it
so). The passphrase is asked for with hidden input; scripts give it with
--passphrase-file or the OVOTE_TRUSTEE_PASSPHRASE environment variable.
"""
import os
import tempfile

import click

from ovote.crypto import ceremony, ceremony_decrypt
from ovote.crypto.ceremony_files import (
    CeremonyFileError,
    dump_document,
    read_document,
    short_fingerprint,
)
from ovote.crypto.keyfile import COSTS, KeyFile, KeyFileError

PASSPHRASE_ENV = "OVOTE_TRUSTEE_PASSPHRASE"
#: Argon2id cost of new key files ("moderate" unless a test suite asks for less).
COST_ENV = "OVOTE_TRUSTEE_KDF"


def _passphrase(passphrase_file, *, confirm: bool) -> str:
    if passphrase_file is not None:
        with open(passphrase_file, encoding="utf-8") as source:
            return source.read().rstrip("\r\n")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    prompt = "Choose a passphrase for your key file" if confirm else "Passphrase of your key file"
    return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def _default_key_file(document) -> str:
    return f"ovote-{document['election']}-trustee-{document['trustee']}.key"


def _write(path: str, document: dict) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".ovote-upload-", dir=folder)
    with os.fdopen(fd, "wb") as out:
        out.write(dump_document(document))
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def _read(path: str) -> dict:
    with open(path, "rb") as source:
        return read_document(source.read(8 << 20))


def _refusal(exc) -> click.ClickException:
    return click.ClickException(f"{exc}\n(Nothing was changed. Reason code: {exc.code}.)")


common = [
    click.option("--key-file", type=click.Path(dir_okay=False),
                 help="Your key file (default: ovote-ELECTION-trustee-N.key here)."),
    click.option("--out", type=click.Path(dir_okay=False),
                 help="Where to write the file to upload (default: a name in this folder)."),
    click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False),
                 help=f"Read the passphrase from this file (or set {PASSPHRASE_ENV})."),
]


def with_common(command):
    for option in reversed(common):
        command = option(command)
    return command


@click.group(help="Take part in an election's key ceremony and decryption as a trustee.\n\n"
                  "Each command reads a file you downloaded from your trustee page and writes "
                  "one file for you to upload there.")
def trustee():
    pass


@trustee.command(help="Start: make your ceremony keys and your key file from the INVITATION "
                      "file.")
@click.argument("invitation", type=click.Path(exists=True, dir_okay=False))
@with_common
def init(invitation, key_file, out, passphrase_file):
    try:
        document = _read(invitation)
        secrets, upload = ceremony.start(document)
        key_file = key_file or _default_key_file(document)
        KeyFile.check_free(key_file)  # before asking for a passphrase
        cost = os.environ.get(COST_ENV, "moderate")
        if cost not in COSTS:
            raise click.ClickException(f"{COST_ENV} must be one of {', '.join(COSTS)}.")
        KeyFile.create(key_file, _passphrase(passphrase_file, confirm=True), secrets,
                       election=secrets["election"], trustee=secrets["trustee"],
                       attempt=secrets["attempt"], cost=cost)
    except (CeremonyFileError, KeyFileError) as exc:
        raise _refusal(exc) from None
    out = out or f"{secrets['election']}-trustee-{secrets['trustee']}-init.json"
    _write(out, upload)
    click.echo(f"You are trustee {secrets['trustee']} of election {secrets['election']} "
               f"({secrets['threshold']} of {len(secrets['trustees'])} trustees are needed "
               "to decrypt).")
    click.echo(f"Your key file is {key_file}. Keep it, and its passphrase, safe and apart: "
               "without both you cannot help decrypt the election, and no one can make "
               "them again.")
    click.echo(f"Election server's key: {short_fingerprint(secrets['server_key'])} "
               "(check it is the one shown on your trustee page).")
    click.echo(f"Your signing key: {short_fingerprint(upload['body']['signing_key'])}")
    click.echo(f"Next: upload {out} on your trustee page.")


def _step(key_file, passphrase_file, path, run):
    """Open the key file, run one step on the downloaded file, save, return both."""
    try:
        document = _read(path)
        opened = KeyFile.open(key_file or _default_key_file(document),
                              _passphrase(passphrase_file, confirm=False))
        if (opened.election, opened.trustee) != (document["election"], document["trustee"]):
            raise CeremonyFileError(
                f"This file is for trustee {document['trustee']} of election "
                f"{document['election']!r}, but your key file is trustee {opened.trustee}'s of "
                f"election {opened.election!r}.",
                code="wrong_election" if opened.election != document["election"]
                else "wrong_trustee")
        upload = run(opened.secrets, document)
        opened.save()
    except (CeremonyFileError, KeyFileError) as exc:
        raise _refusal(exc) from None
    return opened.secrets, upload


def _out(out, secrets, kind) -> str:
    return out or f"{secrets['election']}-trustee-{secrets['trustee']}-{kind}.json"


@trustee.command(help="Round 2: from the file with every trustee's ceremony keys, deal "
                      "your shares.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_common
def deal(file, key_file, out, passphrase_file):
    secrets, upload = _step(key_file, passphrase_file, file, ceremony.deal)
    out = _out(out, secrets, "deal")
    _write(out, upload)
    click.echo("The ceremony keys of every trustee are in order:")
    for index, keys in sorted(secrets["roster"].items(), key=lambda item: int(item[0])):
        click.echo(f"  trustee {index}: signing key {short_fingerprint(keys['signing_key'])}")
    click.echo(f"Your commitments and {len(upload['body']['shares'])} encrypted shares, one "
               "for each other trustee, are ready.")
    click.echo(f"Next: upload {out} on your trustee page.")


@trustee.command(help="Round 3: check the shares dealt to you (or the answers to your "
                      "complaints) and accept them or complain.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_common
def receive(file, key_file, out, passphrase_file):
    secrets, upload = _step(key_file, passphrase_file, file, ceremony.receive)
    out = _out(out, secrets, "receive")
    _write(out, upload)
    body = upload["body"]
    if body["accepted"]:
        click.echo("Every share dealt to you matches its dealer's public commitments. Your "
                   "share of the election key is now in your key file.")
        click.echo(f"Your verification key: {short_fingerprint(body['verification_key'])}")
    else:
        for complaint in body["complaints"]:
            why = {"bad_share": "does not match its commitments",
                   "bad_commitment": "has commitments whose proofs fail",
                   "undecryptable": "could not be decrypted"}[complaint["reason"]]
            click.echo(f"The share from trustee {complaint['accused']} {why}: your file "
                       "complains about it.")
        click.echo("The accused trustee will be asked to publish the share; the server "
                   "then checks who is right. You will get a file to run `ovote trustee "
                   "receive` on again.")
    click.echo(f"Next: upload {out} on your trustee page.")


@trustee.command(help="Answer complaints against you: publish the disputed shares so that "
                      "anyone can check them.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_common
def answer(file, key_file, out, passphrase_file):
    secrets, upload = _step(key_file, passphrase_file, file, ceremony.answer)
    out = _out(out, secrets, "answer")
    _write(out, upload)
    accusers = ", ".join(str(a["accuser"]) for a in upload["body"]["answers"])
    click.echo(f"Trustee(s) {accusers} complained about the share you dealt them. Your answer "
               "publishes that share; the server checks it against your commitments.")
    click.echo(f"Next: upload {out} on your trustee page.")


@trustee.command(help="Decrypt your part of the tally in FILE, with proofs.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_common
def decrypt(file, key_file, out, passphrase_file):
    secrets, upload = _step(key_file, passphrase_file, file, ceremony_decrypt.decrypt)
    out = _out(out, secrets, "decryption")
    _write(out, upload)
    lines = upload["body"]["decryptions"]
    click.echo(f"Election fingerprint: {upload['body']['fingerprint']}")
    click.echo(f"You decrypted your part of {len(lines)} group total(s), each with a proof "
               "that anyone can check.")
    click.echo(f"Next: upload {out} on your trustee page.")


@trustee.command(help="Show where you stand in the ceremony.")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False))
def status(key_file, passphrase_file):
    try:
        secrets = KeyFile.open(key_file, _passphrase(passphrase_file, confirm=False)).secrets
    except KeyFileError as exc:
        raise _refusal(exc) from None
    done = {"invited": "made your ceremony keys", "dealt": "dealt your shares",
            "complained": "complained about a share (waiting for the answer)",
            "accepted": "accepted your share: the ceremony is done for you"}[secrets["step"]]
    click.echo(f"Trustee {secrets['trustee']} of election {secrets['election']} "
               f"(attempt {secrets['attempt']}): you have {done}.")
