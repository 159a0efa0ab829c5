"""`ovote serve`: the app under gunicorn, for production (README.md, "Production")."""
import os

import click
from flask import current_app

from ovote.cli.database import with_database
from ovote.extensions import db


def _default_workers():
    return 2 * (os.cpu_count() or 1) + 1


@click.command("serve")
@click.option("--bind", "-b", default="127.0.0.1:8000", show_default=True,
              help="HOST:PORT or unix:PATH to listen on; keep it private behind the reverse proxy.")
@click.option("--workers", "-w", type=click.IntRange(1), default=_default_workers,
              help="Worker processes (default: 2 × CPUs + 1).")
@click.option("--threads", type=click.IntRange(1), default=1, show_default=True,
              help="Threads per worker.")
@click.option("--timeout", type=click.IntRange(1), default=30, show_default=True,
              help="Seconds a request may take before its worker is restarted.")
@with_database
def serve(bind, workers, threads, timeout):
    """Serve the app with gunicorn."""
    from ovote.serving import OvoteServer, gunicorn_options

    options = gunicorn_options(bind=bind, workers=workers, threads=threads, timeout=timeout,
                               max_header_bytes=current_app.config["MAX_HEADER_BYTES"])
    # The schema check's connections stay in this process; each worker opens its own.
    db.session.remove()
    db.engine.dispose()
    OvoteServer(options).run()
