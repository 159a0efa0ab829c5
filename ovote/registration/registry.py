"""Importing the national civil registry from CSV.

Columns (header row required, any order, extra columns ignored):
document_number, surname, given_names, birth_date (YYYY-MM-DD), citizenship
(citizen | not_citizen), disqualified (yes/no, true/false, 1/0; empty means
no), constituency (a constituency code).

Every line is checked first. By default one bad line stops the import and
nothing is written; with `skip_invalid` the good lines are imported and the
bad ones reported. A document number already in the registry updates its
row, so a corrected file can be imported again.

The file is read twice, as a stream (once to check every line, once to write),
and written in batches of BATCH rows with one look-up, one multi-row insert
and one multi-row update each: memory grows only by the document numbers seen
(to report duplicates), and a national registry of millions of rows imports in
minutes (`bench/registry_bench.py`).
"""
import csv
import io
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from ovote.audit.services import record
from ovote.clock import utcnow
from ovote.consulates.models import Constituency
from ovote.errors import Refused
from ovote.registration.matching import document_index, normalize_document_number
from ovote.registration.registry_models import Citizenship, RegistryEntry
from ovote.registration.personal import sealed
from ovote.refusals import message_of
from ovote.text import visible_text

log = logging.getLogger(__name__)
COLUMNS = ("document_number", "surname", "given_names", "birth_date", "citizenship", "disqualified",
           "constituency")
#: rows written per statement
BATCH = 1000
_FLAGS = {"": False, "no": False, "false": False, "0": False, "n": False,
          "yes": True, "true": True, "1": True, "y": True}


class RegistryFileError(Refused):
    """The file as a whole cannot be read (encoding, header); nothing was imported."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # (line number, message)
    written: bool = False


@dataclass(frozen=True)
class _Row:
    line: int
    document_number: str
    surname: str
    given_names: str
    birth_date: date
    citizenship: Citizenship
    disqualified: bool
    constituency: Constituency


def _reader(stream):
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    try:
        fieldnames = reader.fieldnames or []
    except UnicodeDecodeError:
        raise RegistryFileError("registry.not_utf8") from None
    except csv.Error as exc:  # e.g. a header cell longer than csv's field limit
        raise RegistryFileError("registry.unreadable", why=str(exc)) from None
    header = [(name or "").strip().lower() for name in fieldnames]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RegistryFileError("registry.missing_columns", columns=", ".join(missing),
                                all=", ".join(COLUMNS))
    reader.fieldnames = header
    return text, reader


def _parse(line, raw, constituencies, today):
    """A checked _Row, or raise ValueError with the line's problems."""
    values = {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS}
    problems = []
    number = normalize_document_number(values["document_number"])
    if not (3 <= len(number) <= 20 and number.isalnum() and number.isascii()):
        problems.append(_("document_number must be 3 to 20 letters and digits"))
    if not values["surname"] or len(values["surname"]) > 100 or len(values["given_names"]) > 100:
        problems.append(_("surname is required; names have at most 100 characters"))
    for column in ("surname", "given_names"):
        try:
            visible_text(values[column])
        except Refused as exc:
            problems.append(_("%(column)s: %(problem)s", column=column, problem=message_of(exc)))
    try:
        birth = date.fromisoformat(values["birth_date"])
        if not date(1900, 1, 1) <= birth <= today:
            problems.append(_("birth_date %(value)s is not a plausible date of birth",
                              value=values["birth_date"]))
    except ValueError:
        birth = None
        problems.append(_("birth_date %(value)s is not a date written YYYY-MM-DD",
                          value=values["birth_date"] or "''"))
    try:
        citizenship = Citizenship(values["citizenship"].lower())
    except ValueError:
        citizenship = None
        problems.append(_("citizenship must be citizen or not_citizen"))
    flag = _FLAGS.get(values["disqualified"].lower())
    if flag is None:
        problems.append(_("disqualified must be yes or no"))
    constituency = constituencies.get(values["constituency"].upper())
    if constituency is None:
        problems.append(_("constituency %(code)s does not exist", code=values["constituency"] or "''"))
    if problems:
        raise ValueError("; ".join(problems))
    return _Row(line, number, values["surname"], values["given_names"], birth, citizenship, flag,
                constituency)


