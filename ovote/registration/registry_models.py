"""The national civil registry that applications are checked against, imported from CSV
(`ovote.registration.registry`). Its personal data is sealed like an application's."""
import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ovote.clock import utcnow
from ovote.enums import enum_column
from ovote.extensions import db


class Citizenship(enum.Enum):
    CITIZEN = "citizen"
    NOT_CITIZEN = "not_citizen"


class RegistryEntry(db.Model):
    """A row of the national civil registry, imported by the commission from CSV."""

    __tablename__ = "registry_entries"

    SEALED_COLUMNS = {
        "document_number_enc": "registry.document_number",
        "surname_enc": "registry.surname",
        "given_names_enc": "registry.given_names",
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: blind index of the normalised document number: the look-up key
    document_index: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    #: document number, sealed
    document_number_enc: Mapped[str] = mapped_column(Text, nullable=False)
    #: family name(s), sealed
    surname_enc: Mapped[str] = mapped_column(Text, nullable=False)
    #: given name(s), sealed (NULL for a person without one)
    given_names_enc: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    citizenship: Mapped[Citizenship] = mapped_column(enum_column(Citizenship, "citizenship"), nullable=False)
    #: disqualified from voting (court order, ...)
    disqualified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    constituency_id: Mapped[int] = mapped_column(
        ForeignKey("constituencies.id", ondelete="RESTRICT"), nullable=False)
    #: when this row was last written by an import
    imported_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    constituency = relationship("Constituency")
