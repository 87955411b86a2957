"""Commendation candidates and reassignment reviews: the rules, and satisfaction evidence."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.hr.lists import (
    Policy,
    commendation_candidates,
    officer_ratings,
    reassignment_reviews,
)
from app.models import Person
from tests.hr.history import add_ratings, people_of

POLICY = Policy(min_periods=2, window=10, threshold=0.8, min_ratings=30)


def _everyone() -> list[Person]:
    return list(db.session.scalars(sa.select(Person).order_by(Person.id)))


def test_candidates_met_twice_in_the_window_latest_included(history):
    h = history
    found = {e.person.id: e for e in commendation_candidates(h.p3, _everyone(), POLICY)}
    assert set(found) == {h.a.id, h.d.id, h.outside.id}
    # b met P1 and P2 but failed the latest: never a candidate; c met only once
    assert h.b.id not in found and h.c.id not in found and h.e.id not in found
    assert [p.name for p in found[h.a.id].periods_met] == ["Kỳ thử 3", "Kỳ thử 1"]
    assert [p.name for p in found[h.d.id].periods_met] == ["Kỳ thử 3", "Kỳ thử 2"]
    assert found[h.a.id].knowledge_percent == pytest.approx(0.8)
    # the latest period is whichever is selected: in P2, b and e had met twice (P1, P2)
    earlier = {e.person.id for e in commendation_candidates(h.p2, _everyone(), POLICY)}
    assert earlier == {h.b.id, h.e.id}


def test_window_limits_the_periods_counted(history):
    h = history
    narrow = Policy(min_periods=2, window=2, threshold=0.8, min_ratings=30)
    found = {e.person.id for e in commendation_candidates(h.p3, _everyone(), narrow)}
    assert found == {h.d.id, h.outside.id}  # a's P1 pass lies outside {P3, P2}
    three = Policy(min_periods=3, window=10, threshold=0.8, min_ratings=30)
    assert commendation_candidates(h.p3, _everyone(), three) == []


def test_reviews_failed_latest_and_missing_listed_apart(history):
    h = history
    reviews = reassignment_reviews(h.p3, _everyone(), POLICY)
    listed = {e.person.id: e for e in reviews.entries}
    assert set(listed) == {h.b.id}
    assert listed[h.b.id].reasons == ["knowledge_failed"]
    assert listed[h.b.id].evidence(POLICY)["components"] == {"knowledge": "failed"}
    insufficient = {e.person.id for e in reviews.insufficient}
    assert h.e.id in insufficient and h.b.id not in insufficient
    assert h.a.id not in insufficient  # passed: on neither list


def test_satisfaction_credibly_below_needs_enough_ratings(history):
    h = history
    many, few = h.a, h.d  # both passed the latest period
    add_ratings(many, date(2025, 3, 1), 40, 22)  # 55 % of 40
    add_ratings(few, date(2025, 3, 1), 20, 11)  # the same 55 %, of 20 only
    reviews = reassignment_reviews(h.p3, _everyone(), POLICY)
    listed = {e.person.id: e for e in reviews.entries}
    assert many.id in listed and few.id not in listed
    assert listed[many.id].reasons == ["satisfaction_below"]
    ratings = listed[many.id].evidence(POLICY)["ratings"]
    # Wilson 95 %, p = 22/40 = 0.55, z = 1.959964, z² = 3.841459:
    # upper = (2·40·0.55 + z² + z·√(z² + 4·40·0.55·0.45)) / (2·(40 + z²))
    #       = (47.841459 + 1.959964·6.591013) / 87.682918 = 60.759601 / 87.682918 = 0.692946
    assert ratings["n"] == 40 and ratings["satisfied"] == 22
    assert ratings["share"] == pytest.approx(0.55)
    assert ratings["upper"] == pytest.approx(0.692946, abs=1e-6)
    assert ratings["credibly_below"] is True
    # the 20-rating officer: upper bound (≈ 0.74) is below 0.8 too, but n < 30
    assert officer_ratings(h.p3, [few.id]) == {few.id: (20, 11)}


def test_ratings_count_the_period_only_and_skip_flagged_bursts(history):
    h = history
    officer = h.a
    add_ratings(officer, date(2025, 6, 30), 3, 1)
    add_ratings(officer, date(2025, 7, 1), 5, 0)  # the next period
    add_ratings(officer, date(2025, 2, 1), 7, 0, flagged=True)  # a suspicious burst
    other = people_of("ST-LH")[5]
    add_ratings(other, date(2025, 1, 1), 2, 2)
    assert officer_ratings(h.p3, [officer.id, other.id]) == {officer.id: (3, 1), other.id: (2, 2)}
