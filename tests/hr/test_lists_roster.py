"""The set-based lists: a scope roster (a SELECT, as the pages pass it) gives the same
people as a list of objects, and officer ratings read through built rollups equal the raw
count."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_login import login_user

from app.analytics.satisfaction_rollup import refresh_rollups
from app.auth.services import _principal
from app.extensions import db
from app.hr import queries
from app.hr.lists import Policy, commendation_candidates, officer_ratings, reassignment_reviews
from app.models import Account, Person, Unit
from app.models.surveys import SurveyRollupMonth
from tests.hr.history import add_ratings

POLICY = Policy(min_periods=2, window=10, threshold=0.8, min_ratings=30)


def _sign_in(username: str) -> None:
    account = db.session.scalar(sa.select(Account).where(Account.username == username))
    login_user(_principal(account))


def _long_hung() -> list[Person]:
    stmt = (
        sa.select(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Unit.code == "ST-LH")
        .order_by(Unit.path, Person.sort_key)
    )
    return list(db.session.scalars(stmt))


def test_a_scope_roster_lists_the_same_people_as_objects(app, history):
    h = history
    add_ratings(h.d, date(2025, 3, 1), 40, 22)  # credibly below 80 %: reviewed too
    with app.test_request_context("/"):
        _sign_in("hr.xa")  # Xã Long Hưng only
        roster = queries.roster_in_scope()
        assert [pid for pid, _path in roster.members] == [p.id for p in _long_hung()]
        by_roster = commendation_candidates(h.p3, roster, POLICY)
        by_objects = commendation_candidates(h.p3, _long_hung(), POLICY)
        assert [e.person.id for e in by_roster] == [e.person.id for e in by_objects]
        assert {e.person.id for e in by_roster} == {h.a.id, h.d.id}  # not h.outside
        reviews = reassignment_reviews(h.p3, roster, POLICY)
        assert {e.person.id: e.reasons for e in reviews.entries} == {
            h.b.id: ["knowledge_failed"],
            h.d.id: ["satisfaction_below"],
        }
        assert h.e.id in {e.person.id for e in reviews.insufficient}


def test_officer_ratings_through_rollups_equal_the_raw_count(history):
    h = history
    add_ratings(h.a, date(2025, 3, 1), 12, 5)
    add_ratings(h.a, date(2025, 6, 30), 3, 3)  # the period's last day
    add_ratings(h.a, date(2025, 7, 1), 4, 0)  # the next period
    add_ratings(h.d, date(2025, 2, 1), 6, 0, flagged=True)  # a burst: left out
    raw = officer_ratings(h.p3, [h.a.id, h.d.id])
    assert raw == {h.a.id: (15, 8)}
    refresh_rollups(force=True)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRollupMonth)) >= 3
    assert officer_ratings(h.p3, [h.a.id, h.d.id]) == raw
