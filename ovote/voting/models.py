"""Token issuances and the bulletin board.

Nothing here joins a voter to a ballot: a `TokenIssuance` names the voter
and the day, never the token, the unit key's answer or a time of day; a
`BoardEntry` holds the ballot and what is public about it (its receipt's
fields), never an account, an address or an issuance. The two tables share
no column but the election.
"""
from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        LargeBinary, String, UniqueConstraint, text)
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
