from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ovote.extensions import db


class AuditEvent(db.Model):
    """One append-only entry of the audit log; `hash` chains it to the one before."""

    __tablename__ = "audit_events"

    #: position in the chain, 1-based, gap-free
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: UTC time the event was recorded
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    #: who acted: "user:<id>", "system" or "cli"
    actor: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    #: dotted verb, e.g. "account.login", "consulate.update"
    action: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    #: what was acted on, e.g. "user:12", "consulate:PAR"
    target: Mapped[str] = mapped_column(String(120), nullable=False, default="", index=True)
    #: canonical JSON object with the facts of the event (never ballot contents)
    details: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    #: hex SHA-256 of the previous event (64 zeros for the first)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: hex SHA-256 over this event's fields and prev_hash
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
