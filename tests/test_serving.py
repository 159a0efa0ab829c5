"""Header limits and `ovote serve`: every refusal of an oversized or malformed request is
the app's own page (or JSON), from the app and from gunicorn in front of it."""
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from ovote.serving import AccessLogger, gunicorn_options
from tests.conftest import make_app
from tests.databases import fresh_database, upgrade_to_head

LIMIT = 8192  # OVOTE_MAX_HEADER_BYTES's default
APP_PAGE = "Request header fields too large"


@pytest.mark.parametrize("path, headers, status", [
    ("/", {"X-Big": "a" * (LIMIT - 7)}, 200),          # "X-Big: " + value == LIMIT bytes
    ("/", {"X-Big": "a" * (LIMIT - 6)}, 431),
    ("/", {"Accept-Language": "en," + "x" * LIMIT}, 431),
    ("/auth/login", {"Referer": "r" * 20000}, 431),
])
def test_a_header_over_the_limit_gets_the_apps_431_page(client, db_session, path, headers, status):
    response = client.get(path, headers=headers)
    assert response.status_code == status
    if status == 431:
        page = response.get_data(as_text=True)
        # Translated text is escaped like any text (ovote.i18n): the apostrophe too.
        assert APP_PAGE in page and "Delete this site&#39;s cookies" in page
        assert "Content-Security-Policy" in response.headers


def test_an_api_client_gets_the_431_as_json(client, db_session):
    response = client.get("/api/v1/elections", headers={"X-Big": "a" * LIMIT})
    assert response.status_code == 431
    assert response.get_json() == {
        "error": "headers_too_large",
        "message": "Your browser sent more than we accept with this request, often because of too "
                   "many or too large cookies. Delete this site's cookies, then try again."}


def test_the_431_page_is_in_the_readers_language(client, db_session):
    response = client.get("/", headers={"X-Big": "a" * LIMIT, "Accept-Language": "fr"})
    assert response.status_code == 431
    assert "En-têtes de requête trop grands" in response.get_data(as_text=True)


# -- under gunicorn -------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def exchange(port, raw):
    """Send `raw` bytes, return (status, headers text, body text) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), body.decode("utf-8")


def get(path="/", headers=()):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@pytest.fixture(scope="module", params=[1, 2], ids=["sync-workers", "threaded-workers"])
def served(request, tmp_path_factory):
    """`ovote serve` on a free loopback port, on a fresh database built by the migrations,
    with gunicorn's plain and its threaded workers."""
    folder = tmp_path_factory.mktemp("serve")
    url = fresh_database("serve", folder)
    app = make_app(url)
    upgrade_to_head(app)
    with app.app_context():
        from ovote.extensions import db

        db.engine.dispose()
    port = free_port()
    env = {**os.environ, "OVOTE_DATABASE_URL": url, "OVOTE_UPLOAD_DIR": str(folder / "uploads"),
           "OVOTE_MAIL_BACKEND": "console", "OVOTE_RATELIMIT": "false"}
    command = [str(Path(sys.executable).parent / "ovote"), "serve", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--threads", str(request.param)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120  # a readiness wait, not a speed check
        while True:
            try:
                if exchange(port, get())[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read().decode() if server.poll() is not None else ""
                pytest.fail(f"ovote serve did not start: {output}")
            time.sleep(0.2)
        yield port, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server.stdout.close()


@pytest.mark.parametrize("raw, status, title", [
    (get(headers=[f"X-Big: {'a' * (LIMIT + 100)}"]), 431, APP_PAGE),             # the app refuses
    (get(headers=[f"Cookie: crumbs={'x' * LIMIT}"]), 431, APP_PAGE),
    (get(headers=[f"X-Big: {'a' * (4 * LIMIT)}"]), 431, APP_PAGE),               # gunicorn refuses
    (get(headers=[f"X-{n}: v" for n in range(150)]), 431, APP_PAGE),            # too many fields
    (get(path="/" + "a" * 9000), 414, "Address too long"),
    (b"NOT HTTP AT ALL\r\n\r\n", 400, "Bad request"),
], ids=["over-the-app-limit", "a-large-cookie", "over-gunicorns-limit", "too-many-fields", "long-request-line",
        "not-http"])
def test_what_gunicorn_or_the_app_refuses_is_the_apps_own_page(served, raw, status, title):
    port, _server = served
    answer, head, body = exchange(port, raw)
    assert answer == status
    assert f"<title>{title}" in body or f"{title} <span" in body
    assert "Content-Security-Policy: default-src 'self'" in head
    assert "gunicorn" not in body.lower()


def test_the_served_app_answers_pages(served):
    port, _server = served
    status, head, body = exchange(port, get("/auth/login"))
    assert status == 200 and 'name="csrf_token"' in body


# -- the access log: no client address on a ballot's line ------------------------------


def _line(path, capsys):
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(a)s" %({x-forwarded-for}i)s')
    logger = AccessLogger(config)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": path, "PATH_INFO": path,
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "198.51.100.9",
               "HTTP_USER_AGENT": "VoterAgent/1.0"}
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.5"), ("USER-AGENT", "VoterAgent/1.0")])
    response = SimpleNamespace(status="201 CREATED", headers=[], sent=10)
    capsys.readouterr()
    logger.access(response, request, environ, timedelta(milliseconds=12))
    return capsys.readouterr().out


def test_ballot_access_line_has_no_client(capsys):
    line = _line("/api/v1/elections/e1/ballots", capsys)
    assert "198.51.100.9" not in line and "203.0.113.5" not in line and "VoterAgent" not in line
    assert '"POST /api/v1/elections/e1/ballots HTTP/1.1" 201' in line
    other = _line("/api/v1/elections/e1/tokens", capsys)
    assert "198.51.100.9" in other  # other paths keep the usual line


def test_ovote_serve_logs_through_the_access_logger():
    options = gunicorn_options(bind="127.0.0.1:0", workers=1, threads=1, timeout=30,
                               max_header_bytes=8192, access_log="-")
    assert options["logger_class"] == "ovote.serving.AccessLogger"
    assert options["accesslog"] == "-"
