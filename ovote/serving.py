"""Serving the app in production: gunicorn, and what it answers for the app.

Headers are limited in three places, from the inside out, so that every refusal
a client can get is understood (README.md, "Production"):

* the app refuses a header field (name and value) longer than
  `OVOTE_MAX_HEADER_BYTES` (8192) with 431 before any view runs
  (`ovote.web.limits`): its own page, in the reader's language, or JSON for
  an API client. This holds under the development server too.
* gunicorn (`ovote serve`) reads request lines up to 8190 bytes (its maximum),
  at most 100 header fields, each up to twice the app's limit, so that what the
  app can answer reaches the app. What gunicorn refuses itself (414 for a
  longer request line, 431 for a larger or 101st field, 400 for a request that
  is not HTTP) is answered by the `AppErrorPages` workers with the app's own
  error page, not gunicorn's: in the default language and as HTML, because the
  request's headers (Accept, Accept-Language, even the path) were not read.
  Their log line names the refusal, never the client's address.
* the reverse proxy in front should allow at least as much (README.md).

The access log (`OVOTE_ACCESS_LOG`, standard output by default) goes through
`AccessLogger`: on the paths served without the session (`COOKIELESS_PATHS`:
casting a ballot, the public board and receipt pages) its line carries no client
address, user agent, referrer or request header, so that the log cannot tie a
ballot to the voter who fetched a token from the same address (DESIGN.md §3.6).
"""
import re

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker
from werkzeug.exceptions import default_exceptions

#: gunicorn's largest request line (its hard maximum)
REQUEST_LINE_LIMIT = 8190
REQUEST_FIELDS_LIMIT = 100
#: paths served without reading or writing the session cookie (`ovote.app`) and logged without
#: anything about the client: a ballot must reach the server with nothing that could name the
#: voter (DESIGN.md §3.6)
COOKIELESS_PATHS = re.compile(r"/api/v1/elections/[^/]+/ballots/?|/elections/[^/]+/(board|receipt)")
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def _refusal_status(exc):
    """The status of a request gunicorn refused before the app saw it, or None for the
    errors gunicorn answers itself (its own configuration, the app's response headers,
    an unsupported transfer coding or expectation)."""
    if isinstance(exc, (http_errors.ConfigurationProblem, http_errors.InvalidResponseHeader,
                        http_errors.InvalidResponseHeaderName, http_errors.ExpectationFailed,
                        http_errors.UnsupportedTransferCoding)):
        return None
    if isinstance(exc, http_errors.LimitRequestLine):
        return 414
    if isinstance(exc, http_errors.LimitRequestHeaders):
        return 431
    if isinstance(exc, http_errors.ForbiddenProxyRequest):
        return 403
    if isinstance(exc, http_errors.ParseException):
        return 400
    return None


def error_response(app, status):
    """The raw HTTP/1.1 response of the app's error page for `status`, as bytes: the app's own
    handler of that HTTP error (`ovote.web.errors`) answers it, as for a request it refused."""
    with app.test_request_context("/", headers={"Accept": "text/html"}):
        answer = app.handle_user_exception(default_exceptions[status]())
        response = app.process_response(app.make_response(answer))
    body = response.get_data()
    head = [f"HTTP/1.1 {response.status}"]
    head += [f"{name}: {value}" for name, value in response.headers.items()
             if name.lower() not in ("content-length", "connection")]
    head += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class AppErrorPages:
    """Mixin for gunicorn workers: what gunicorn refuses gets the app's own error page."""

    def handle_error(self, req, client, addr, exc):
        status = _refusal_status(exc)
        if status is None:
            return super().handle_error(req, client, addr, exc)
        self.log.warning("request refused before the app: %s %s", status, type(exc).__name__)
        try:
            client.sendall(error_response(self.wsgi, status))
        except OSError:
            self.log.debug("could not send the error page")


class AppSyncWorker(AppErrorPages, SyncWorker):
    pass


class AppThreadWorker(AppErrorPages, ThreadWorker):
    pass


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


def gunicorn_options(*, bind, workers, threads, timeout, max_header_bytes, access_log="-"):
    """gunicorn's settings for `ovote serve` (see the module's docstring for the limits)."""
    worker = AppThreadWorker if threads > 1 else AppSyncWorker
    return {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "timeout": timeout,
        "worker_class": f"{worker.__module__}.{worker.__qualname__}",
        "limit_request_line": REQUEST_LINE_LIMIT,
        "limit_request_fields": REQUEST_FIELDS_LIMIT,
        "limit_request_field_size": 2 * max_header_bytes,
        # The scheme and client address come from ProxyFix (OVOTE_TRUSTED_PROXIES) alone.
        "secure_scheme_headers": {},
        # A ballot's access line has no client address (`AccessLogger`); errors go to
        # standard error. `access_log` None or "" turns the access log off.
        "accesslog": access_log or None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": f"{AccessLogger.__module__}.{AccessLogger.__qualname__}",
        "errorlog": "-",
        # Workers never share database connections: each builds its app after the fork.
        "preload_app": False,
        "graceful_timeout": 30,
        "proc_name": "ovote",
    }


class OvoteServer(BaseApplication):
    """gunicorn running the app `make_app()` builds, in each worker after the fork (no database
    connection is shared between processes)."""

    def __init__(self, options, *, make_app):
        self.options, self.make_app = options, make_app
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.make_app()
