"""The figures of the commission's diaspora map: voters on the register and ballot
tokens issued by country of residence, and counted ballots by consulate.

Only counts leave this module. None of them comes near a ballot's secret: a token
issuance names a voter but no ballot, and the ballots of a consulate are counted from
the board, which is public (DESIGN.md §3.8), by the units their tokens came from.
"""
from dataclasses import dataclass

from sqlalchemy import func, select

from ovote.consulates.models import Consulate
from ovote.elections.models import ReportingUnit
from ovote.registration.models import Application, ApplicationState
from ovote.voting.models import BoardEntry, TokenIssuance


@dataclass(frozen=True)
class ConsulateBallots:
    code: str
    name: str
    #: alpha-2 code of the country the consulate is in
    country: str
    #: ballots on the board that count (the latest of each voting key)
    counted: int


def registrations_by_country(session) -> dict:
    """Alpha-2 code of the country of residence -> voters on the register (verified
    applications)."""
    return dict(session.execute(
        select(Application.residence_country, func.count())
        .where(Application.state == ApplicationState.VERIFIED)
        .group_by(Application.residence_country)).all())


def tokens_by_country(session, election) -> dict:
    """Alpha-2 code of the holder's country of residence -> ballot tokens issued for
    `election`. A holder no longer on the register (withdrawn since) counts under None."""
    rows = session.execute(
        select(Application.residence_country, func.count(TokenIssuance.id))
        .select_from(TokenIssuance)
        .outerjoin(Application, (Application.voter_id == TokenIssuance.voter_id)
                   & (Application.state == ApplicationState.VERIFIED))
        .where(TokenIssuance.election_id == election.id)
        .group_by(Application.residence_country)).all()
    return dict(rows)


def ballots_by_consulate(session, election) -> list:
    """Every consulate with a reporting unit in `election`, by code, with its counted
    ballots on the board (0 for none)."""
    counted = dict(session.execute(
        select(ReportingUnit.consulate_id, func.count(BoardEntry.id))
        .join(ReportingUnit, BoardEntry.unit_id == ReportingUnit.id)
        .where(BoardEntry.election_id == election.id, BoardEntry.superseded.is_(False))
        .group_by(ReportingUnit.consulate_id)).all())
    consulates = session.scalars(
        select(Consulate).where(Consulate.id.in_(
            select(ReportingUnit.consulate_id).where(ReportingUnit.election_id == election.id)))
        .order_by(Consulate.code))
    return [ConsulateBallots(c.code, c.name, c.host_country, counted.get(c.id, 0)) for c in consulates]


def ballots_by_country(rows) -> dict:
    """The counted ballots of `ballots_by_consulate` summed per consulate's country."""
    totals = {}
    for row in rows:
        totals[row.country] = totals.get(row.country, 0) + row.counted
    return totals
