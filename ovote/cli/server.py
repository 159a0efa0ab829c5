"""The server's `ovote ...` commands, registered on the app by `create_app`
(`ovote.console` dispatches the ones that build no app before Flask is imported)."""
from ovote.cli.admin import admin
from ovote.cli.audit import audit
from ovote.cli.demo import demo
from ovote.cli.keys import keys
from ovote.cli.mail import mail
from ovote.cli.registration import registration
from ovote.cli.serve import serve
from ovote.consulates.cli import constituency
from ovote.elections.cli import election
from ovote.registration.cli import registry
from ovote.tally.cli import record, tally


def init_cli(app):
    for command in (admin, audit, demo, keys, mail, serve, constituency, registry, registration,
                    election, tally, record):
        app.cli.add_command(command)

