"""Results from decrypted group counts and in-person returns (DESIGN.md
§3.10, §8 `results.json` and `in_person.json`).

National totals are the sum of the groups' decrypted counts plus the
in-person returns (no separate decryption). A contest whose whole
electorate is below the floor publishes its groups' counts and its
national totals as null, and its in-person returns per consulate.
"""

from collections.abc import Iterable, Mapping

from ovote.record.grouping import Group, contest_order

IN_PERSON_FIELDS = frozenset({"consulate", "contest", "counts", "entered_by", "confirmed_by"})


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def contest_options(definition: Mapping) -> dict[str, list[str]]:
    """Contest id -> option ids, in manifest order."""
    return {
        contest["id"]: [option["id"] for option in contest["options"]]
        for contest in definition["manifest"]["contests"]
    }


def carried_contests(definition: Mapping) -> dict[str, set[str]]:
    """Consulate code -> ids of the contests its units carry."""
    carried: dict[str, set[str]] = {}
    for unit in definition["units"]:
        carried.setdefault(unit["consulate"], set()).update(
            c["id"] for c in unit["ballot_style"]["contests"]
        )
    return carried


def check_in_person(definition: Mapping, returns: Iterable) -> None:
    """Raise ValueError naming the first return that breaks §8: exactly
    the five fields; a consulate of the election whose units carry the
    contest; one per consulate and contest; a non-negative count per
    option; `entered_by` and `confirmed_by` integer ids of two people."""
    if not isinstance(returns, list):
        raise ValueError("in-person returns: expected a list")
    options, carried = contest_options(definition), carried_contests(definition)
    seen = set()
    for number, entry in enumerate(returns, start=1):
        where = f"in-person return {number}"
        if not isinstance(entry, Mapping) or set(entry) != IN_PERSON_FIELDS:
            raise ValueError(f"{where}: fields must be {sorted(IN_PERSON_FIELDS)}")
        consulate, contest = entry["consulate"], entry["contest"]
        where = f"in-person return of {consulate!r} for {contest!r}"
        if consulate not in carried:
            raise ValueError(f"{where}: no such consulate in the election")
        if contest not in carried[consulate]:
            raise ValueError(f"{where}: the consulate's units do not carry this contest")
        if (consulate, contest) in seen:
            raise ValueError(f"{where}: given twice")
        seen.add((consulate, contest))
        counts = entry["counts"]
        if (
            not isinstance(counts, list)
            or len(counts) != len(options[contest])
            or not all(_is_int(n) and n >= 0 for n in counts)
        ):
            raise ValueError(f"{where}: needs a count >= 0 per option")
        entered, confirmed = entry["entered_by"], entry["confirmed_by"]
        if not (_is_int(entered) and _is_int(confirmed)):
            raise ValueError(f"{where}: staff ids must be integers")
        if entered == confirmed:
            raise ValueError(f"{where}: entered and confirmed by the same person")


def results_document(
    definition: Mapping,
    groups: Iterable[Group],
    counts: Mapping[tuple[str, str], list[int]],
    in_person: Iterable[Mapping],
) -> list[dict]:
    """The `results.json` list, in manifest contest order, groups by name
    and in-person returns by consulate. `counts` maps `(contest, group
    name)` of every decryptable group to its decoded counts per option."""
    options = contest_options(definition)
    groups = list(groups)
    in_person = list(in_person)
    document = []
    for contest_id in contest_order(definition):
        width = len(options[contest_id])
        own = sorted((g for g in groups if g.contest == contest_id), key=lambda g: g.name)
        returns = sorted(
            (r for r in in_person if r["contest"] == contest_id), key=lambda r: r["consulate"]
        )
        decrypted = bool(own) and all(g.decryptable for g in own)
        national = None
        if decrypted:
            national = [0] * width
            for group in own:
                national = [a + b for a, b in zip(national, counts[(contest_id, group.name)])]
            for entry in returns:
                national = [a + b for a, b in zip(national, entry["counts"])]
        document.append(
            {
                "contest": contest_id,
                "groups": [
                    {
                        "group": g.name,
                        "counted": g.counted,
                        "counts": list(counts[(contest_id, g.name)]) if g.decryptable else None,
                    }
                    for g in own
                ],
                "in_person": [
                    {"consulate": r["consulate"], "counts": list(r["counts"])} for r in returns
                ],
                "national": national,
            }
        )
    return document
