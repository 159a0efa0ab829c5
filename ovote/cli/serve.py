"""`ovote serve`: the app under gunicorn, for production (README.md, "Production")."""
import os

import click
from flask.cli import ScriptInfo

from ovote.extensions import db
from ovote.runtime import runtime
from ovote.schema import with_database
from ovote.serving import OvoteServer, gunicorn_options


def _default_workers():
    return 2 * (os.cpu_count() or 1) + 1


def _app_factory():
    """Builds the app the way this command's own app was built (`ovote` or `flask --app`),
    once in each worker."""
    info = click.get_current_context().find_object(ScriptInfo)
    return lambda: ScriptInfo(app_import_path=info.app_import_path, create_app=info.create_app,
                              set_debug_flag=False).load_app()


@click.command("serve")
@click.option("--bind", "-b", default="127.0.0.1:8000", show_default=True,
              help="HOST:PORT or unix:PATH to listen on; keep it private behind the reverse proxy.")
@click.option("--workers", "-w", type=click.IntRange(1), default=_default_workers,
              help="Worker processes (default: 2 × CPUs + 1).")
@click.option("--threads", type=click.IntRange(1), default=1, show_default=True,
              help="Threads per worker.")
@click.option("--timeout", type=click.IntRange(1), default=30, show_default=True,
              help="Seconds a request may take before its worker is restarted.")
@click.option("--access-log", envvar="OVOTE_ACCESS_LOG", default="-", show_default=True,
              help="File of the access log ('-': standard output, '': none); a ballot's line "
                   "has no client address.")
@with_database
def serve(bind, workers, threads, timeout, access_log):
    """Serve the app with gunicorn."""
    options = gunicorn_options(bind=bind, workers=workers, threads=threads, timeout=timeout,
                               max_header_bytes=runtime().settings.max_header_bytes,
                               access_log=access_log)
    make_app = _app_factory()
    # The schema check's connections stay in this process; each worker opens its own.
    db.session.remove()
    db.engine.dispose()
    OvoteServer(options, make_app=make_app).run()
