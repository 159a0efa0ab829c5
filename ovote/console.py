"""The `ovote` console script: the app's commands (`ovote.cli`) run on an app it builds."""
import click
from flask.cli import FlaskGroup

from ovote.app import create_app


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def main():
    """ovote: out-of-country voting. Run `ovote COMMAND --help` for each command."""
