"""Facility and discrimination indices as Moodle defines them, checked against a hand-computed
example, and shown in the studio from 20 attempts of the trainer's own organisation."""

import pytest

from app.models import Role
from app.studio.item_analysis import item_indices, pearson
from tests.conftest import Auth
from tests.learn.helpers import take_quiz

# Five attempts on three questions (score 0 or 1):
#        q1 q2 q3  total
#   A     1  1  0    2
#   B     1  0  0    1
#   C     0  1  1    2
#   D     1  1  1    3
#   E     0  0  0    0
ATTEMPTS = [
    {"q1": 1, "q2": 1, "q3": 0},
    {"q1": 1, "q2": 0, "q3": 0},
    {"q1": 0, "q2": 1, "q3": 1},
    {"q1": 1, "q2": 1, "q3": 1},
    {"q1": 0, "q2": 0, "q3": 0},
]


def test_the_indices_match_the_hand_computed_example():
    """By hand: q2 scores x = 1,0,1,1,0 (mean .6) against the rest of the test y = 1,1,1,2,0
    (mean 1). Deviations dx = .4,-.6,.4,.4,-.6 and dy = 0,0,0,1,-1: sum dx*dy = 1.0,
    sum dx² = 1.2, sum dy² = 2, so r = 1/sqrt(2.4) = 0.6455.
    q3: x = 0,0,1,1,0 (mean .4), y = 2,1,1,2,0 (mean 1.2): sum dx*dy = .6, sum dx² = 1.2,
    sum dy² = 2.8, r = .6/sqrt(3.36) = 0.3273.
    q1: x = 1,1,0,1,0, y = 1,0,2,2,0: sum dx*dy = 0, r = 0."""
    found = item_indices(ATTEMPTS)
    assert found["q1"].facility == pytest.approx(60)
    assert found["q2"].facility == pytest.approx(60)
    assert found["q3"].facility == pytest.approx(40)
    assert found["q1"].discrimination == pytest.approx(0, abs=1e-9)
    assert found["q2"].discrimination == pytest.approx(64.55, abs=0.01)
    assert found["q3"].discrimination == pytest.approx(32.73, abs=0.01)
    assert all(item.attempts == 5 for item in found.values())


def test_flags_too_easy_too_hard_and_negatively_discriminating():
    # q "trap": those who do well on the rest get it wrong.
    attempts = [
        {"easy": 1, "hard": 0, "trap": 0, "other": 1},
        {"easy": 1, "hard": 0, "trap": 0, "other": 1},
        {"easy": 1, "hard": 0, "trap": 1, "other": 0},
        {"easy": 1, "hard": 1, "trap": 1, "other": 0},
    ] * 3
    found = item_indices(attempts)
    assert found["easy"].too_easy and found["easy"].discrimination is None
    assert found["hard"].facility == 25 and not found["hard"].too_hard
    assert found["trap"].negative
    assert item_indices([{"x": 0}] * 10)["x"].too_hard


def test_pearson_is_none_without_spread():
    assert pearson([1, 1, 1], [0, 1, 2]) is None


def test_the_studio_shows_the_indices_from_twenty_attempts_of_its_own_organisation(
    app, make, content
):
    trainer = Auth(app.test_client())
    trainer.login(make.user(Role.TRAINER))
    for number in range(20):
        if number == 19:
            page = trainer.client.get("/studio/modules/proef/statistieken").get_data(as_text=True)
            assert "vanaf 20 ingeleverde pogingen" in page
            assert 'class="utrecht-table__cell utrecht-table__cell--numeric facility">–' in page
        learner = make.user()
        session = Auth(app.test_client())
        session.login(learner)
        take_quiz(session, learner.id, "proef", right=number % 2 == 0)
    other = make.organisation("gemeente-b", "Gemeente B")
    stranger = make.user(organisation=other)
    session = Auth(app.test_client())
    session.login(stranger)
    take_quiz(session, stranger.id, "proef", right=True)  # not counted for gemeente-a

    page = trainer.client.get("/studio/modules/proef/statistieken").get_data(as_text=True)
    # Half right, all or nothing: facility 50 %, and the item score moves with the rest: r = 1.
    assert page.count('facility">50\u00a0%') == 4
    assert page.count('discrimination">100<') == 4
    assert "Özlem" not in page
