"""`ovote registry import FILE`: the civil registry from CSV, with a per-line error report."""
from datetime import date

import pytest
from sqlalchemy import text

from ovote.audit.models import AuditEvent
from ovote.registration.registry_models import Citizenship, RegistryEntry

HEADER = "document_number,surname,given_names,birth_date,citizenship,disqualified,constituency\n"
GOOD = HEADER + (
    "CA1234567,Silva,Ana Maria,1990-01-15,citizen,no,NORTH\n"
    "X-998 877,Åström,Björn,1985-06-30,citizen,yes,north\n"
    "ID5554443,N'Diaye,,1979-12-01,not_citizen,,SOUTH\n"
)


@pytest.fixture
def constituencies(reg):
    return reg.constituency("NORTH", "Northern constituency"), reg.constituency("SOUTH", "Southern")


def run_import(app, tmp_path, content, *args):
    path = tmp_path / "registry.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return app.test_cli_runner().invoke(args=["registry", "import", str(path), *args])


def entries(db_session):
    return db_session.query(RegistryEntry).count()


def test_a_good_file_is_imported_with_names_encrypted(app, db_session, constituencies, tmp_path, cipher):
    result = run_import(app, tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert "3 new and 0 updated registry entries imported" in result.output
    assert entries(db_session) == 3
    from ovote.registration.matching import document_index
    from ovote.registration.personal import unseal

    index = document_index("X998877", cipher=cipher)
    entry = db_session.query(RegistryEntry).filter_by(document_index=index).one()
    assert unseal(entry, "surname_enc", cipher=cipher) == "Åström" and entry.disqualified
    assert entry.birth_date == date(1985, 6, 30) and entry.constituency.code == "NORTH"
    raw = " ".join(str(v) for row in db_session.execute(text("SELECT * FROM registry_entries")) for v in row)
    for secret in ("Silva", "Ana Maria", "CA1234567", "Åström", "N'Diaye", "ID5554443"):
        assert secret not in raw
    statuses = {e.citizenship for e in db_session.query(RegistryEntry)}
    assert statuses == {Citizenship.CITIZEN, Citizenship.NOT_CITIZEN}
    event = db_session.query(AuditEvent).filter_by(action="registry.import").one()
    assert "Silva" not in event.details and '"created":3' in event.details


def test_importing_again_updates_rather_than_duplicates(app, db_session, constituencies, tmp_path):
    run_import(app, tmp_path, GOOD)
    changed = GOOD.replace("CA1234567,Silva,Ana Maria,1990-01-15,citizen,no", "CA 1234567,Silva,Ana,1990-01-15,citizen,yes")
    result = run_import(app, tmp_path, changed)
    assert result.exit_code == 0 and "0 new and 3 updated" in result.output
    assert entries(db_session) == 3


@pytest.mark.parametrize("content, message", [
    ("document_number,surname,birth_date\nCA1,Silva,1990-01-01\n",
     "Missing columns: given_names, citizenship, disqualified, constituency."),
    ("", "Missing columns: document_number, surname"),
    (b"\xff\xfe\x00garbage", "The file is not UTF-8 text."),
])
def test_a_file_that_cannot_be_read_is_refused_whole(app, db_session, constituencies, tmp_path, content,
                                                      message):
    result = run_import(app, tmp_path, content)
    assert result.exit_code == 1 and message in result.output
    assert entries(db_session) == 0


@pytest.mark.parametrize("line, message", [
    ("CA7654321,Silva,Ana,1990-02-30,citizen,no,NORTH", "birth_date 1990-02-30 is not a date written YYYY-MM-DD"),
    ("CA7654321,Silva,Ana,15/01/1990,citizen,no,NORTH", "birth_date 15/01/1990 is not a date written YYYY-MM-DD"),
    ("CA7654321,Silva,Ana,2999-01-01,citizen,no,NORTH", "birth_date 2999-01-01 is not a plausible date of birth"),
    ("CA7654321,Silva,Ana,1990-01-15,resident,no,NORTH", "citizenship must be citizen or not_citizen"),
    ("CA7654321,Silva,Ana,1990-01-15,citizen,maybe,NORTH", "disqualified must be yes or no"),
    ("CA7654321,Silva,Ana,1990-01-15,citizen,no,EAST", "constituency EAST does not exist"),
    ("C1,Silva,Ana,1990-01-15,citizen,no,NORTH", "document_number must be 3 to 20 letters and digits"),
    (",Ana,1990-01-15,citizen,no,NORTH,extra,more", "the line does not have one value per column"),
    ("CA7654321,,Ana,1990-01-15,citizen,no,NORTH", "surname is required"),
    ("CA1234567,Silva,Ana,1990-01-15,citizen,no,NORTH", "document number already on line 2"),
    ("ca-123 4567,Silva,Ana,1990-01-15,citizen,no,NORTH", "document number already on line 2"),
])
def test_bad_lines_are_reported_by_line_and_nothing_is_imported(app, db_session, constituencies, tmp_path,
                                                                line, message):
    content = GOOD + line + "\n"
    result = run_import(app, tmp_path, content)
    assert result.exit_code == 1
    assert f"registry.csv:5: {message}" in result.output
    assert "1 bad line(s); nothing imported" in result.output
    assert entries(db_session) == 0
    assert db_session.query(AuditEvent).filter_by(action="registry.import").count() == 0


def test_a_field_too_long_for_csv_is_a_bad_line_not_a_crash(app, db_session, constituencies, tmp_path):
    content = GOOD + "CA7654321,Silva," + "A" * 200_000 + ",1990-01-15,citizen,no,NORTH\n"
    result = run_import(app, tmp_path, content)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "registry.csv:5: field larger than field limit" in result.output
    assert "1 bad line(s); nothing imported" in result.output
    assert entries(db_session) == 0
    result = run_import(app, tmp_path, "A" * 200_000 + "," + HEADER)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "registry.csv: The file cannot be read as CSV: field larger than field limit" in result.output and entries(db_session) == 0


def test_several_problems_of_one_line_are_all_named(app, db_session, constituencies, tmp_path):
    result = run_import(app, tmp_path, HEADER + "x,,Ana,never,alien,perhaps,NOWHERE\n")
    assert result.exit_code == 1
    for part in ("document_number must be", "surname is required", "birth_date never",
                 "citizenship must be", "disqualified must be", "constituency NOWHERE"):
        assert part in result.output


def test_skip_invalid_imports_the_good_lines_and_reports_the_bad(app, db_session, constituencies, tmp_path):
    content = GOOD + "CA1234567,Silva,Ana,1990-01-15,citizen,no,NORTH\nZZ1,a,b,c,d,e,f\n"
    result = run_import(app, tmp_path, content, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "registry.csv:5: document number already on line 2" in result.output
    assert "registry.csv:6:" in result.output
    assert "3 new and 0 updated registry entries imported; 2 bad line(s) left out" in result.output
    assert entries(db_session) == 3


def test_columns_may_come_in_any_order_with_a_bom_and_extra_columns(app, db_session, constituencies,
                                                                   tmp_path):
    content = ("\ufeffConstituency, Surname ,given_names,birth_date,document_number,citizenship,"
               "disqualified,notes\nSOUTH,Costa,Rui,1970-03-03,PT0001112,citizen,0,ignored\n")
    result = run_import(app, tmp_path, content)
    assert result.exit_code == 0, result.output
    assert entries(db_session) == 1


def test_batches_mix_new_and_known_documents(app, db_session, constituencies, tmp_path, monkeypatch,
                                            cipher):
    """Rows are written BATCH at a time (one look-up, one insert, one update each): a
    file whose known and new documents straddle batches is written whole and right."""
    from ovote.registration import registry
    from ovote.registration.matching import document_index
    from ovote.registration.personal import unseal

    monkeypatch.setattr(registry, "BATCH", 2)
    run_import(app, tmp_path, GOOD)
    more = GOOD.replace("Ana Maria", "Ana") + (
        "PT0000001,Costa,Rui,1970-03-03,citizen,no,SOUTH\n"
        "PT0000002,Costa,Rita,1972-04-04,citizen,yes,NORTH\n")
    result = run_import(app, tmp_path, more)
    assert result.exit_code == 0, result.output
    assert "2 new and 3 updated" in result.output
    assert entries(db_session) == 5
    db_session.expire_all()
    silva, rita = (db_session.query(RegistryEntry).filter_by(
        document_index=document_index(number, cipher=cipher)).one() for number in ("CA1234567", "PT0000002"))
    assert unseal(silva, "given_names_enc", cipher=cipher) == "Ana"
    assert unseal(rita, "given_names_enc", cipher=cipher) == "Rita" and rita.disqualified
    assert rita.constituency.code == "NORTH" and rita.birth_date == date(1972, 4, 4)


def test_a_bad_byte_far_into_the_file_refuses_it_whole(app, db_session, constituencies, tmp_path):
    """The file is read as a stream: invalid UTF-8 after many good lines still stops
    the import before anything is written."""
    lines = "".join(f"PT{n:07d},Costa,Rui,1970-03-03,citizen,no,SOUTH\n" for n in range(3000))
    content = (HEADER + lines).encode() + b"PT9999999,Co\xffsta,Rui,1970-03-03,citizen,no,SOUTH\n"
    result = run_import(app, tmp_path, content)
    assert result.exit_code == 1 and "The file is not UTF-8 text." in result.output
    assert entries(db_session) == 0


def test_the_file_can_come_from_standard_input(app, db_session, constituencies):
    result = app.test_cli_runner().invoke(args=["registry", "import", "-"], input=GOOD.encode())
    assert result.exit_code == 0, result.output
    assert "3 new and 0 updated" in result.output and entries(db_session) == 3
