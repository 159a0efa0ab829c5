"""Elections: what the commission defines, and the state each election is in.

An election is defined while it is a draft (contests and their options in
manifest order, ballot styles mapped to home constituencies, the timeline,
the trustees), goes through the key ceremony, and is frozen into the
fingerprinted definition of DESIGN.md §3.9. From then on its definition,
contests, options, ballot styles and reporting units cannot change: the model
refuses it, and database triggers (migration 0006) refuse it too, whatever
writes to the tables.

Timeline columns are naive UTC, like every DateTime column; `timezone` is the
commission's time zone in which they were entered, and each consulate shows
them in its own.
"""
import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, CheckConstraint, Date, DateTime, Enum, ForeignKey, Integer,
                        LargeBinary, String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ovote.accounts.models import utcnow
from ovote.errors import Refused
from ovote.extensions import db


def _enum(kind, name):
    return Enum(kind, name=name, native_enum=False, create_constraint=True, length=20,
                values_callable=lambda members: [m.value for m in members])


class ElectionState(enum.Enum):
    DRAFT = "draft"
    CEREMONY = "ceremony"
    FROZEN = "frozen"
    OPEN = "open"
    CLOSED = "closed"
    TALLYING = "tallying"
    TALLIED = "tallied"
    PUBLISHED = "published"

    @property
    def label(self):
        return {
            ElectionState.DRAFT: _l("Draft"),
            ElectionState.CEREMONY: _l("Key ceremony"),
            ElectionState.FROZEN: _l("Frozen"),
            ElectionState.OPEN: _l("Open for voting"),
            ElectionState.CLOSED: _l("Closed"),
            ElectionState.TALLYING: _l("Tallying"),
            ElectionState.TALLIED: _l("Tallied"),
            ElectionState.PUBLISHED: _l("Results published"),
        }[self]

    @property
    def editable(self):
        """The commission may still change the definition."""
        return self is ElectionState.DRAFT

    @property
    def frozen(self):
        """The definition and fingerprint are fixed (frozen and every later state)."""
        return self not in (ElectionState.DRAFT, ElectionState.CEREMONY)


E = ElectionState
#: every move the state machine allows; the ceremony may be abandoned to change the trustees
TRANSITIONS = {
    E.DRAFT: {E.CEREMONY},
    E.CEREMONY: {E.DRAFT, E.FROZEN},
    E.FROZEN: {E.OPEN},
    E.OPEN: {E.CLOSED},
    E.CLOSED: {E.TALLYING},
    E.TALLYING: {E.TALLIED},
    E.TALLIED: {E.PUBLISHED},
    E.PUBLISHED: set(),
}
_FROZEN_STATES = "', '".join(s.value for s in E if s.frozen)


class IllegalElectionTransition(Refused):
    """The election cannot go from its state to the one asked for."""

    code = "election_illegal_transition"

    def __init__(self, current, target):
        super().__init__(state=current.label, target=target.label)
        self.current, self.target = current, target


class ElectionFrozen(Refused):
    """The definition of an election that left the draft state cannot change."""

    code = "election_frozen"


