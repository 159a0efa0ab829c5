"""The server's record of the key ceremony (DESIGN.md §3.5): what it relayed, nothing secret.

An election in its ceremony has one current `CeremonyAttempt`; the
commission starts a new one (a higher `number`) when it takes a dishonest
trustee off the roster, and every file of an earlier attempt is refused.
Each trustee's uploads are kept as the signed documents they sent
(`CeremonyUpload`, at most one per trustee and step, under a unique
constraint); the encrypted shares inside the deal files are relayed
unopened, so the server never holds a share it could use. Complaints and
their verdicts, settled from public data, are `CeremonyComplaint` rows.

How far an attempt has gone (who has done which step, finished, failed)
is computed from these rows rather than stored, so two uploads at once can
never leave it contradicting them.
"""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, Boolean, CheckConstraint, DateTime, Enum, ForeignKey, Integer, LargeBinary,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ovote.clock import utcnow
from ovote.extensions import db


def _enum(kind, name):
    return Enum(kind, name=name, native_enum=False, create_constraint=True, length=16,
                values_callable=lambda members: [m.value for m in members])


class Step(enum.Enum):
    """What a trustee uploads, in order; `settle` is the acceptance after a settlement."""

    INIT = "init"
    DEAL = "deal"
    RECEIVE = "receive"
    ANSWER = "answer"
    SETTLE = "settle"

    @property
    def label(self):
        return {Step.INIT: _l("Start"), Step.DEAL: _l("Deal"), Step.RECEIVE: _l("Receive"),
                Step.ANSWER: _l("Answer"), Step.SETTLE: _l("Settle")}[self]


class Verdict(enum.Enum):
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class CeremonyAttempt(db.Model):
    """One start of an election's key ceremony, with the roster it started with."""

    __tablename__ = "ceremony_attempts"
    __table_args__ = (
        UniqueConstraint("election_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("threshold >= 1", name="threshold_positive"),
    )

    SEALED_COLUMNS = {"server_key_enc": "ceremony.server_key"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    #: 1, 2, ...: the "attempt" every ceremony file of this start is bound to
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    #: k, as the election had it when this attempt started
    threshold: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the trustees when it started: [{"index": i, "user_id": id}, ...] sorted by index
    roster: Mapped[list] = mapped_column(JSON, nullable=False)
    #: Ed25519 seed that signs the files the server issues, sealed with the data key ring
    server_key_enc: Mapped[str] = mapped_column(Text, nullable=False)
    #: its public key, lowercase hex (in every invitation)
    server_key: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    election = relationship("Election")
    uploads = relationship("CeremonyUpload", back_populates="attempt", cascade="all, delete-orphan",
                           order_by="(CeremonyUpload.trustee_index, CeremonyUpload.id)")
    complaints = relationship("CeremonyComplaint", back_populates="attempt",
                              cascade="all, delete-orphan",
                              order_by="(CeremonyComplaint.accuser, CeremonyComplaint.accused)")

    @property
    def indices(self):
        return [entry["index"] for entry in self.roster]

    def index_of(self, user_id):
        """The trustee index of `user_id` in this attempt, or None."""
        return next((e["index"] for e in self.roster if e["user_id"] == user_id), None)

    def upload(self, index, step):
        return next((u for u in self.uploads if u.trustee_index == index and u.step is step), None)

    def done(self, step):
        """Indices of the trustees who uploaded `step`."""
        return {u.trustee_index for u in self.uploads if u.step is step}

    @property
    def culprits(self):
        """Trustees an upheld complaint names."""
        return sorted({c.accused for c in self.complaints if c.verdict is Verdict.UPHELD})

    @property
    def failed(self):
        return bool(self.culprits)

    def accepted(self):
        """Indices of the trustees who accepted their share (directly or after a settlement)."""
        found = set()
        for upload in self.uploads:
            if upload.step is Step.SETTLE or (upload.step is Step.RECEIVE
                                              and upload.accepted):
                found.add(upload.trustee_index)
        return found

    @property
    def finished(self):
        return not self.failed and self.accepted() == set(self.indices)


class CeremonyUpload(db.Model):
    """A signed file a trustee uploaded, kept as its canonical JSON bytes."""

    __tablename__ = "ceremony_uploads"
    __table_args__ = (
        UniqueConstraint("attempt_id", "trustee_index", "step"),
        CheckConstraint("trustee_index >= 1", name="index_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("ceremony_attempts.id", ondelete="CASCADE"),
                                            nullable=False)
    #: the trustee who signed it
    trustee_index: Mapped[int] = mapped_column(Integer, nullable=False)
    step: Mapped[Step] = mapped_column(_enum(Step, "ceremony_step"), nullable=False)
    #: canonical JSON of the signed document, relayed to the other trustees unchanged
    document: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    #: for a receive file: True for an acceptance, False for complaints
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                                nullable=False, index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    attempt = relationship("CeremonyAttempt", back_populates="uploads")


class CeremonyComplaint(db.Model):
    """Trustee `accuser` says the share trustee `accused` dealt it is wrong."""

    __tablename__ = "ceremony_complaints"
    __table_args__ = (
        UniqueConstraint("attempt_id", "accuser", "accused"),
        CheckConstraint("accuser >= 1 AND accused >= 1 AND accuser <> accused",
                        name="two_trustees"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("ceremony_attempts.id", ondelete="CASCADE"),
                                            nullable=False)
    accuser: Mapped[int] = mapped_column(Integer, nullable=False)
    accused: Mapped[int] = mapped_column(Integer, nullable=False)
    #: bad_share, bad_commitment or undecryptable (ovote.crypto.threshold)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)
    verdict: Mapped[Verdict] = mapped_column(_enum(Verdict, "ceremony_verdict"), nullable=False,
                                             default=Verdict.PENDING)
    #: why (complaints.judge_complaint): share_matches_commitment, bad_share, ...
    verdict_reason: Mapped[str | None] = mapped_column(String(32))
    judged_at: Mapped[datetime | None] = mapped_column(DateTime)

    attempt = relationship("CeremonyAttempt", back_populates="complaints")

    def judge(self, verdict, now=None):
        """Record the outcome of `complaints.judge_complaint`; a verdict is final."""
        if self.verdict is not Verdict.PENDING:
            raise ValueError("this complaint is already judged")
        self.verdict = Verdict.UPHELD if verdict.upheld else Verdict.DISMISSED
        self.verdict_reason, self.judged_at = verdict.reason, now or utcnow()
