"""gunicorn settings for ovote (`gunicorn -c python:ovote.serving ovote.wsgi:app`).

Every setting can still be given on the command line or in GUNICORN_CMD_ARGS
(`--workers`, `--bind`...). The one thing this module adds that gunicorn has no
setting for: the access log line of a ballot (and of the public board and
receipt pages, which serve without the session) carries no client address, no
user agent, referrer or forwarded header, so that the log cannot tie a ballot
to the voter who fetched a token from the same address (DESIGN.md §3.6).
"""
import os

from gunicorn.glogging import Logger

from ovote.app import COOKIELESS_PATHS

bind = os.environ.get("OVOTE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("OVOTE_WORKERS", "2"))
# Ballots are CPU-bound (about 10 ms of proofs each): one thread per worker and a
# worker per core; a longer timeout than a ballot's worst case behind a busy database.
threads = 1
timeout = 60
graceful_timeout = 30
# Workers never share database connections: each builds its app after the fork.
preload_app = False
accesslog = os.environ.get("OVOTE_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logger_class = "ovote.serving.AccessLogger"


class AccessLogger(Logger):
    """gunicorn's logger, with nothing about the client on the anonymous paths."""

    ANONYMOUS_ATOMS = {"h": "-", "a": "-", "f": "-", "u": "-"}

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if COOKIELESS_PATHS.fullmatch(environ.get("PATH_INFO", "")):
            atoms.update(self.ANONYMOUS_ATOMS)
            for key in [k for k in atoms if k.endswith("}i")]:
                del atoms[key]  # request headers: X-Forwarded-For, Cookie, User-Agent...
        return atoms
