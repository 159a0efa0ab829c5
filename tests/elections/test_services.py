"""Definition services not reached by a page or command of their own."""
import pytest

from ovote.elections import services
from ovote.errors import Refused
from tests.elections.factories import build_election, constituency_for


def test_a_style_takes_a_contest_once(app, factory, db_session):
    built = build_election(factory, state="draft", styles={"S1": ("C1",), "S2": ("C2",)})
    with app.test_request_context():
        services.add_style_contest(db_session, built.election, "S2", "C1", actor="test")
        with pytest.raises(Refused) as caught:
            services.add_style_contest(db_session, built.election, "S2", "C1", actor="test")
    assert caught.value.code == "style_contest_twice"
    style = services.style_by_code(built.election, "S2")
    assert [c.code for c in style.contests] == ["C1", "C2"]  # manifest order


def test_a_constituency_gets_one_style(app, factory, db_session):
    built = build_election(factory, state="draft", styles={"S1": ("C1",), "S2": ("C2",)})
    constituency_for(db_session, "SPARE")
    with app.test_request_context():
        services.map_constituency(db_session, built.election, "S2", "SPARE", actor="test")
        with pytest.raises(Refused) as caught:
            services.map_constituency(db_session, built.election, "S1", "SPARE", actor="test")
    assert (caught.value.code, caught.value.params["style"]) == ("constituency_has_style", "S2")


def test_removing_a_trustee_keeps_the_indices_one_to_n(app, factory, db_session):
    built = build_election(factory, state="draft", n=3)
    third = built.trustees[3]
    with app.test_request_context():
        services.remove_trustee(db_session, built.election, 2, actor="test")
    assert [(t.index, t.user_id) for t in built.election.trustees] == [(1, built.trustees[1].id),
                                                                        (2, third.id)]


def test_removing_a_contest(app, factory, db_session):
    built = build_election(factory, state="draft", styles={"S1": ("C1", "C2")})
    with app.test_request_context():
        services.remove_contest(db_session, built.election, "C2", actor="test")
    assert [c.code for c in built.election.contests] == ["C1"]


@pytest.mark.parametrize("k, n", [(0, 3), (4, 3)])
def test_the_ceremony_needs_a_threshold_within_the_trustees(app, factory, db_session, k, n):
    built = build_election(factory, state="draft", n=n, k=max(k, 1))
    built.election.threshold = k or None
    with app.test_request_context(), pytest.raises(Refused) as caught:
        services.start_ceremony(db_session, built.election, actor="test")
    assert caught.value.code == "election_bad_threshold"


@pytest.mark.parametrize("code, other", [("C0", "CO"), ("CO", "C0"), ("N0RTH", "NORTH")])
def test_a_code_mistakable_for_a_siblings_is_refused_and_nothing_stored(
        app, factory, db_session, runtime, code, other):
    built = build_election(factory, state="draft", styles={"S1": ("C1",)})
    labels = {"en": "Look-alike"}
    services.add_contest(db_session, built.election, actor="test", code=other, labels=labels,
                         settings=runtime.settings)
    services.add_option(db_session, built.election, "C1", actor="test", code=other, labels=labels,
                        settings=runtime.settings)
    attempts = [
        lambda: services.add_contest(db_session, built.election, actor="test", code=code,
                                     labels=labels, settings=runtime.settings),
        lambda: services.add_option(db_session, built.election, "C1", actor="test", code=code,
                                    labels=labels, settings=runtime.settings),
    ]
    for attempt in attempts:
        with pytest.raises(Refused) as caught:
            attempt()
        assert (caught.value.code, caught.value.params) == \
            ("code.confusable", {"code": code, "other": other, "field": "code"})
    assert [c.code for c in built.election.contests] == ["C1", other]
    assert [o.code for o in services.contest_by_code(built.election, "C1").options] == \
        ["ANA", "BRUNO", "CARLA", other]
