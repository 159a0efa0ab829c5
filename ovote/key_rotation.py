"""Re-encrypting every sealed value under the current (first) data key.

The sealed columns are found on the models (`SEALED_COLUMNS = {column:
context}`); the identity documents are the sealed files of the DocumentStore. A value already under the current key is
left alone, so the rotation can be run again at any time, and after an
interruption it carries on where it stopped: it commits after every batch.
"""
import logging
from dataclasses import dataclass, field

from sqlalchemy import inspect, select, update

from ovote.audit.services import record
from ovote.extensions import db
from ovote.personal_data import DataKeyError

log = logging.getLogger(__name__)


@dataclass
class ResealCount:
    checked: int = 0
    resealed: int = 0


@dataclass
class RotationReport:
    key_id: str
    counts: dict = field(default_factory=dict)  # "table.column" or "documents" -> ResealCount
    errors: list = field(default_factory=list)  # (where, what)

    @property
    def resealed(self):
        return sum(t.resealed for t in self.counts.values())


def sealed_columns():
    """(model, column name, sealing context) of every sealed column."""
    found = []
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.class_.__name__):
        for column, context in getattr(mapper.class_, "SEALED_COLUMNS", {}).items():
            found.append((mapper.class_, column, context))
    return found


def _rotate_column(session, model, column, context, count, errors, *, data_cipher, batch_size,
                   dry_run):
    key = inspect(model).primary_key[0]
    attr = getattr(model, column)
    last = None
    while True:
        query = select(key, attr).where(attr.is_not(None)).order_by(key).limit(batch_size)
        if last is not None:
            query = query.where(key > last)
        rows = session.execute(query).all()
        if not rows:
            return
        for row_id, sealed in rows:
            count.checked += 1
            if not data_cipher.needs_rotation(sealed):
                continue
            try:
                fresh = data_cipher.seal(data_cipher.open(sealed, context=context), context=context)
            except DataKeyError as exc:
                errors.append((f"{model.__tablename__}.{column} id {row_id}", str(exc)))
                continue
            if dry_run:
                count.resealed += 1
                continue
            # Only if the value is still the one read: a value the application rewrote meanwhile
            # (under the current key) must not be overwritten with the old one re-sealed.
            done = session.execute(update(model).where(key == row_id, attr == sealed)
                                   .values({column: fresh}).execution_options(synchronize_session=False))
            count.resealed += done.rowcount
        if not dry_run:
            session.commit()
        last = rows[-1][0]


def _rotate_documents(count, errors, *, documents, dry_run):
    for name in documents.stored_names():
        count.checked += 1
        try:
            if documents.needs_reseal(name) if dry_run else documents.reseal(name):
                count.resealed += 1
        except (DataKeyError, OSError) as exc:
            errors.append((f"document {name}", str(exc)))


def rotate_data_key(session, *, actor, cipher, documents, batch_size=500, dry_run=False):
    """Re-seal every value not under the current key; returns a RotationReport.

    With `dry_run` nothing is written: the report counts what would be re-sealed
    and which values no key in the ring can open.
    """
    report = RotationReport(key_id=cipher.current_key_id)
    for model, column, context in sealed_columns():
        count = report.counts.setdefault(f"{model.__tablename__}.{column}", ResealCount())
        _rotate_column(session, model, column, context, count, report.errors, data_cipher=cipher,
                       batch_size=batch_size, dry_run=dry_run)
    _rotate_documents(report.counts.setdefault("documents", ResealCount()), report.errors,
                      documents=documents, dry_run=dry_run)
    if not dry_run:
        record(session, actor=actor, action="keys.rotate_data_key", target=f"key:{report.key_id}",
               details={"resealed": report.resealed, "errors": len(report.errors)})
        session.commit()
    log.info("data key rotation to %s: %s re-sealed, %s errors%s", report.key_id, report.resealed,
             len(report.errors), " (dry run)" if dry_run else "")
    return report
