"""The privacy-floor grouping (§3.10) and the results it leads to."""

import pytest

from ovote.record.grouping import Group, privacy_groups
from ovote.record.results import check_in_person, results_document


def definition(units, floor, contests=("c",)):
    """`units`: (unit id, consulate, contest ids)."""
    return {
        "manifest": {
            "min_unit_ballots": floor,
            "contests": [{"id": c, "options": [{"id": "a"}, {"id": "b"}]} for c in contests],
        },
        "units": [
            {"id": uid, "consulate": consulate,
             "ballot_style": {"id": "s", "contests": [{"id": c} for c in carried]}}
            for uid, consulate, carried in units
        ],
    }


def names(groups):
    return [(g.name, g.counted, g.decryptable) for g in groups]


@pytest.mark.parametrize("counted, expected", [
    # Everyone above the floor: one group per consulate.
    ({"A1": 10, "B1": 12, "C1": 11}, [("A", 10, True), ("B", 12, True), ("C", 11, True)]),
    # A pool that reaches the floor is a group of its own.
    ({"A1": 10, "B1": 6, "C1": 5}, [("A", 10, True), ("pool:B,C", 11, True)]),
    # A pool below the floor joins the smallest group above it.
    ({"A1": 20, "B1": 12, "C1": 3}, [("A", 20, True), ("pool:B,C", 15, True)]),
    # Ties between the smallest groups above go to the first name.
    ({"A1": 12, "B1": 12, "C1": 3}, [("B", 12, True), ("pool:A,C", 15, True)]),
    # A consulate without any ballot is below the floor too.
    ({"A1": 10, "B1": 10}, [("B", 10, True), ("pool:A,C", 10, True)]),
    # The whole electorate below the floor: one group, not decrypted.
    ({"A1": 3, "B1": 2}, [("pool:A,B,C", 5, False)]),
    ({}, [("pool:A,B,C", 0, False)]),
])
def test_groups(counted, expected):
    units = [("A1", "A", ["c"]), ("B1", "B", ["c"]), ("C1", "C", ["c"])]
    assert names(privacy_groups(definition(units, 10), counted)) == expected


def test_a_consulates_units_count_together_and_only_those_carrying_the_contest():
    units = [("A1", "A", ["c", "d"]), ("A2", "A", ["c"]), ("B1", "B", ["c", "d"]),
             ("B2", "B", ["c"])]
    groups = privacy_groups(definition(units, 3, ("c", "d")), {"A1": 2, "A2": 2, "B1": 4, "B2": 0})
    assert [(g.contest, g.name, g.units, g.counted) for g in groups] == [
        ("c", "A", ("A1", "A2"), 4),
        ("c", "B", ("B1", "B2"), 4),
        ("d", "pool:A,B", ("A1", "B1"), 6),
    ]


def test_a_lone_consulate_below_the_floor_keeps_its_code():
    groups = privacy_groups(definition([("A1", "A", ["c"])], 10), {"A1": 4})
    assert groups == [Group("c", "A", ("A",), ("A1",), 4, False)]


def test_with_a_floor_of_one_only_consulates_without_ballots_are_pooled():
    units = [("A1", "A", ["c"]), ("B1", "B", ["c"]), ("C1", "C", ["c"])]
    assert names(privacy_groups(definition(units, 1), {"A1": 1, "B1": 2})) == [
        ("B", 2, True), ("pool:A,C", 1, True)]


def test_results_add_in_person_returns_and_null_what_is_not_decrypted():
    units = [("A1", "A", ["c", "d"]), ("B1", "B", ["c", "d"])]
    spec = definition(units, 5, ("c", "d"))
    groups = privacy_groups(spec, {"A1": 6, "B1": 1})
    counts = {("c", "pool:A,B"): [4, 3], ("d", "pool:A,B"): [1, 6]}
    returns = [{"consulate": "B", "contest": "c", "counts": [2, 0], "entered_by": 1, "confirmed_by": 2}]
    document = results_document(spec, groups, counts, returns)
    assert document[0] == {
        "contest": "c",
        "groups": [{"group": "pool:A,B", "counted": 7, "counts": [4, 3]}],
        "in_person": [{"consulate": "B", "counts": [2, 0]}],
        "national": [6, 3],
    }
    small = privacy_groups(spec, {"A1": 2, "B1": 1})
    document = results_document(spec, small, {}, returns)
    assert document[0]["groups"] == [{"group": "pool:A,B", "counted": 3, "counts": None}]
    assert document[0]["national"] is None
    assert document[0]["in_person"] == [{"consulate": "B", "counts": [2, 0]}]


@pytest.mark.parametrize("entry, message", [
    ({"consulate": "A", "contest": "c", "counts": [1, 1], "entered_by": 3, "confirmed_by": 3},
     "same person"),
    ({"consulate": "A", "contest": "d", "counts": [1, 1], "entered_by": 3, "confirmed_by": 4},
     "do not carry"),
    ({"consulate": "Z", "contest": "c", "counts": [1, 1], "entered_by": 3, "confirmed_by": 4},
     "no such consulate"),
    ({"consulate": "A", "contest": "c", "counts": [1, -1], "entered_by": 3, "confirmed_by": 4},
     "count >= 0"),
    ({"consulate": "A", "contest": "c", "counts": [1], "entered_by": 3, "confirmed_by": 4},
     "count >= 0"),
    ({"consulate": "A", "contest": "c", "counts": [1, 1], "entered_by": "3", "confirmed_by": 4},
     "integers"),
    ({"consulate": "A", "contest": "c", "counts": [1, 1], "entered_by": 3}, "fields"),
])
def test_bad_in_person_returns(entry, message):
    spec = definition([("A1", "A", ["c"]), ("B1", "B", ["c", "d"])], 5, ("c", "d"))
    with pytest.raises(ValueError, match=message):
        check_in_person(spec, [entry])
