"""The privacy-floor grouping of DESIGN.md §3.10, a deterministic function
of public data: the definition (units, their consulates and ballot
styles, the floor `min_unit_ballots`) and the number of counted ballots
per unit, known from the board.

Per contest, in manifest order:

1. every consulate with a unit carrying the contest is a candidate group;
   its `counted` is the number of counted online ballots of those units;
2. consulates below the floor (`counted < min_unit_ballots`, no ballot at
   all included) form the pool;
3. a pool still below the floor is merged into the smallest group above
   it (lowest `counted`, ties broken by group name in code point order);
4. a group of one consulate is named by its code, a group of several
   ``"pool:" + ",".join(sorted codes)``.

If the whole electorate of a contest is below the floor there is no
group above: its one group (every consulate) is not decryptable, and its
counts and national totals are published as null.
"""

from collections.abc import Mapping
from dataclasses import dataclass

POOL_PREFIX = "pool:"


@dataclass(frozen=True)
class Group:
    """One decryption group of a contest."""

    contest: str
    #: Consulate code, or "pool:" + sorted codes.
    name: str
    #: Sorted consulate codes.
    consulates: tuple[str, ...]
    #: Sorted ids of the group's units that carry the contest (empty ones included).
    units: tuple[str, ...]
    #: Counted online ballots of those units.
    counted: int
    #: False only when the contest's whole electorate is below the floor.
    decryptable: bool


def group_name(consulates) -> str:
    codes = sorted(consulates)
    if len(codes) == 1:
        return codes[0]
    return POOL_PREFIX + ",".join(codes)


def contest_order(definition: Mapping) -> list[str]:
    """Contest ids in manifest order."""
    return [contest["id"] for contest in definition["manifest"]["contests"]]


def privacy_groups(definition: Mapping, counted_per_unit: Mapping[str, int]) -> list[Group]:
    """The groups of every contest, in manifest contest order and then by
    name. `counted_per_unit` maps unit ids to their number of counted
    ballots; a unit it does not name has none."""
    floor = definition["manifest"]["min_unit_ballots"]
    groups = []
    for contest_id in contest_order(definition):
        units_by_consulate: dict[str, list[str]] = {}
        for unit in definition["units"]:
            if any(c["id"] == contest_id for c in unit["ballot_style"]["contests"]):
                units_by_consulate.setdefault(unit["consulate"], []).append(unit["id"])
        groups += _contest_groups(contest_id, units_by_consulate, counted_per_unit, floor)
    return groups


def _contest_groups(contest_id, units_by_consulate, counted_per_unit, floor):
    counted = {
        consulate: sum(counted_per_unit.get(u, 0) for u in units)
        for consulate, units in units_by_consulate.items()
    }
    above = [{c} for c in sorted(counted) if counted[c] >= floor]
    pool = {c for c in counted if counted[c] < floor}
    if pool:
        if sum(counted[c] for c in pool) >= floor or not above:
            above.append(pool)
        else:
            smallest = min(
                above, key=lambda members: (_total(members, counted), group_name(members))
            )
            smallest |= pool
    groups = []
    for members in above:
        total = _total(members, counted)
        groups.append(
            Group(
                contest=contest_id,
                name=group_name(members),
                consulates=tuple(sorted(members)),
                units=tuple(sorted(u for c in members for u in units_by_consulate[c])),
                counted=total,
                decryptable=total >= floor,
            )
        )
    return sorted(groups, key=lambda g: g.name)


def _total(members, counted) -> int:
    return sum(counted[c] for c in members)