def _records(reader, errors):
    """The reader's records; a line that csv itself cannot read (a field over its size limit)
    is added to `errors` and skipped."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise RegistryFileError("registry.not_utf8") from None
        except csv.Error as exc:
            errors.append((reader.line_num + 1, str(exc)))


def _checked_rows(stream, constituencies, today, errors):
    """The good rows of the CSV in `stream`, in file order, as a generator; the
    (line, message) of every bad line is appended to `errors`."""
    stream.seek(0)
    text, reader = _reader(stream)
    seen = {}
    try:
        for raw in _records(reader, errors):
            line = reader.line_num
            if None in raw or any(v is None for v in raw.values()):
                errors.append((line, _("the line does not have one value per column")))
                continue
            try:
                row = _parse(line, raw, constituencies, today)
            except ValueError as exc:
                errors.append((line, str(exc)))
                continue
            if row.document_number in seen:
                errors.append((line, _("document number already on line %(line)d",
                                       line=seen[row.document_number])))
                continue
            seen[row.document_number] = line
            yield row
    finally:
        text.detach()  # leave `stream` open for the caller (and the second pass)


def _seekable(data):
    """`data` as a stream that can be read twice: standard input is copied to a
    temporary file (kept in memory while small) as it is read."""
    if isinstance(data, (bytes, bytearray)):
        return io.BytesIO(data)
    if data.seekable():
        return data
    copy = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    shutil.copyfileobj(data, copy)
    return copy


def import_registry(session, data, *, actor, cipher, skip_invalid=False):
    """Check the CSV `data` (bytes, or a binary file) and write its rows, sealed and
    indexed with `cipher`; returns an ImportReport. Raises RegistryFileError when the
    file cannot be read at all.
    """
    stream = _seekable(data)
    constituencies = {c.code: c for c in session.scalars(select(Constituency))}
    today = utcnow().date()
    errors = []
    for _row in _checked_rows(stream, constituencies, today, errors):
        pass
    report = ImportReport(errors=errors)
    if errors and not skip_invalid:
        return report
    rows = _checked_rows(stream, constituencies, today, [])  # the same rows, read again
    now = utcnow()
    while batch := list(islice(rows, BATCH)):
        _write_batch(session, batch, now, report, cipher)
    report.written = True
    record(session, actor=actor, action="registry.import", target="registry",
           details={"created": report.created, "updated": report.updated, "rejected": len(errors)})
    log.info("civil registry import: %s created, %s updated, %s rejected",
             report.created, report.updated, len(errors))
    return report


def _write_batch(session, batch, now, report, cipher):
    """Insert the rows whose document is new, update the others: one look-up, at most
    one INSERT and one UPDATE (executemany) for the whole batch."""
    values = {}
    for row in batch:
        values[document_index(row.document_number, cipher=cipher)] = {
            "document_number_enc": sealed(RegistryEntry, "document_number_enc", row.document_number,
                                          cipher=cipher),
            "surname_enc": sealed(RegistryEntry, "surname_enc", row.surname, cipher=cipher),
            "given_names_enc": sealed(RegistryEntry, "given_names_enc", row.given_names, cipher=cipher),
            "birth_date": row.birth_date, "citizenship": row.citizenship,
            "disqualified": row.disqualified, "constituency_id": row.constituency.id,
            "imported_at": now,
        }
    existing = dict(session.execute(
        select(RegistryEntry.document_index, RegistryEntry.id)
        .where(RegistryEntry.document_index.in_(list(values)))).all())
    new = [{"document_index": index, **fields} for index, fields in values.items() if index not in existing]
    changed = [{"id": existing[index], **fields} for index, fields in values.items() if index in existing]
    if new:
        session.execute(insert(RegistryEntry), new)
    if changed:
        session.execute(update(RegistryEntry), changed)
    report.created += len(new)
    report.updated += len(changed)
