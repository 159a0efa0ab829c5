"""The voter client's parts that need no server."""

import os
import stat
import subprocess
import sys

import pytest

from ovote.voteclient.flow import FlowError, parse_choices
from ovote.voteclient.kit import Kit, KitError, load_kit, save_kit

STYLE = {"id": "s", "contests": [
    {"id": "president", "options": ["ana", "ben", "cleo"], "min": 1, "max": 1},
    {"id": "referendum", "options": ["yes", "no", "blank"], "min": 0, "max": 2},
]}


def test_vote_command_imports_no_web_stack():
    code = (
        "import sys\n"
        "from ovote.console import main\n"
        "try:\n    main.main(['vote', '--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "try:\n    main.main(['vote', 'check', '--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "import ovote.voteclient.flow, ovote.cli.vote\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug', 'flask_sqlalchemy')]\n"
        "assert not bad, bad\n"
        "assert 'ovote.app' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Usage: ovote vote" in result.stdout


@pytest.mark.parametrize(
    "texts,expected",
    [
        (["president=ben", "referendum=yes,blank"], {"president": ["ben"], "referendum": ["yes", "blank"]}),
        (["president=ana; referendum="], {"president": ["ana"], "referendum": []}),
    ],
)
def test_choices_are_parsed(texts, expected):
    assert parse_choices(texts, STYLE) == expected


@pytest.mark.parametrize(
    "texts,message",
    [
        (["president=ben"], "missing: referendum"),
        (["president=ben,ana", "referendum="], "between 1 and 1"),
        (["president=zed", "referendum="], "no option zed"),
        (["president=ben", "referendum=", "mayor=x"], "no such contest"),
        (["president", "referendum="], "expected contest=option"),
        (["president=ben", "referendum=yes,yes"], "between 0 and 2"),
    ],
)
def test_bad_choices_are_refused(texts, message):
    with pytest.raises(FlowError, match=message):
        parse_choices(texts, STYLE)


def test_kit_is_private_and_round_trips(tmp_path):
    kit = Kit.new("https://vote.example.org", "e1", "ab" * 32)
    kit.token = {"prefix": "00" * 32, "signature": "11" * 384}
    kit.receipts.append({"seq": 1})
    path = tmp_path / "kit.json"
    save_kit(kit, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = load_kit(path)
    assert again.to_dict() == kit.to_dict()
    save_kit(again, path)  # replacing keeps it private and leaves no temporary file
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["kit.json"]


@pytest.mark.parametrize("content", ["{}", "not json", '{"kit": "ovote/kit/v1"}'])
def test_bad_kit_is_refused(tmp_path, content):
    path = tmp_path / "kit.json"
    path.write_text(content)
    with pytest.raises(KitError):
        load_kit(path)
