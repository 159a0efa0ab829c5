"""Token issuances, the bulletin board, the poll book and in-person returns.

Nothing here joins a voter to a ballot: a `TokenIssuance` names the voter
and the day, never the token, the unit key's answer or a time of day; a
`BoardEntry` holds the ballot and what is public about it (its receipt's
fields), never an account, an address or an issuance. The two tables share
no column but the election.
"""
import enum
from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, Enum, ForeignKey, Index, Integer,
                        LargeBinary, String, Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ovote.extensions import db


class TokenIssuance(db.Model):
    """A voter got the blind signature of their unit's key for this election: at most
    once (the unique constraint holds under concurrent requests, on any number of
    workers)."""

    __tablename__ = "token_issuances"
    __table_args__ = (
        UniqueConstraint("election_id", "voter_id"),
        CheckConstraint("length(blinded_msg_sha256) = 64", name="digest_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    #: the voter's account (one token per account and election)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                          nullable=False, index=True)
    #: the day only: a time of day would help match the issuance to a ballot's arrival
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: SHA-256 hex of the blinded message signed, so that a retried identical request gets
    #: the same answer; blinding makes it unlinkable to the token
    blinded_msg_sha256: Mapped[str] = mapped_column(String(64), nullable=False)


class BoardHead(db.Model):
    """The end of an election's board chain. Appending locks this one row (FOR UPDATE on
    PostgreSQL; SQLite's single writer does the same), so that seq numbers and chain
    values are handed out one at a time per election and nothing else is locked."""

    __tablename__ = "board_heads"
    __table_args__ = (CheckConstraint("seq >= 0", name="seq_not_negative"),
                      CheckConstraint("length(head) = 64", name="head_length"))

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             primary_key=True)
    #: seq of the last entry (0: empty board)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: chain value after the last entry, hex (the fingerprint for an empty board)
    head: Mapped[str] = mapped_column(String(64), nullable=False)


class BoardEntry(db.Model):
    """One accepted ballot on the bulletin board (DESIGN.md §3.8)."""

    __tablename__ = "board_entries"
    __table_args__ = (
        UniqueConstraint("election_id", "seq"),
        UniqueConstraint("election_id", "tracking_code"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        # One counted (not superseded) ballot per voting key, whatever the workers do.
        Index("uq_board_entries_counted_key", "election_id", "voting_key", unique=True,
              sqlite_where=text("NOT superseded"), postgresql_where=text("NOT superseded")),
        Index("ix_board_entries_election_key", "election_id", "voting_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    #: place on the board: 1, 2, 3... without gap
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    #: SHA-256 hex of the ballot's canonical JSON
    tracking_code: Mapped[str] = mapped_column(String(64), nullable=False)
    #: chain value after this entry, hex: SHA-256(previous chain || tracking code)
    chain: Mapped[str] = mapped_column(String(64), nullable=False)
    #: a later ballot of the same voting key replaced this one (it stays on the board)
    superseded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: when it arrived, UTC to the second (the receipt's received_at)
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("reporting_units.id", ondelete="RESTRICT"),
                                         nullable=False, index=True)
    #: the ballot's voting key, hex (revotes find their predecessor by it)
    voting_key: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the ballot as canonical JSON bytes, served and exported unchanged
    ballot: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)

    unit = relationship("ReportingUnit")


class PollBookEntry(db.Model):
    """A voter voted in person at their consulate's polling station in this election.

    It is not secret that someone voted in person: the entry names the voter, the
    official who marked them and when. It shares nothing with the board, and a voter
    with an entry never gets a token (nor one with a token an entry), so no online
    ballot can be joined to it. One entry per voter and election (the unique
    constraint; the two services also lock the voter's registration row)."""

    __tablename__ = "poll_book_entries"
    __table_args__ = (UniqueConstraint("election_id", "voter_id"),
                      Index("ix_poll_book_entries_count", "election_id", "consulate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    #: the voter's account (the key token issuance uses too)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                          nullable=False, index=True)
    #: the registration the official found the voter by
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="RESTRICT"),
                                                nullable=False, index=True)
    #: the polling station: the consulate of the voter's registration
    consulate_id: Mapped[int] = mapped_column(ForeignKey("consulates.id", ondelete="RESTRICT"),
                                              nullable=False)
    #: the voter's reporting unit: which contests were on their paper ballot
    unit_id: Mapped[int] = mapped_column(ForeignKey("reporting_units.id", ondelete="RESTRICT"),
                                         nullable=False, index=True)
    #: the official who marked the voter
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                              nullable=False)
    #: when (UTC)
    marked_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    application = relationship("Application")
    consulate = relationship("Consulate")
    unit = relationship("ReportingUnit")
    marked_by = relationship("User", foreign_keys=[marked_by_id])


class ReturnState(enum.Enum):
    ENTERED = "entered"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class InPersonReturn(db.Model):
    """The paper count of one contest at one consulate's polling station: entered by one
    official, confirmed (or rejected, with a reason) by a second of the same consulate.

    The database keeps the four eyes (the confirming or rejecting official is not the
    one who entered) and one return in play per election, consulate and contest (a
    partial unique index: a rejected return may be entered again)."""

    __tablename__ = "in_person_returns"
    __table_args__ = (
        CheckConstraint("confirmed_by_id IS NULL OR confirmed_by_id <> entered_by_id",
                        name="four_eyes_confirm"),
        CheckConstraint("rejected_by_id IS NULL OR rejected_by_id <> entered_by_id",
                        name="four_eyes_reject"),
        CheckConstraint("(state = 'confirmed') = (confirmed_by_id IS NOT NULL AND confirmed_at IS NOT NULL)",
                        name="confirmed_has_official"),
        CheckConstraint("(state = 'rejected') = (rejected_by_id IS NOT NULL AND rejected_at IS NOT NULL "
                        "AND rejection_reason IS NOT NULL)", name="rejected_has_reason"),
        Index("uq_in_person_returns_in_play", "election_id", "consulate_id", "contest_id", unique=True,
              sqlite_where=text("state <> 'rejected'"), postgresql_where=text("state <> 'rejected'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    consulate_id: Mapped[int] = mapped_column(ForeignKey("consulates.id", ondelete="RESTRICT"),
                                              nullable=False, index=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="RESTRICT"),
                                            nullable=False, index=True)
    #: entered, then confirmed or rejected by a second official
    state: Mapped[ReturnState] = mapped_column(
        Enum(ReturnState, name="return_state", native_enum=False, create_constraint=True, length=20,
             values_callable=lambda members: [m.value for m in members]),
        nullable=False, default=ReturnState.ENTERED)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                               nullable=False)
    entered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    rejected_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: why the second official rejected the counts (shown to the first)
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    consulate = relationship("Consulate")
    contest = relationship("Contest")
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    rejected_by = relationship("User", foreign_keys=[rejected_by_id])
    counts = relationship("InPersonCount", cascade="all, delete-orphan", back_populates="entry")

    def votes(self):
        """The counts in the contest's option order."""
        by_option = {c.option_id: c.votes for c in self.counts}
        return [by_option[option.id] for option in self.contest.options]


class InPersonCount(db.Model):
    """The votes one option got on the paper ballots of a return."""

    __tablename__ = "in_person_counts"
    __table_args__ = (CheckConstraint("votes >= 0", name="votes_not_negative"),)

    return_id: Mapped[int] = mapped_column(ForeignKey("in_person_returns.id", ondelete="CASCADE"),
                                           primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("contest_options.id", ondelete="RESTRICT"),
                                           primary_key=True)
    votes: Mapped[int] = mapped_column(Integer, nullable=False)

    entry = relationship("InPersonReturn", back_populates="counts")
