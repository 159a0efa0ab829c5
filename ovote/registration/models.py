"""Applications to the overseas register, their checks and decisions.

Personal data sits in `*_enc` columns sealed with AES-256-GCM (see
ovote.personal_data); each model lists them with their sealing context in
`SEALED_COLUMNS`, which the key rotation walks. Equality look-ups use HMAC
blind indexes (`*_index` columns), never the plaintext.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, false, text)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from ovote.clock import utcnow
from ovote.enums import LabelledEnum, enum_column
from ovote.errors import Refused
from ovote.extensions import db


class IllegalTransition(Refused):
    """An application was asked to move to a state it cannot reach from where it is."""

    code = "application.illegal_transition"

    def __init__(self, current, target):
        super().__init__(state=current.in_sentence)
        self.current, self.target = current, target


class ApplicationState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    MORE_INFO = "more_info", _l("More information requested")
    VERIFIED = "verified", _l("Verified")
    REJECTED = "rejected", _l("Rejected")
    WITHDRAWN = "withdrawn", _l("Withdrawn")

    @property
    def editable(self):
        """The voter may change the application's answers in this state."""
        return self in (ApplicationState.DRAFT, ApplicationState.MORE_INFO)


S = ApplicationState
TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.MORE_INFO, S.VERIFIED, S.REJECTED, S.WITHDRAWN},
    S.MORE_INFO: {S.SUBMITTED, S.REJECTED, S.WITHDRAWN},
    S.VERIFIED: {S.WITHDRAWN},
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
#: states in which an application counts as the voter's one application
ACTIVE_STATES = (S.DRAFT, S.SUBMITTED, S.MORE_INFO, S.VERIFIED)
#: states an official sees (a draft is the voter's own business)
REVIEWABLE_STATES = (S.SUBMITTED, S.MORE_INFO, S.VERIFIED, S.REJECTED, S.WITHDRAWN)


class VotingChannel(LabelledEnum):
    ONLINE = "online", _l("Online")
    IN_PERSON = "in_person", _l("In person at the consulate")
    POSTAL = "postal", _l("By post")


class NoDocumentReason(LabelledEnum):
    """Why an applicant has no valid identity document to give."""

    LOST = "lost", _l("My passport or identity card was lost or stolen")
    EXPIRED = "expired", _l("My passport or identity card has expired")
    CONFISCATED = "confiscated", _l("My passport or identity card was taken from me")
    REFUGEE_DOCUMENT = "refugee_document", _l("I hold only a refugee travel document")
    OLD_NATIONAL_ID = "old_national_id", _l("I hold only an old national identity card")
    OTHER = "other", _l("Another reason")


class HeldDocument(LabelledEnum):
    """A kind of document that can help establish an identity in person."""

    EXPIRED_PASSPORT = "expired_passport", _l("An expired passport")
    BIRTH_CERTIFICATE = "birth_certificate", _l("A birth certificate")
    CONSULAR_CARD = "consular_card", _l("A consular registration card")
    REFUGEE_DOCUMENT = "refugee_document", _l("A refugee travel document")
    OLD_NATIONAL_ID = "old_national_id", _l("An old national identity card")
    OTHER = "other", _l("Another document")


def held_documents(codes):
    """The HeldDocument members of a stored comma-separated list, in the enum's order."""
    chosen = set((codes or "").split(","))
    return [kind for kind in HeldDocument if kind.value in chosen]


class CheckOutcome(LabelledEnum):
    PASS = "pass", _l("Passed")
    REVIEW = "review", _l("Needs review")
    FAIL = "fail", _l("Failed")


_STATES = "', '".join(s.value for s in (S.DRAFT, S.SUBMITTED, S.MORE_INFO, S.VERIFIED))
#: what a purged application no longer holds: every sealed value, blind index and document
PURGED_COLUMNS = ("surname_enc", "given_names_enc", "birth_place_enc", "national_id_enc",
                  "passport_number_enc", "mrz_enc", "address_enc", "phone_enc", "person_index",
                  "national_id_index", "passport_index", "birth_date", "document_file",
                  "decision_note")
PURGED_IS_EMPTY = "purged_at IS NULL OR (" + " AND ".join(f"{c} IS NULL" for c in PURGED_COLUMNS) + ")"


