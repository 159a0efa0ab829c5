"""The results presenter, its charts and its CSV on a real record's results.json
(tests/record/factory.py: a 2-of-3 ceremony, encrypted ballots, revotes, privacy
groups with a pool, in-person returns and a contest below the floor)."""
import pytest

from ovote.web import bar_chart, results_presenter
from tests.record import factory

NAMES = {"LON": "London", "NYC": "New York", "OSL": "Oslo", "PAR": "Paris", "ROM": "Rome", "TYO": "Tokyo"}
ELIGIBLE = {("NYC", "president"): 10, ("PAR", "president"): 8, ("LON", "president"): 2,
            ("OSL", "president"): 1, ("ROM", "president"): 3, ("TYO", "president"): 4,
            ("NYC", "referendum"): 6, ("PAR", "referendum"): 8, ("LON", "referendum"): 2,
            ("OSL", "referendum"): 1, ("ROM", "referendum"): 3, ("TYO", "council"): 4}


@pytest.fixture(scope="module")
def record():
    election = factory.test_election()
    return election, factory.test_record(election)


@pytest.fixture(scope="module")
def contests(record):
    election, data = record
    return results_presenter.present(data.results, election.definition, consulate_names=NAMES,
                                     eligible=ELIGIBLE, label=lambda labels: labels["en"])


def test_the_record_is_the_one_the_figures_below_come_from(record):
    """The counts are the record's own, decrypted by two trustees from the ballots."""
    _, data = record
    assert [(c["contest"], c["national"]) for c in data.results] == [
        ("president", [7, 2, 7]), ("referendum", [3, 4]), ("council", None)]
    for contest in data.results:
        for group in contest["groups"]:
            if group["counts"] is not None:
                assert group["counts"] == data.truth[(contest["contest"], group["group"])]


def test_national_totals_online_and_in_person_apart(contests):
    president = contests[0]
    assert (president.id, president.title, president.published) == ("president", "President", True)
    assert [(o.label, o.online, o.in_person, o.total, o.share) for o in president.options] == [
        ("Alice", 5, 2, 7, 43.8), ("Bob", 1, 1, 2, 12.5), ("Carol", 7, 0, 7, 43.8)]
    assert (president.counted, president.eligible, president.turnout) == (13, 28, 46.4)


def test_groups_name_their_consulates_and_their_turnout(contests):
    president = contests[0]
    assert [(g.name, g.consulates, g.counted, g.counts, g.eligible, g.turnout, g.pooled)
            for g in president.groups] == [
        ("NYC", (("NYC", "New York"),), 4, [2, 0, 2], 10, 40.0, False),
        ("PAR", (("PAR", "Paris"),), 4, [1, 0, 3], 8, 50.0, False),
        ("pool:LON,OSL,ROM,TYO", (("LON", "London"), ("OSL", "Oslo"), ("ROM", "Rome"), ("TYO", "Tokyo")),
         5, [2, 1, 2], 10, 50.0, True)]
    assert [(r.consulate, r.name, r.counts) for r in president.in_person] == [("PAR", "Paris", [2, 1, 0])]


def test_a_contest_below_the_floor_shows_only_its_in_person_votes(contests):
    council = contests[2]
    assert council.published is False
    assert [(o.online, o.in_person, o.total, o.share) for o in council.options] == [
        (None, 1, None, None), (None, 0, None, None)]
    assert [(g.name, g.counted, g.counts) for g in council.groups] == [("TYO", 1, None)]
    assert (council.counted, council.eligible, council.turnout) == (1, 4, 25.0)


def test_turnout_without_eligible_voters_is_not_a_number(record):
    election, data = record
    contests = results_presenter.present(data.results, election.definition, consulate_names={},
                                         eligible={}, label=lambda labels: labels["en"])
    assert contests[0].turnout is None and contests[0].groups[0].consulates == (("NYC", "NYC"),)


def test_the_csv_gives_every_figure(contests):
    assert results_presenter.results_csv(contests[1:]) == (
        "contest,scope,consulates,channel,counted_ballots,eligible_voters,option,option_label,votes\n"
        "referendum,NYC,NYC,online,3,6,yes,Yes,1\n"
        "referendum,NYC,NYC,online,3,6,no,No,1\n"
        "referendum,PAR,PAR,online,4,8,yes,Yes,1\n"
        "referendum,PAR,PAR,online,4,8,no,No,1\n"
        "referendum,\"pool:LON,OSL,ROM\",LON OSL ROM,online,4,6,yes,Yes,0\n"
        "referendum,\"pool:LON,OSL,ROM\",LON OSL ROM,online,4,6,no,No,1\n"
        "referendum,ROM,ROM,in_person,,,yes,Yes,1\n"
        "referendum,ROM,ROM,in_person,,,no,No,1\n"
        "referendum,national,,all,11,20,yes,Yes,3\n"
        "referendum,national,,all,11,20,no,No,4\n"
        "council,TYO,TYO,online,1,4,north,North,\n"
        "council,TYO,TYO,online,1,4,south,South,\n"
        "council,TYO,TYO,in_person,,,north,North,1\n"
        "council,TYO,TYO,in_person,,,south,South,0\n"
        "council,national,,all,1,4,north,North,\n"
        "council,national,,all,1,4,south,South,\n")


def test_a_label_that_looks_like_a_formula_is_quoted(record):
    election, data = record
    contests = results_presenter.present(data.results, election.definition, consulate_names={},
                                         eligible={}, label=lambda labels: "=" + labels["en"])
    assert ",=Yes," not in results_presenter.results_csv(contests)
    assert ",'=Yes," in results_presenter.results_csv(contests)


def test_the_bars_are_scaled_to_the_option_with_most_votes(contests):
    chart = bar_chart.option_bars(contests[0])
    assert chart.height == 3 * bar_chart.ROW
    assert [[(s.css_class, s.x, s.width, s.votes) for s in row.segments] for row in chart.rows] == [
        [("bar-online", 0.0, 71.43, 5), ("bar-in-person", 71.43, 28.57, 2)],
        [("bar-online", 0.0, 14.29, 1), ("bar-in-person", 14.29, 14.29, 1)],
        [("bar-online", 0.0, 100.0, 7)]]
    assert [row.option.label for row in chart.rows] == ["Alice", "Bob", "Carol"]
