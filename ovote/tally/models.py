"""What the tally stores: the group aggregates, the trustees' verified partial
decryptions, the decoded counts and the results document.

Nothing here names a voter or a ballot: an aggregate is a sum over every
counted ballot of a group's units, written once, in the transaction that
moves the election from closed to tallying.
"""
from datetime import datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String,
                        Text, UniqueConstraint, select)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ovote.accounts.models import utcnow
from ovote.extensions import db


class TallyGroup(db.Model):
    """One decryption group of one contest (§3.10) and the homomorphic sums of its
    counted ballots, per option; `counts` once the trustees' shares are combined."""

    __tablename__ = "tally_groups"
    __table_args__ = (
        UniqueConstraint("election_id", "contest", "name"),
        CheckConstraint("counted >= 0", name="counted_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False)
    #: contest id of the manifest
    contest: Mapped[str] = mapped_column(String(32), nullable=False)
    #: the group's name: a consulate code, or "pool:" + sorted codes
    name: Mapped[str] = mapped_column(Text, nullable=False)
    #: sorted ids of the group's units that carry the contest (empty ones included)
    units: Mapped[list] = mapped_column(JSON, nullable=False)
    #: counted online ballots of those units
    counted: Mapped[int] = mapped_column(Integer, nullable=False)
    #: False when the contest's whole electorate is below the floor: never decrypted
    decryptable: Mapped[bool] = mapped_column(Boolean, nullable=False)
    #: [{"alpha","beta"}] per option in option order, lowercase hex (identity allowed)
    sums: Mapped[list] = mapped_column(JSON, nullable=False)
    #: decoded counts per option, each in 0..counted; NULL until decrypted
    counts: Mapped[list | None] = mapped_column(JSON)

    shares = relationship("DecryptionShare", back_populates="group", cascade="all, delete-orphan",
                          order_by="DecryptionShare.trustee_index")

    def sums_record(self):
        """The §8 tally.json entry of this group."""
        return {"contest": self.contest, "group": self.name, "units": list(self.units),
                "counted": self.counted, "sums": list(self.sums)}


class DecryptionShare(db.Model):
    """A trustee's partial decryption of one group's sums, as the server verified it
    (every share proof against the trustee's verification key)."""

    __tablename__ = "decryption_shares"
    __table_args__ = (
        UniqueConstraint("group_id", "trustee_index"),
        CheckConstraint("trustee_index >= 1", name="trustee_index_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("tally_groups.id", ondelete="CASCADE"),
                                          nullable=False)
    #: the trustee's index (1..n)
    trustee_index: Mapped[int] = mapped_column(Integer, nullable=False)
    #: [{"D","proof":{"c","z"}}] per option in option order, lowercase hex
    shares: Mapped[list] = mapped_column(JSON, nullable=False)
    accepted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    group = relationship("TallyGroup", back_populates="shares")


class ElectionResults(db.Model):
    """The results of an election: the §8 results.json list, computed when the
    trustees' shares were combined, public once the election is published."""

    __tablename__ = "election_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"),
                                             nullable=False, unique=True)
    #: canonical JSON bytes of the §8 results.json list, served and exported unchanged
    document: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    #: when the commission published them (NULL: not yet)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    election = relationship("Election")


def groups_of(session, election) -> list[TallyGroup]:
    """The election's stored groups, by contest then name."""
    return session.scalars(select(TallyGroup).where(TallyGroup.election_id == election.id)
                           .order_by(TallyGroup.contest, TallyGroup.name)).all()