class Application(db.Model):
    """One voter's application to the overseas register, from draft to decision."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL",
                        name="submitted_has_time"),
        CheckConstraint("state NOT IN ('verified', 'rejected') OR decided_at IS NOT NULL",
                        name="decided_has_time"),
        CheckConstraint("state != 'verified' OR (consulate_id IS NOT NULL "
                        "AND constituency_id IS NOT NULL AND birth_date IS NOT NULL)",
                        name="verified_is_complete"),
        CheckConstraint("verify_proposed_by_id IS NULL OR state = 'submitted'",
                        name="proposal_only_while_submitted"),
        CheckConstraint("confirmed_by_id IS NULL OR confirmed_by_id != decided_by_id",
                        name="four_eyes_are_two_people"),
        # An applicant without a valid document is verified by two officials, always.
        CheckConstraint("NOT no_valid_document OR state != 'verified' OR confirmed_by_id IS NOT NULL",
                        name="no_document_verified_by_two"),
        CheckConstraint("no_valid_document OR (no_document_reason IS NULL "
                        "AND no_document_explanation_enc IS NULL AND documents_held IS NULL)",
                        name="no_document_details_only_without_document"),
        CheckConstraint("length(residence_country) = 2", name="residence_alpha2"),
        CheckConstraint("length(passport_state) = 2", name="passport_state_alpha2"),
        CheckConstraint("document_size IS NULL OR document_size > 0", name="document_not_empty"),
        # This and the next two: triggers on SQLite, which cannot add a CHECK (migration 0009).
        CheckConstraint("state != 'withdrawn' OR withdrawn_at IS NOT NULL", name="withdrawn_has_time"),
        # Only an application that has ended is purged, and a purged one holds no personal data.
        CheckConstraint("purged_at IS NULL OR state IN ('rejected', 'withdrawn')",
                        name="purged_only_when_ended"),
        CheckConstraint(PURGED_IS_EMPTY, name="purged_is_empty"),
        # A voter holds at most one application that is still in play.
        Index("ix_applications_one_active_per_voter", "voter_id", unique=True,
              sqlite_where=text(f"state IN ('{_STATES}')"),
              postgresql_where=text(f"state IN ('{_STATES}')")),
        # No document may stand behind two verified registrations. These two indexes see
        # each column alone; VerifiedDocument also catches one number given as a national
        # identity number here and as a passport number there.
        Index("ix_applications_verified_national_id", "national_id_index", unique=True,
              sqlite_where=text("state = 'verified'"), postgresql_where=text("state = 'verified'")),
        Index("ix_applications_verified_passport", "passport_index", unique=True,
              sqlite_where=text("state = 'verified'"), postgresql_where=text("state = 'verified'")),
    )

    SEALED_COLUMNS = {
        "surname_enc": "application.surname",
        "given_names_enc": "application.given_names",
        "birth_place_enc": "application.birth_place",
        "national_id_enc": "application.national_id",
        "passport_number_enc": "application.passport_number",
        "mrz_enc": "application.mrz",
        "address_enc": "application.address",
        "phone_enc": "application.phone",
        "no_document_explanation_enc": "application.no_document_explanation",
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the voter who applies
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                          nullable=False, index=True)
    #: where the application is in its life
    state: Mapped[ApplicationState] = mapped_column(enum_column(ApplicationState, "application_state"),
                                                    nullable=False, default=S.DRAFT, index=True)
    #: family name(s), sealed
    surname_enc: Mapped[str | None] = mapped_column(Text)
    #: given name(s), sealed
    given_names_enc: Mapped[str | None] = mapped_column(Text)
    #: date of birth (kept in clear: the age rule and duplicate search need it)
    birth_date: Mapped[date | None] = mapped_column(Date)
    #: place of birth, sealed
    birth_place_enc: Mapped[str | None] = mapped_column(Text)
    #: blind index of the normalised names and date of birth (duplicate search)
    person_index: Mapped[str | None] = mapped_column(String(64), index=True)
    #: national identity number, sealed
    national_id_enc: Mapped[str | None] = mapped_column(Text)
    #: blind index of the normalised national identity number
    national_id_index: Mapped[str | None] = mapped_column(String(64), index=True)
    #: passport number, sealed
    passport_number_enc: Mapped[str | None] = mapped_column(Text)
    #: blind index of the normalised passport number
    passport_index: Mapped[str | None] = mapped_column(String(64), index=True)
    #: ISO 3166-1 alpha-2 code of the state that issued the passport
    passport_state: Mapped[str | None] = mapped_column(String(2))
    #: last day the passport is valid
    passport_expiry: Mapped[date | None] = mapped_column(Date)
    #: the two MRZ lines of the passport (checked on entry), sealed
    mrz_enc: Mapped[str | None] = mapped_column(Text)
    #: the applicant has no valid identity document: the consulate checks the identity in person
    no_valid_document: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                    server_default=false())
    #: why there is no valid document (only when no_valid_document)
    no_document_reason: Mapped[NoDocumentReason | None] = mapped_column(
        enum_column(NoDocumentReason, "no_document_reason"))
    #: the applicant's own words about it, sealed
    no_document_explanation_enc: Mapped[str | None] = mapped_column(Text)
    #: the documents the applicant still holds (HeldDocument values, comma-separated)
    documents_held: Mapped[str | None] = mapped_column(String(200))
    #: ISO 3166-1 alpha-2 code of the country of residence
    residence_country: Mapped[str | None] = mapped_column(String(2), index=True)
    #: postal address abroad, sealed
    address_enc: Mapped[str | None] = mapped_column(Text)
    #: phone number in E.164 form, sealed
    phone_enc: Mapped[str | None] = mapped_column(Text)
    #: the consulate that verifies the application
    consulate_id: Mapped[int | None] = mapped_column(
        ForeignKey("consulates.id", ondelete="RESTRICT"), index=True)
    #: the home constituency the vote counts in
    constituency_id: Mapped[int | None] = mapped_column(
        ForeignKey("constituencies.id", ondelete="RESTRICT"))
    #: how the voter would like to vote
    voting_channel: Mapped[VotingChannel | None] = mapped_column(enum_column(VotingChannel, "voting_channel"))
    #: random storage name of the sealed identity document under UPLOAD_DIR
    document_file: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: media type found in the document's content (never taken from its name)
    document_type: Mapped[str | None] = mapped_column(String(40))
    #: size of the original document in bytes
    document_size: Mapped[int | None] = mapped_column(Integer)
    #: overall result of the automatic checks at the last run (NULL before submission)
    checks_outcome: Mapped[CheckOutcome | None] = mapped_column(enum_column(CheckOutcome, "check_outcome"),
                                                                 index=True)
    #: official who asked to verify despite a check that did not pass, awaiting a second official
    verify_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    verify_proposed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: official who made the last decision (for a four-eyes verification: the first one)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    #: second official who confirmed a four-eyes verification
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    #: reason code of the last decision (see ovote.registration.reasons.REASONS)
    decision_reason: Mapped[str | None] = mapped_column(String(40))
    #: the official's note to the applicant with the last decision
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    #: first submission: the registration deadline applies to it
    first_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: latest submission (a resubmission after a request for information moves it)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    #: when the application was verified or rejected
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: when the voter withdrew it (a withdrawn application's retention period starts then)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: when its personal data was deleted at the end of the retention period
    #: (ovote.registration.retention); the row stays as an anonymous record
    purged_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    voter = relationship("User", foreign_keys=[voter_id])
    consulate = relationship("Consulate")
    constituency = relationship("Constituency")
    proposed_by = relationship("User", foreign_keys=[verify_proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    checks = relationship("CheckResult", cascade="all, delete-orphan", order_by="CheckResult.id",
                          back_populates="application")
    decisions = relationship("Decision", cascade="all, delete-orphan", order_by="Decision.id",
                             back_populates="application")
    appointments = relationship("IdentityAppointment", cascade="all, delete-orphan",
                                order_by="IdentityAppointment.id", back_populates="application")
    identity_checks = relationship("IdentityCheck", cascade="all, delete-orphan",
                                   order_by="IdentityCheck.id", back_populates="application")

    # -- transitions: each refuses a move the state machine does not allow ------------

    def _move(self, target, now):
        if target not in TRANSITIONS[self.state]:
            raise IllegalTransition(self.state, target)
        self.state = target
        self.updated_at = now or utcnow()

    def submit(self, now=None):
        self._move(S.SUBMITTED, now)
        self.submitted_at = self.updated_at
        self.first_submitted_at = self.first_submitted_at or self.updated_at

    # Ids are read before the state changes: reading an expired row could autoflush a
    # half-made transition that the check constraints would refuse.

    def request_information(self, official, now=None):
        official_id = official.id
        self._move(S.MORE_INFO, now)
        self._decided(official_id, final=False)

    def verify(self, official, confirmed_by=None, now=None):
        official_id, confirmer_id = official.id, confirmed_by.id if confirmed_by else None
        self._move(S.VERIFIED, now)
        self._decided(official_id, final=True)
        self.confirmed_by_id = confirmer_id
        self._documents_follow_state()

    def reject(self, official, now=None):
        official_id = official.id
        self._move(S.REJECTED, now)
        self._decided(official_id, final=True)

    def withdraw(self, now=None):
        self._move(S.WITHDRAWN, now)
        self.withdrawn_at = self.updated_at
        self.verify_proposed_by_id = self.verify_proposed_at = None
        self._documents_follow_state()  # a verified voter's document numbers are free again

    def propose_verification(self, official, now=None):
        if self.state is not S.SUBMITTED:
            raise IllegalTransition(self.state, S.VERIFIED)
        self.verify_proposed_by_id = official.id
        self.verify_proposed_at = self.updated_at = now or utcnow()

    def _documents_follow_state(self):
        """Bring `verified_documents` in line with the state just reached; the two transitions
        that enter or leave VERIFIED end with it. Raises IntegrityError when another verified
        application holds one of the numbers: make the transition inside a SAVEPOINT.
        An application in no session (a state-machine test) has no rows to keep in line."""
        session = object_session(self)
        if session is not None:
            sync_verified_documents(session, self)

    def _decided(self, official_id, *, final):
        self.decided_by_id = official_id
        self.verify_proposed_by_id = self.verify_proposed_at = None
        if final:
            self.decided_at = self.updated_at

    @property
    def document_indexes(self):
        """The blind indexes of the document numbers given (national identity and passport),
        each once."""
        return sorted({key for key in (self.national_id_index, self.passport_index) if key})

    @property
    def reviewable(self):
        """Officials may see it: submitted at least once and not a draft (a draft withdrawn
        before its first submission never reached the consulate)."""
        return self.state in REVIEWABLE_STATES and self.submitted_at is not None

    @property
    def held_documents(self):
        return held_documents(self.documents_held)

    @property
    def appointment(self):
        """The identity check in person booked last, or None."""
        return self.appointments[-1] if self.appointments else None

    @property
    def identity_check(self):
        """The identity check in person recorded last, or None."""
        return self.identity_checks[-1] if self.identity_checks else None

    @property
    def awaiting_confirmation(self):
        return self.verify_proposed_by_id is not None

    def __repr__(self):
        return f"<Application {self.id} {self.state.value}>"


class VerifiedDocument(db.Model):
    """A document number that stands behind a verified application.

    National identity numbers and passport numbers are blind-indexed by the same
    function, so one number is one key whichever field it was given in, and the
    primary key lets it stand behind one verified application only. The rows are
    written when an application becomes verified and deleted when it stops being
    verified, by `sync_verified_documents`, which the transitions run.
    """

    __tablename__ = "verified_documents"

    #: blind index of a normalised document number (see Application.document_indexes)
    document_index: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True)


def sync_verified_documents(session, application):
    """Make `verified_documents` hold the application's document numbers while it is verified,
    and none of them otherwise. `Application.verify` and `Application.withdraw` call it.

    Raises IntegrityError when another verified application already holds one of the
    numbers: run it inside a SAVEPOINT (`session.begin_nested()`) so that the refusal
    leaves the rest of the transaction usable.
    """
    table = VerifiedDocument.__table__
    session.flush()
    session.execute(table.delete().where(table.c.application_id == application.id))
    if application.state is S.VERIFIED and application.document_indexes:
        session.execute(table.insert(), [{"document_index": key, "application_id": application.id}
                                         for key in application.document_indexes])


class CheckResult(db.Model):
    """The outcome of one eligibility rule at the application's last check run."""

    __tablename__ = "application_checks"
    __table_args__ = (UniqueConstraint("application_id", "rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), nullable=False)
    #: name of the rule function in ovote.registration.rules
    rule: Mapped[str] = mapped_column(String(40), nullable=False)
    outcome: Mapped[CheckOutcome] = mapped_column(enum_column(CheckOutcome, "check_outcome"), nullable=False)
    #: key of the human-readable reason in rules.REASONS
    reason_code: Mapped[str] = mapped_column(String(60), nullable=False)
    #: JSON of the reason's parameters (codes, dates, counts: never personal data)
    params: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    checked_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application = relationship("Application", back_populates="checks")


class DecisionAction(LabelledEnum):
    VERIFY = "verify", _l("verified")
    PROPOSE_VERIFY = "propose_verify", _l("proposed to verify")
    CONFIRM_VERIFY = "confirm_verify", _l("confirmed the verification")
    REJECT = "reject", _l("rejected")
    REQUEST_INFO = "request_info", _l("asked for more information")


class Decision(db.Model):
    """One official's act on an application; the history shown on its page."""

    __tablename__ = "application_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    action: Mapped[DecisionAction] = mapped_column(enum_column(DecisionAction, "decision_action"), nullable=False)
    #: one of the fixed reason codes for the action
    reason_code: Mapped[str] = mapped_column(String(40), nullable=False)
    #: optional note to the applicant
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application = relationship("Application", back_populates="decisions")
    official = relationship("User")


# The in-person identity check tables refer back to Application by name.
from ovote.registration import in_person_models  # noqa: E402,F401
