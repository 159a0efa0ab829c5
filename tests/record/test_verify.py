"""`ovote verify` on a real record: folder and zip, one and two
processes, text and JSON reports, and nothing of the web app imported."""

import json
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from ovote.record.checks import CHECK_NAMES
from ovote.record.files import FILE_NAMES
from ovote.record.verify import main, verify_record


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_real_record_verifies(record_dir, jobs):
    report = verify_record(record_dir, jobs=jobs)
    assert report.failed is None, report.to_text()
    assert report.ok and report.exit_code == 0
    assert [name for name, _ in report.passed] == list(CHECK_NAMES)
    assert report.stats["ballots"] == 15 and report.stats["counted"] == 13


def test_decrypted_results_are_the_voters_choices(base_record):
    published = {
        (result["contest"], group["group"]): group["counts"]
        for result in base_record.results
        for group in result["groups"]
    }
    expected = {k: v for k, v in base_record.truth.items() if k != ("council", "TYO")}
    assert {k: v for k, v in published.items() if v is not None} == expected
    assert published[("council", "TYO")] is None
    national = {r["contest"]: r["national"] for r in base_record.results}
    president = [sum(c) for c in zip(*(base_record.truth[("president", g)] for g in
                                       ("NYC", "PAR", "pool:LON,OSL,ROM,TYO")), [2, 1, 0])]
    assert national == {"president": president, "referendum": national["referendum"], "council": None}


@pytest.mark.parametrize("top_folder", ["", "overseas-2026/"])
def test_a_zip_verifies_with_files_at_its_root_or_in_one_folder(record_dir, tmp_path, top_folder):
    archive = tmp_path / "record.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name in FILE_NAMES:
            out.write(record_dir / name, top_folder + name)
        out.writestr(top_folder + "README.txt", "not part of the record")
    report = verify_record(archive, jobs=2)
    assert report.ok, report.to_text()
    assert report.ignored_files == [top_folder + "README.txt"]


def test_the_writer_writes_a_zip_that_verifies(base_record, tmp_path):
    path = base_record.write(tmp_path / "record.zip", as_zip=True)
    assert verify_record(path, jobs=1).ok


def test_json_lines_are_canonical(record_dir):
    from ovote.crypto.canonical import canonical_json, parse_json

    for name in ("ballots.jsonl", "decryption.jsonl"):
        for line in (record_dir / name).read_bytes().splitlines():
            assert canonical_json(parse_json(line)) == line


def test_unknown_files_are_ignored_and_named(base_record, tmp_path):
    path = base_record.write(tmp_path / "rec")
    (path / "notes.txt").write_text("hello")
    report = verify_record(path, jobs=1)
    assert report.ok and report.ignored_files == ["notes.txt"]
    assert "notes.txt" in report.to_text()


def test_json_report(record_dir, capsys):
    assert main([str(record_dir), "--jobs", "2", "--json", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["failed"] is None and report["exit_code"] == 0
    assert [c["check"] for c in report["checks"]] == list(CHECK_NAMES)
    assert report["stats"]["election"] == "overseas-2026"


def test_text_report_and_progress_bar(record_dir, capsys):
    assert main([str(record_dir), "--jobs", "1", "--progress"]) == 0
    captured = capsys.readouterr()
    assert "result: every check passed" in captured.out
    assert "15/15" in captured.err


def test_the_ovote_command_builds_no_app(record_dir, monkeypatch):
    import ovote
    from ovote.console import main as ovote_main

    def refuse(*args, **kwargs):
        raise AssertionError("ovote verify built the app")

    monkeypatch.setattr(ovote, "create_app", refuse)
    result = CliRunner().invoke(ovote_main, ["verify", str(record_dir), "--jobs", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"] is True


def test_the_ovote_command_exits_with_the_failed_checks_code(base_record, tmp_path):
    path = base_record.write(tmp_path / "rec")
    (path / "tally.json").unlink()
    result = CliRunner().invoke(__import__("ovote.console", fromlist=["main"]).main, ["verify", str(path)])
    assert result.exit_code == 10
    assert "FAILED at files" in result.output


_PROBE = """
import json, sys
before = set(sys.modules)
from ovote.record.verify import main
code = main([sys.argv[1], "--jobs", "2", "--no-progress"])
print(json.dumps({"code": code, "before": sorted(before), "after": sorted(sys.modules)}))
"""


def test_verifying_imports_only_crypto_record_and_the_standard_library(record_dir):
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(record_dir)], capture_output=True, text=True, check=True
    ).stdout
    probe = json.loads(out.splitlines()[-1])
    assert probe["code"] == 0
    # PyNaCl and cryptography (with their compiled cffi modules) are
    # ovote.crypto's dependencies; __mp_main__ is multiprocessing's alias.
    allowed_roots = set(sys.stdlib_module_names) | {
        "nacl", "cryptography", "_cffi_backend", "_sodium", "_openssl", "__mp_main__",
    }
    new = set(probe["after"]) - set(probe["before"])
    foreign = sorted(
        m for m in new
        if not (m.split(".")[0] in allowed_roots
                or m == "ovote" or m.startswith(("ovote.crypto", "ovote.record")))
    )
    assert foreign == []
    web = {"flask", "sqlalchemy", "werkzeug", "jinja2", "wtforms", "click"}
    assert not [m for m in probe["after"] if m.split(".")[0] in web]


def test_the_record_package_imports_nothing_of_the_web_app():
    import ast
    from pathlib import Path

    import ovote.record

    allowed = set(sys.stdlib_module_names) | {"nacl", "cryptography"}
    for path in Path(ovote.record.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert (name.split(".")[0] in allowed
                        or name.startswith(("ovote.crypto", "ovote.record"))), f"{path.name}: {name}"


def test_an_empty_board_closes_at_seq_0_and_publishes_nothing_decrypted(election, tmp_path):
    from tests.record.factory import build_record

    data = build_record(election, [], [])
    assert data.election["close"]["seq"] == 0
    assert data.election["close"]["board_head"] == election.fingerprint.hex()
    assert data.decryption == []
    assert all(r["national"] is None for r in data.results)
    report = verify_record(data.write(tmp_path / "empty"), jobs=2)
    assert report.ok, report.to_text()


def test_an_equivalent_record_written_another_way_verifies(base_record, tmp_path):
    """What another implementation may do differently, and §8 allows:
    pretty-printed JSON files, keys in any order, groups, shares and
    returns in any order, no newline after the last line."""
    import random

    rng = random.Random(8)
    path = tmp_path / "other"
    path.mkdir()

    def shuffled(items):
        items = list(items)
        rng.shuffle(items)
        return items

    def unsorted_json(obj):
        return json.dumps(obj, indent=2, ensure_ascii=True, sort_keys=False)

    results = [dict(r, groups=shuffled(r["groups"]), in_person=shuffled(r["in_person"]))
               for r in base_record.results]
    for name, document in [("election.json", base_record.election), ("tally.json", shuffled(base_record.tally)),
                           ("in_person.json", shuffled(base_record.in_person)), ("results.json", results)]:
        (path / name).write_text(unsorted_json(document))
    (path / "ballots.jsonl").write_text(
        "\n".join(json.dumps(dict(reversed(list(r.items())))) for r in base_record.ballots))
    (path / "decryption.jsonl").write_text(
        "\n".join(json.dumps(d) for d in shuffled(base_record.decryption)) + "\n")
    report = verify_record(path, jobs=2)
    assert report.ok, report.to_text()
