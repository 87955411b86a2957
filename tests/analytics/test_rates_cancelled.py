"""A cancelled exam counts for nothing (the verdict and the pass-rate SQL alike), and the
memo's data stamp is exact, so an unchanged database is always recognised."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.analytics import rates_cache
from app.analytics.rates import RateFilter, by_unit_and_position, total
from app.extensions import db
from app.hr.verdicts import Outcome, knowledge_outcomes, period_verdicts
from app.models import Attempt, ExamState
from tests.analytics import rates_data as data


@pytest.fixture(autouse=True)
def _request(app):
    rates_cache.clear()
    with app.test_request_context("/"):
        yield


def _cancelled_pass(p):
    """A person required by the live exam who did not sit it, but passed a cancelled one."""
    live = data.exam(p)
    cancelled = data.exam(p, "Bài đã hủy", state=ExamState.CANCELLED)
    who = data.person("ST-LH")
    data.sit(live, who, None)
    data.sit(cancelled, who, True)
    failed_live = data.person("ST-LH")
    data.sit(live, failed_live, False)
    data.sit(cancelled, failed_live, True)  # a pass in the cancelled exam does not rescue
    db.session.commit()
    return who, failed_live


def test_a_pass_in_a_cancelled_exam_is_not_a_knowledge_pass(demo):
    p = data.period()
    absent, failed = _cancelled_pass(p)
    outcomes = knowledge_outcomes(p, [absent.id, failed.id])
    assert outcomes == {absent.id: Outcome.MISSING, failed.id: Outcome.FAILED}
    verdicts = {v.person.id: v for v in period_verdicts(p, [absent, failed])}
    assert not verdicts[absent.id].meets and verdicts[absent.id].missing == ["knowledge"]
    assert verdicts[failed.id].components == {"knowledge": Outcome.FAILED}


def test_the_pass_rate_sql_ignores_attempts_of_a_cancelled_exam(demo):
    p = data.period()
    _cancelled_pass(p)
    counts = total(RateFilter(period_id=p.id, perm=None))
    # two required people; one sat (and failed) the live exam; the cancelled exam's passes
    # count neither as sitting nor as passing
    assert (counts.required, counts.sat, counts.passed) == (2, 1, 0)
    cells = by_unit_and_position(RateFilter(period_id=p.id, perm=None))
    assert sum(c.passed for c in cells.values()) == 0


def test_the_data_stamp_is_exact_and_sees_a_small_rescore(demo):
    p = data.period()
    e = data.exam(p)
    for _ in range(3):
        data.sit(e, data.person("ST-LH"), True)
    db.session.commit()
    stamp = rates_cache.data_stamp()
    assert rates_cache.data_stamp() == stamp
    attempts = stamp[0]
    assert all("." not in part for part in attempts[3:])  # counts and sums are integers
    one = db.session.scalars(sa.select(Attempt).where(Attempt.exam_id == e.id)).first()
    one.percent += 0.00001  # a re-score that moves one percentage a little
    db.session.commit()
    assert rates_cache.data_stamp() != stamp
