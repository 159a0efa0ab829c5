"""The identity check in person of an applicant without a valid document: the appointment
an official books at the consulate, and the record of what was seen there."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ovote.clock import utcnow
from ovote.extensions import db
from ovote.registration.models import held_documents


class IdentityAppointment(db.Model):
    """An appointment at the consulate to check an applicant's identity in person; booking
    again adds a row (the latest one stands), so the history is kept."""

    __tablename__ = "identity_appointments"
    __table_args__ = (CheckConstraint("length(place) > 0", name="place_given"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True)
    #: when the applicant is expected, in UTC (entered and shown in the consulate's time zone)
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    #: where: the consulate's address, a room, a desk (the consulate's words, not personal data)
    place: Mapped[str] = mapped_column(String(300), nullable=False)
    #: the official who booked it
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    booked_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application = relationship("Application", back_populates="appointments")
    booked_by = relationship("User")


class IdentityCheck(db.Model):
    """What an official saw when the applicant came to the consulate."""

    __tablename__ = "identity_checks"
    __table_args__ = (
        CheckConstraint("NOT identity_confirmed OR length(documents_seen) > 0",
                        name="confirmed_on_documents_seen"),
    )
    SEALED_COLUMNS = {"notes_enc": "identity_check.notes"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True)
    #: the appointment it was held at (NULL: the applicant came without one)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("identity_appointments.id", ondelete="SET NULL"))
    #: the official who saw the applicant
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    #: the kinds of document seen (HeldDocument values, comma-separated; may be empty)
    documents_seen: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: the official is satisfied that the applicant is the person named in the application
    identity_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    #: the official's notes on what was seen, sealed
    notes_enc: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application = relationship("Application", back_populates="identity_checks")
    appointment = relationship("IdentityAppointment")
    official = relationship("User")

    @property
    def seen(self):
        return held_documents(self.documents_seen)
