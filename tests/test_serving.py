"""The production access log: no client address on a ballot's line."""
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from ovote.serving import AccessLogger


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
