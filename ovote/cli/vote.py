"""`ovote vote`: vote from the command line (DESIGN.md §6).

Builds no app and imports no Flask: it needs only `ovote.crypto` and an
HTTP client (see `ovote.console.PURE_COMMANDS`).
"""

import json
from pathlib import Path

import click

from ovote.cli.vote_audit import audit
from ovote.crypto.ballot import short_tracking_code
from ovote.voteclient import flow
from ovote.voteclient.api import ApiError, Public, Voter
from ovote.voteclient.kit import Kit, KitError, load_kit, save_kit

_server = click.option("--server", help="Server address, e.g. https://vote.example.org")
_election = click.option("--election", "slug", help="The election's short name (slug).")
_ca = click.option("--ca", "ca_file", type=click.Path(exists=True, dir_okay=False),
                   help="Trust this CA certificate (PEM) for HTTPS, e.g. a self-signed one.")


def _label(labels, lang):
    if isinstance(labels, dict) and labels:
        return labels.get(lang) or labels.get("en") or next(iter(labels.values()))
    return str(labels)


def _ask_choices(checked, unit_id, lang):
    """Ask contest by contest, in ballot order, until each answer is valid."""
    manifest = {c["id"]: c for c in checked.manifest.get("contests", [])}
    choices = {}
    for contest in checked.units[unit_id].ballot_style["contests"]:
        shown = manifest.get(contest["id"], {})
        labels = {o["id"]: o.get("labels") for o in shown.get("options", [])}
        click.echo(f"\n{_label(shown.get('labels', contest['id']), lang)}"
                   f"  (choose {contest['min']} to {contest['max']})")
        for number, option in enumerate(contest["options"], start=1):
            click.echo(f"  {number}. {_label(labels.get(option, option), lang)}")
        while True:
            answer = click.prompt("Your choice (numbers separated by commas)", default="",
                                  show_default=False)
            try:
                picked = [contest["options"][int(n) - 1] for n in answer.replace(" ", "").split(",") if n]
                if any(int(n) < 1 for n in answer.replace(" ", "").split(",") if n):
                    raise IndexError
                flow.parse_choices([f"{contest['id']}={','.join(picked)}"],
                                   {"contests": [contest]})
            except (ValueError, IndexError, flow.FlowError) as exc:
                click.echo(f"  Not a valid choice ({exc or 'no such number'}); try again.")
                continue
            choices[contest["id"]] = picked
            break
    return choices


def _fail(message: str):
    raise click.ClickException(message)


@click.group(invoke_without_command=True)
@_server
@_election
@click.option("--kit", "kit_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Voting kit file: read to revote, written after each step (0600). "
                   "Default: ovote-kit-SLUG.json.")
@click.option("--email", help="Your account's e-mail address (asked if not given).")
@click.option("--choices", multiple=True,
              help="contest=option,option (repeat, or separate contests with ';'); "
                   "asked interactively if not given.")
@click.option("--lang", default="en", show_default=True, help="Language of the labels.")
@_ca
@click.pass_context
def vote(ctx, server, slug, kit_path, email, choices, lang, ca_file):
    """Vote in an election: log in, get a ballot token, encrypt your
    choices on this machine, cast, and keep the signed receipt.

    Run it again with the same --kit to vote again (only your latest
    ballot counts)."""
    if ctx.invoked_subcommand is not None:
        return
    kit = None
    if kit_path is not None and kit_path.exists():
        try:
            kit = load_kit(kit_path)
        except KitError as exc:
            _fail(str(exc))
        server, slug = server or kit.server, slug or kit.election
        if (server.rstrip("/"), slug) != (kit.server.rstrip("/"), kit.election):
            _fail("this voting kit is for another server or election")
    if not server or not slug:
        _fail("give --server and --election (or --kit of an earlier vote)")
    kit_path = kit_path or Path(f"ovote-kit-{slug}.json")
    public = Public(server, ca_file=ca_file)
    try:
        info, checked = flow.fetch_election(public, slug, fingerprint=kit and kit.fingerprint)
        click.echo(f"Election: {_label(checked.manifest.get('title'), lang)} "
                   f"({info.get('state')}), fingerprint {checked.fingerprint.hex()}")
        if kit is None:
            kit = Kit.new(server.rstrip("/"), slug, checked.fingerprint.hex())

        def save():
            save_kit(kit, kit_path)

        if kit.pending_ballot is not None:
            click.echo("Sending again the ballot of the last, interrupted run...")
            _report(flow.send_pending(public, kit, checked, save), kit_path)
        if kit.token is None:
            voter = Voter(server, ca_file=ca_file)
            email = email or click.prompt("E-mail")
            voter.login(email, click.prompt("Password", hide_input=True))
            flow.obtain_token(voter, kit, checked, save)
            voter.close()
            click.echo(f"Ballot token received (unit {kit.unit}).")
        style = checked.units[kit.unit].ballot_style
        picked = (flow.parse_choices(choices, style) if choices
                  else _ask_choices(checked, kit.unit, lang))
        _report(flow.cast(public, kit, checked, picked, save), kit_path)
    except ApiError as exc:
        _fail(f"the server refused: {exc.code}: {exc.message}")
    except flow.FlowError as exc:
        _fail(str(exc))
    finally:
        public.close()


def _report(receipt, kit_path):
    click.echo(f"Ballot accepted: number {receipt['seq']} on the board, "
               f"received {receipt['received_at']}.")
    click.echo(f"Tracking code: {short_tracking_code(receipt['tracking_code'])} "
               f"({receipt['tracking_code']})")
    click.echo(f"Receipt signature verified; receipt saved in {kit_path}.")


@vote.command("check")
@click.argument("receipt_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_server
@_election
@_ca
def check(receipt_file, server, slug, ca_file):
    """Confirm a receipt on the bulletin board.

    RECEIPT_FILE is a receipt (JSON) or a voting kit, whose receipts are
    all checked. The server and election come from the kit if not given."""
    try:
        document = json.loads(receipt_file.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        _fail(f"cannot read {receipt_file}: {exc}")
    receipts = [document]
    if isinstance(document, dict) and "kit" in document:
        try:
            kit = load_kit(receipt_file)
        except KitError as exc:
            _fail(str(exc))
        server, slug, receipts = server or kit.server, slug or kit.election, kit.receipts
        if not receipts:
            _fail("this kit holds no receipt yet")
    if not server or not slug:
        _fail("give --server and --election")
    public = Public(server, ca_file=ca_file)
    try:
        for receipt in receipts:
            entry = flow.check_on_board(public, slug, receipt)
            state = "superseded by a later ballot" if entry["superseded"] else "counted"
            click.echo(f"OK: {short_tracking_code(entry['tracking_code'])} is on the board "
                       f"as number {entry['seq']} ({state}); the chain up to it verifies.")
    except ApiError as exc:
        _fail(f"the server refused: {exc.code}: {exc.message}")
    except flow.FlowError as exc:
        _fail(str(exc))
    finally:
        public.close()


vote.add_command(audit)
