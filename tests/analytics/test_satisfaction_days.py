"""Daily rollups: a date range that cuts months is answered from day rows (no raw rows
once every month is built), with the same counts as the raw tables, and the day rows go
with their month when it is invalidated or rebuilt."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.analytics.satisfaction import satisfaction_report
from app.analytics.satisfaction_counts import count_rows, plan
from app.analytics.satisfaction_rollup import built_months, invalidate_months, refresh_rollups
from app.extensions import db
from app.models.surveys import SurveyRollupDay, SurveyRollupSum
from app.surveys.queries import ResponseFilter
from tests.analytics.satisfaction_data import add, ratings, signed_in, survey  # noqa: F401

CUT = {"start": date(2026, 3, 15), "end": date(2026, 5, 10)}


def _data(survey) -> None:  # noqa: F811
    ratings(survey, "ST-LH", "overall", [5, 4], day=date(2026, 3, 14))  # before the range
    ratings(survey, "ST-LH", "overall", [1, 2], day=date(2026, 3, 15))
    ratings(survey, "ST-AN", "overall", [3, 5, 5], day=date(2026, 4, 2))
    ratings(survey, "ST-AN", "overall", [4], day=date(2026, 5, 10))
    ratings(survey, "ST-AN", "overall", [1], day=date(2026, 5, 11))  # after it
    add(survey, "ST-LH", {"overall": 1}, day=date(2026, 4, 3), flagged=True)  # left out


def _counts(survey, **filters) -> dict:  # noqa: F811
    f = ResponseFilter(**filters)
    overall = {survey.questions["overall"].id}
    return {
        "levels": count_rows(f, ["month", "unit_id", "number"], overall),
        "responses": count_rows(f, ["month"], responses=True),
    }


def test_a_range_cutting_months_reads_day_rows_with_the_raw_counts(app, survey):  # noqa: F811
    _data(survey)
    with signed_in(app):
        raw = _counts(survey, **CUT)
        assert plan(ResponseFilter(**CUT))[2] == [(date(2026, 3, 15), date(2026, 5, 10))]
        refresh_rollups(force=True)
        db.session.commit()
        months, days, rest = plan(ResponseFilter(**CUT))
        assert months == [date(2026, 4, 1)]
        assert days == [
            (date(2026, 3, 15), date(2026, 3, 31)),
            (date(2026, 5, 1), date(2026, 5, 10)),
        ]
        assert rest == []  # nothing left to the raw tables
        assert _counts(survey, **CUT) == raw
    lh, an = survey.unit("ST-LH").id, survey.unit("ST-AN").id
    assert raw["levels"] == {
        (date(2026, 3, 1), lh, 1): 1, (date(2026, 3, 1), lh, 2): 1,
        (date(2026, 4, 1), an, 3): 1, (date(2026, 4, 1), an, 5): 2,
        (date(2026, 5, 1), an, 4): 1,
    }  # fmt: skip
    assert raw["responses"] == {
        (date(2026, 3, 1),): 2,
        (date(2026, 4, 1),): 3,
        (date(2026, 5, 1),): 1,
    }


def test_an_edited_day_cuts_its_month_back_to_the_day_before(app, survey):  # noqa: F811
    _data(survey)
    with signed_in(app):
        refresh_rollups(force=True)
        db.session.commit()
        march = sa.select(sa.func.count()).where(SurveyRollupDay.day < date(2026, 4, 1))
        late_march = march.where(SurveyRollupDay.day >= date(2026, 3, 20))
        late_sums = sa.select(sa.func.count()).where(
            SurveyRollupSum.day.between(date(2026, 3, 20), date(2026, 3, 31))
        )
        assert db.session.scalar(march) > 0 and db.session.scalar(late_sums) > 0
        invalidate_months([date(2026, 3, 20)])  # answers of March edited in place
        db.session.commit()
        assert db.session.scalar(march) > 0  # 14 and 15 March kept
        assert db.session.scalar(late_march) == db.session.scalar(late_sums) == 0
        assert built_months()[date(2026, 3, 1)].through == date(2026, 3, 19)
        assert plan(ResponseFilter(**CUT))[1][0] == (date(2026, 3, 15), date(2026, 3, 19))
        assert plan(ResponseFilter(**CUT))[2] == [(date(2026, 3, 20), date(2026, 3, 31))]
        whole_march = ResponseFilter(start=date(2026, 3, 1), end=date(2026, 3, 31))
        assert plan(whole_march)[0] == []  # no monthly rows until the next build
        ratings(survey, "ST-LH", "overall", [3], day=date(2026, 3, 20))  # a new response
        assert _counts(survey, **CUT)["levels"][(date(2026, 3, 1), survey.unit("ST-LH").id, 3)] == 1
        refresh_rollups(force=True)
        db.session.commit()
        assert plan(ResponseFilter(**CUT))[2] == []
        assert plan(whole_march)[0] == [date(2026, 3, 1)]
        assert _counts(survey, **CUT)["levels"][(date(2026, 3, 1), survey.unit("ST-LH").id, 3)] == 1


def test_alpha_of_a_date_range_uses_its_responses_only(app, survey):  # noqa: F811
    inside = [(3, 4, 3), (2, 3, 4), (4, 4, 5), (3, 2, 3), (4, 4, 4)]  # alpha 0.73256
    for a, b, c in inside:
        add(
            survey,
            "ST-LH",
            {"a_signage": a, "a_seating": b, "a_equipment": c},
            day=date(2026, 4, 2),
        )
    for a, b, c in [(5, 1, 5), (1, 5, 1), (5, 1, 1)]:  # outside the range: would lower it
        add(
            survey,
            "ST-LH",
            {"a_signage": a, "a_seating": b, "a_equipment": c},
            day=date(2026, 5, 20),
        )
    with signed_in(app):
        f = ResponseFilter(questionnaire_id=survey.questionnaire_id, **CUT)
        factor = satisfaction_report(f).factors[0]
    assert (factor.factor, factor.alpha.n) == ("A", 5)
    assert factor.alpha.alpha == pytest.approx(0.7325581, abs=1e-6)


def test_new_responses_in_a_built_month_recount_only_their_days(app, survey):  # noqa: F811
    _data(survey)
    with signed_in(app):
        refresh_rollups(force=True)
        db.session.commit()
        other_days = sa.select(SurveyRollupDay.id).where(SurveyRollupDay.day != date(2026, 4, 2))
        kept = set(db.session.scalars(other_days))
        ratings(survey, "ST-AN", "overall", [2, 2], day=date(2026, 4, 2))  # the current month
        add(survey, "ST-AN", {"overall": 5}, day=date(2026, 4, 2), flagged=True)
        assert refresh_rollups(force=True) == 1
        db.session.commit()
        assert set(db.session.scalars(other_days)) == kept  # the other days untouched
        whole_april = {"start": date(2026, 4, 1), "end": date(2026, 4, 30)}
        assert plan(ResponseFilter(**whole_april))[0] == [date(2026, 4, 1)]  # month rows
        from_rollups = _counts(survey, **whole_april)
        invalidate_months([date(2026, 4, 2)])  # read April from the raw tables instead
        assert _counts(survey, **whole_april) == from_rollups
    an = survey.unit("ST-AN").id
    assert from_rollups["levels"] == {
        (date(2026, 4, 1), an, 2): 2, (date(2026, 4, 1), an, 3): 1, (date(2026, 4, 1), an, 5): 2,
    }  # fmt: skip
