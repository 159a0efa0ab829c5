"""What the results page, its charts and its CSV download show, from the published
§8 results.json list (DESIGN.md §3.10, §8), the election's frozen definition (contest
and option labels per language, the units of each consulate), the consulates' names
and the number of eligible voters per consulate and contest.

Pure: no database, no request. `present` gives one `ContestResult` per contest in
manifest order; `results_csv` the same figures as CSV text.

Turnout, as the page defines it: counted online ballots (the latest ballot of each
voting key on the board) divided by the voters on the register whose ballot carries
the contest. In-person votes are shown beside it, not in it: a paper count gives
votes per option, not a number of voters.
"""
import csv
import io
from dataclasses import dataclass

POOL_PREFIX = "pool:"


@dataclass(frozen=True)
class OptionCount:
    id: str
    label: str
    #: online votes (decrypted counts of the groups), None when not published
    online: int | None
    #: votes counted on paper at the consulates' polling stations
    in_person: int
    #: online + in person; None when the online part is not published
    total: int | None
    #: share of the contest's votes, in percent (None when not published or no vote)
    share: float | None


@dataclass(frozen=True)
class GroupResult:
    """A decryption group: one consulate, or a pool of consulates too small alone."""
    name: str
    #: (code, name) of its consulates, by code
    consulates: tuple
    counted: int
    counts: list | None
    eligible: int
    turnout: float | None

    @property
    def pooled(self):
        return self.name.startswith(POOL_PREFIX)


@dataclass(frozen=True)
class InPersonResult:
    consulate: str
    name: str
    counts: list


@dataclass(frozen=True)
class ContestResult:
    id: str
    title: str
    #: False when the whole electorate is below the privacy floor: nothing decrypted
    published: bool
    options: list  # OptionCount, in option order
    groups: list  # GroupResult, by name
    in_person: list  # InPersonResult, by consulate
    counted: int
    eligible: int
    turnout: float | None

    @property
    def option_labels(self):
        return [o.label for o in self.options]


def group_consulates(name):
    """Consulate codes of a group name: "PAR", or "pool:LON,OSL" (§3.10)."""
    if name.startswith(POOL_PREFIX):
        return name[len(POOL_PREFIX):].split(",")
    return [name]


def _ratio(part, whole):
    return round(100 * part / whole, 1) if whole else None


def present(document, definition, *, consulate_names, eligible, label):
    """`document`: the results.json list; `definition`: the frozen definition;
    `consulate_names`: code -> display name; `eligible`: (consulate, contest) ->
    voters; `label(labels)`: a label map's text in the reader's language."""
    contests = {c["id"]: c for c in definition["manifest"]["contests"]}
    carried = {}
    for unit in definition["units"]:
        for contest in unit["ballot_style"]["contests"]:
            carried.setdefault(contest["id"], set()).add(unit["consulate"])
    out = []
    for entry in document:
        contest = contests[entry["contest"]]
        width = len(contest["options"])
        groups = []
        for group in entry["groups"]:
            codes = group_consulates(group["group"])
            voters = sum(eligible.get((code, contest["id"]), 0) for code in codes)
            groups.append(GroupResult(
                group["group"], tuple((code, consulate_names.get(code, code)) for code in codes),
                group["counted"], group["counts"], voters, _ratio(group["counted"], voters)))
        returns = [InPersonResult(r["consulate"], consulate_names.get(r["consulate"], r["consulate"]),
                                  list(r["counts"])) for r in entry["in_person"]]
        published = entry["national"] is not None
        in_person = [sum(r.counts[i] for r in returns) for i in range(width)]
        online = [sum(g.counts[i] for g in groups) for i in range(width)] if published else None
        national = entry["national"]
        votes = sum(national) if published else 0
        options = [OptionCount(
            option["id"], label(option["labels"]), online[i] if published else None, in_person[i],
            national[i] if published else None, _ratio(national[i], votes) if published else None)
            for i, option in enumerate(contest["options"])]
        counted = sum(g.counted for g in groups)
        voters = sum(eligible.get((code, contest["id"]), 0) for code in carried.get(contest["id"], ()))
        out.append(ContestResult(contest["id"], label(contest["labels"]), published, options, groups,
                                 returns, counted, voters, _ratio(counted, voters)))
    return out


# -- CSV ------------------------------------------------------------------------------

CSV_HEADER = ["contest", "scope", "consulates", "channel", "counted_ballots", "eligible_voters",
              "option", "option_label", "votes"]


def _safe_cell(text):
    """Spreadsheets run a cell starting with = + - @ as a formula; quote it as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def results_csv(contests):
    """One line per contest, scope and option: every group's online votes ("" where
    not published), every consulate's in-person votes, and the national totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for contest in contests:
        def rows(scope, consulates, channel, counted, eligible, counts):
            for option, n in zip(contest.options, counts):
                writer.writerow([contest.id, scope, " ".join(consulates), channel, counted, eligible,
                                 option.id, _safe_cell(option.label), "" if n is None else n])

        for group in contest.groups:
            rows(group.name, [c for c, _ in group.consulates], "online", group.counted, group.eligible,
                 group.counts or [None] * len(contest.options))
        for entry in contest.in_person:
            rows(entry.consulate, [entry.consulate], "in_person", "", "", entry.counts)
        rows("national", [], "all", contest.counted, contest.eligible, [o.total for o in contest.options])
    return out.getvalue()
