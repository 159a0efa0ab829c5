"""`ovote verify DIR`: a thin wrapper; the verifier is `ovote.record.verify`,
which builds no app and parses its own arguments."""

import click


@click.command(
    "verify",
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def verify(args):
    """Verify an election record from the record alone (see --help)."""
    from ovote.record.verify import main

    raise SystemExit(main(list(args)))
