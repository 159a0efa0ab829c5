"""Importing the national civil registry from CSV.

Columns (header row required, any order, extra columns ignored):
document_number, surname, given_names, birth_date (YYYY-MM-DD), citizenship
(citizen | not_citizen), disqualified (yes/no, true/false, 1/0; empty means
no), constituency (a constituency code).

Every line is checked first. By default one bad line stops the import and
nothing is written; with `skip_invalid` the good lines are imported and the
bad ones reported. A document number already in the registry updates its
row, so a corrected file can be imported again.
"""
import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ovote.accounts.models import utcnow
from ovote.audit.services import record
from ovote.elections.models import Constituency
from ovote.registration.matching import document_index, normalize_document_number
from ovote.registration.models import Citizenship, RegistryEntry
from ovote.registration.personal import seal

log = logging.getLogger(__name__)
COLUMNS = ("document_number", "surname", "given_names", "birth_date", "citizenship", "disqualified",
           "constituency")
_FLAGS = {"": False, "no": False, "false": False, "0": False, "n": False,
          "yes": True, "true": True, "1": True, "y": True}


class RegistryFileError(ValueError):
    """The file as a whole cannot be read (encoding, header); nothing was imported."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # (line number, message)
    written: bool = False

    @property
    def rows_ok(self):
        return self.created + self.updated


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


def _reader(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistryFileError(_("The file is not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:  # e.g. a header cell longer than csv's field limit
        raise RegistryFileError(str(exc)) from None
    header = [(name or "").strip().lower() for name in fieldnames]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RegistryFileError(_("Missing columns: %(columns)s. The header must name %(all)s.",
                                  columns=", ".join(missing), all=", ".join(COLUMNS)))
    reader.fieldnames = header
    return reader


def _parse(line, raw, constituencies, today):
    """A checked _Row, or raise ValueError with the line's problems."""
    values = {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS}
    problems = []
    number = normalize_document_number(values["document_number"])
    if not (3 <= len(number) <= 20 and number.isalnum() and number.isascii()):
        problems.append(_("document_number must be 3 to 20 letters and digits"))
    if not values["surname"] or len(values["surname"]) > 100 or len(values["given_names"]) > 100:
        problems.append(_("surname is required; names have at most 100 characters"))
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
        except csv.Error as exc:
            errors.append((reader.line_num + 1, str(exc)))


def check_file(session, data, *, today=None):
    """The file's good rows and the (line, message) errors of the others."""
    reader = _reader(data)
    constituencies = {c.code: c for c in session.scalars(select(Constituency))}
    today = today or utcnow().date()
    rows, errors, seen = [], [], {}
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
        rows.append(row)
    return rows, errors


def import_registry(session, data, *, actor, skip_invalid=False):
    """Check the CSV `data` (bytes) and write its rows; returns an ImportReport.

    Raises RegistryFileError when the file cannot be read at all.
    """
    rows, errors = check_file(session, data)
    report = ImportReport(errors=errors)
    if errors and not skip_invalid:
        return report
    now = utcnow()
    for row in rows:
        index = document_index(row.document_number)
        entry = session.scalar(select(RegistryEntry).where(RegistryEntry.document_index == index))
        if entry is None:
            entry = RegistryEntry(document_index=index)
            session.add(entry)
            report.created += 1
        else:
            report.updated += 1
        seal(entry, "document_number_enc", row.document_number)
        seal(entry, "surname_enc", row.surname)
        seal(entry, "given_names_enc", row.given_names)
        entry.birth_date, entry.citizenship = row.birth_date, row.citizenship
        entry.disqualified, entry.constituency, entry.imported_at = row.disqualified, row.constituency, now
    session.flush()
    report.written = True
    record(session, actor=actor, action="registry.import", target="registry",
           details={"created": report.created, "updated": report.updated, "rejected": len(errors)})
    log.info("civil registry import: %s created, %s updated, %s rejected",
             report.created, report.updated, len(errors))
    return report
