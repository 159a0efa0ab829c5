"""`ovote vote`, `ovote trustee` and `ovote verify` build no app: they load nothing of
Flask or the database, so they run on a voter's, trustee's or observer's machine."""
import subprocess
import sys

import pytest

from ovote.console import PURE_COMMANDS

WEB_MODULES = ("flask", "sqlalchemy", "werkzeug", "jinja2", "wtforms", "flask_babel", "alembic")
PROBE = """
import sys
from ovote.console import main
try:
    main([{name!r}, "--help"])
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
loaded = sorted(m for m in {web!r} if m in sys.modules)
print("LOADED:" + ",".join(loaded))
"""


@pytest.mark.parametrize("name", sorted(PURE_COMMANDS))
def test_pure_commands_load_nothing_of_the_web_app(name):
    out = subprocess.run([sys.executable, "-c", PROBE.format(name=name, web=WEB_MODULES)],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "LOADED:"


def test_the_server_commands_still_run_on_the_app():
    out = subprocess.run([sys.executable, "-c", PROBE.format(name="db", web=WEB_MODULES)],
                         capture_output=True, text=True, check=True).stdout
    assert "flask" in out.strip().splitlines()[-1]