class Election(db.Model):
    """One election, from its draft definition to its published results."""

    __tablename__ = "elections"
    __table_args__ = (
        CheckConstraint("length(slug) BETWEEN 1 AND 64 AND slug = lower(slug)", name="slug_form"),
        CheckConstraint("min_unit_ballots >= 1", name="min_unit_ballots_positive"),
        CheckConstraint("max_revotes >= 0", name="max_revotes_not_negative"),
        CheckConstraint("threshold IS NULL OR threshold >= 1", name="threshold_positive"),
        CheckConstraint("registration_deadline IS NULL OR tokens_open IS NULL "
                        "OR registration_deadline <= tokens_open", name="deadline_before_tokens"),
        CheckConstraint("tokens_open IS NULL OR voting_opens IS NULL OR tokens_open <= voting_opens",
                        name="tokens_before_voting"),
        CheckConstraint("voting_opens IS NULL OR voting_closes IS NULL OR voting_opens < voting_closes",
                        name="opens_before_closes"),
        # The definition exists exactly from the freeze on, and says everything the
        # later states need.
        CheckConstraint(f"(state IN ('{_FROZEN_STATES}')) = (definition IS NOT NULL)",
                        name="frozen_has_definition"),
        CheckConstraint("definition IS NULL OR (fingerprint IS NOT NULL AND length(fingerprint) = 64 "
                        "AND receipt_key_enc IS NOT NULL AND ceremony_proofs IS NOT NULL "
                        "AND threshold IS NOT NULL AND voting_opens IS NOT NULL "
                        "AND voting_closes IS NOT NULL AND election_day IS NOT NULL)",
                        name="frozen_is_complete"),
    )

    SEALED_COLUMNS = {"receipt_key_enc": "election.receipt_key"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the election's id in URLs, the ceremony's Schnorr contexts and the record: a-z, 0-9, "-"
    slug: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    #: title per language code, e.g. {"en": "...", "fr": "..."}; holds the default language
    title: Mapped[dict] = mapped_column(JSON, nullable=False)
    #: where the election is in its life
    state: Mapped[ElectionState] = mapped_column(_enum(ElectionState, "election_state"),
                                                 nullable=False, default=E.DRAFT, index=True)
    #: IANA time zone of the commission, in which the timeline was entered
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    #: last moment an application to the overseas register counts for this election (UTC)
    registration_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    #: when verified voters may start asking for a ballot token (UTC); outreach mails go then
    tokens_open: Mapped[datetime | None] = mapped_column(DateTime)
    #: when ballots are accepted from (UTC); `ovote election tick` opens the election then
    voting_opens: Mapped[datetime | None] = mapped_column(DateTime)
    #: when ballots stop being accepted (UTC); `ovote election tick` closes the election then
    voting_closes: Mapped[datetime | None] = mapped_column(DateTime)
    #: election day: the date on which a voter's age is assessed for this election
    election_day: Mapped[date | None] = mapped_column(Date)
    #: privacy floor: no decrypted total covers fewer counted ballots (§3.10); 1 means no floor
    min_unit_ballots: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    #: how many times one voting key may vote again (§3.8)
    max_revotes: Mapped[int] = mapped_column(Integer, nullable=False, default=20)
    #: k: how many trustees must take part in a decryption
    threshold: Mapped[int | None] = mapped_column(Integer)
    #: canonical JSON bytes of the §3.9 definition, served unchanged; NULL until frozen
    definition: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: SHA-256 of `definition`, lowercase hex; NULL until frozen
    fingerprint: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: the trustees' Schnorr proofs in their published form (§3.5), fixed at the freeze
    ceremony_proofs: Mapped[list | None] = mapped_column(JSON)
    #: Ed25519 seed of the receipt key, sealed with the data key ring; its public key is in
    #: the definition
    receipt_key_enc: Mapped[str | None] = mapped_column(Text)
    #: the signed final state of the board (§3.11), written when voting closes
    close_statement: Mapped[dict | None] = mapped_column(JSON)
    #: a freeze was asked for; `ovote election tick` (or the page's worker) carries it out
    freeze_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: a process is making the unit keys until then (NULL: nobody is); see services.freezing
    freeze_lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    contests = relationship("Contest", order_by="Contest.position", back_populates="election",
                            cascade="all, delete-orphan")
    ballot_styles = relationship("BallotStyle", order_by="BallotStyle.code", back_populates="election",
                                 cascade="all, delete-orphan")
    trustees = relationship("ElectionTrustee", order_by="ElectionTrustee.index",
                            back_populates="election", cascade="all, delete-orphan")
    units = relationship("ReportingUnit", order_by="ReportingUnit.code", back_populates="election",
                         cascade="all, delete-orphan")

    # -- transitions: each refuses a move the state machine does not allow --------------

    def _move(self, target, now=None):
        if target not in TRANSITIONS[self.state]:
            raise IllegalElectionTransition(self.state, target)
        self.state = target
        return now or utcnow()

    def check_editable(self):
        """Raise ElectionFrozen unless the definition may still change."""
        if not self.state.editable:
            raise ElectionFrozen(state=self.state.label)

    def start_ceremony(self):
        self._move(E.CEREMONY)

    def abandon_ceremony(self):
        """Back to the draft, to change the trustees or the threshold and start again."""
        self._move(E.DRAFT)
        self.freeze_requested_at = self.freeze_lease_until = None

    def freeze(self, *, definition, fingerprint, ceremony_proofs, receipt_key_enc, now=None):
        """Fix the definition (canonical bytes) and its fingerprint; see services.freezing."""
        if self.state is not E.CEREMONY:
            raise IllegalElectionTransition(self.state, E.FROZEN)
        # Written before the state moves: the check constraints look at both at once.
        self.definition, self.fingerprint = bytes(definition), fingerprint
        self.ceremony_proofs, self.receipt_key_enc = ceremony_proofs, receipt_key_enc
        self.frozen_at = self._move(E.FROZEN, now)
        self.freeze_requested_at = self.freeze_lease_until = None

    def open(self, now=None):
        self.opened_at = self._move(E.OPEN, now)

    def close(self, now=None):
        self.closed_at = self._move(E.CLOSED, now)

    def start_tally(self):
        self._move(E.TALLYING)

    def finish_tally(self):
        self._move(E.TALLIED)

    def publish(self):
        self._move(E.PUBLISHED)

    def title_in(self, language, default):
        """The title in `language`, else in the default language."""
        return self.title.get(language) or self.title.get(default) or self.slug

    @property
    def audit_target(self):
        return f"election:{self.slug}"

    def __repr__(self):
        return f"<Election {self.slug} {self.state.value}>"


class Contest(db.Model):
    """One question on the ballot, in manifest order."""

    __tablename__ = "contests"
    __table_args__ = (
        UniqueConstraint("election_id", "code"),
        UniqueConstraint("election_id", "position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("0 <= min_selections AND min_selections <= max_selections", name="min_le_max"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    #: place in the manifest, from 0
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    #: contest id of the manifest and ballots: ASCII upper-case letters and digits
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    #: name per language code
    labels: Mapped[dict] = mapped_column(JSON, nullable=False)
    #: fewest options a voter selects (the manifest's "min")
    min_selections: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: most options a voter selects (the manifest's "max")
    max_selections: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    election = relationship("Election", back_populates="contests")
    options = relationship("ContestOption", order_by="ContestOption.position",
                           back_populates="contest", cascade="all, delete-orphan")


class ContestOption(db.Model):
    """A choice in a contest (a candidate, a list, "yes"), in the order voters see."""

    __tablename__ = "contest_options"
    __table_args__ = (
        UniqueConstraint("contest_id", "code"),
        UniqueConstraint("contest_id", "position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"),
                                            nullable=False)
    #: place in the contest, from 0 (the selection proofs' index)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    #: option id: ASCII upper-case letters and digits
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    #: name per language code
    labels: Mapped[dict] = mapped_column(JSON, nullable=False)

    contest = relationship("Contest", back_populates="options")


class BallotStyle(db.Model):
    """A set of contests: what the voters of some home constituencies see."""

    __tablename__ = "ballot_styles"
    __table_args__ = (UniqueConstraint("election_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    #: ballot style id: ASCII upper-case letters and digits
    code: Mapped[str] = mapped_column(String(32), nullable=False)

    election = relationship("Election", back_populates="ballot_styles")
    style_contests = relationship("BallotStyleContest", cascade="all, delete-orphan",
                                  back_populates="ballot_style")
    constituencies = relationship("BallotStyleConstituency", cascade="all, delete-orphan",
                                  back_populates="ballot_style")

    @property
    def contests(self):
        """The style's contests in manifest order."""
        return sorted((row.contest for row in self.style_contests), key=lambda c: c.position)


class BallotStyleContest(db.Model):
    """A contest a ballot style carries; the primary key lets it carry a contest once."""

    __tablename__ = "ballot_style_contests"

    ballot_style_id: Mapped[int] = mapped_column(ForeignKey("ballot_styles.id", ondelete="CASCADE"),
                                                 primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)

    ballot_style = relationship("BallotStyle", back_populates="style_contests")
    contest = relationship("Contest")


class BallotStyleConstituency(db.Model):
    """Voters of this home constituency get this ballot style (one style per constituency)."""

    __tablename__ = "ballot_style_constituencies"
    __table_args__ = (UniqueConstraint("election_id", "constituency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: repeated from the style so that the database keeps one style per constituency
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    ballot_style_id: Mapped[int] = mapped_column(ForeignKey("ballot_styles.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    constituency_id: Mapped[int] = mapped_column(ForeignKey("constituencies.id", ondelete="RESTRICT"),
                                                 nullable=False)

    ballot_style = relationship("BallotStyle", back_populates="constituencies")
    constituency = relationship("Constituency")


class ElectionTrustee(db.Model):
    """Trustee number `index` (1..n) of an election: a staff member with the trustee role."""

    __tablename__ = "election_trustees"
    __table_args__ = (
        UniqueConstraint("election_id", "index"),
        UniqueConstraint("election_id", "user_id"),
        CheckConstraint('"index" >= 1', name="index_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    #: the trustee's number in the ceremony, its shares and the record
    index: Mapped[int] = mapped_column(Integer, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False,
                                         index=True)

    election = relationship("Election", back_populates="trustees")
    user = relationship("User")


class ReportingUnit(db.Model):
    """(election, consulate, ballot style): one RSA token key, one tally group member (§3.6)."""

    __tablename__ = "reporting_units"
    __table_args__ = (
        UniqueConstraint("election_id", "code"),
        UniqueConstraint("election_id", "consulate_id", "ballot_style_id"),
    )

    SEALED_COLUMNS = {"private_key_enc": "reporting_unit.private_key"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    #: the unit id of the definition and ballots: "<consulate code>-<ballot style code>"
    code: Mapped[str] = mapped_column(String(48), nullable=False)
    consulate_id: Mapped[int] = mapped_column(ForeignKey("consulates.id", ondelete="RESTRICT"),
                                              nullable=False, index=True)
    ballot_style_id: Mapped[int] = mapped_column(ForeignKey("ballot_styles.id", ondelete="RESTRICT"),
                                                 nullable=False, index=True)
    #: RSA modulus, minimal big-endian lowercase hex (3072 bits)
    rsa_n: Mapped[str] = mapped_column(Text, nullable=False)
    #: RSA public exponent, minimal big-endian lowercase hex ("010001")
    rsa_e: Mapped[str] = mapped_column(String(16), nullable=False)
    #: PKCS#8 DER of the private key, sealed with the data key ring
    private_key_enc: Mapped[str] = mapped_column(Text, nullable=False)

    election = relationship("Election", back_populates="units")
    consulate = relationship("Consulate")
    ballot_style = relationship("BallotStyle")


class Notice(enum.Enum):
    OPENING = "opening"
    REMINDER = "reminder"


class ElectionNotice(db.Model):
    """One outreach mail to one voter for one election: inserted before the mail is sent,
    under the unique constraint, so that no voter gets a notice twice."""

    __tablename__ = "election_notices"
    __table_args__ = (UniqueConstraint("election_id", "user_id", "notice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    notice: Mapped[Notice] = mapped_column(_enum(Notice, "election_notice"), nullable=False)
    #: the day it was sent (no finer: it must not help to time a voter's later actions)
    sent_on: Mapped[date] = mapped_column(Date, nullable=False)

