"""Running totals (``survey_rollup_sums``) and closed days: once the rollups are built,
every filter, grouping and date range counts what the raw tables count; today's
responses are counted without any build, and a page never builds."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.analytics.satisfaction import satisfaction_report
from app.analytics.satisfaction_counts import count_rows, plan
from app.analytics.satisfaction_rollup import (
    built_months,
    closed_through,
    month_start,
    refresh_rollups,
)
from app.extensions import db
from app.models import ChannelKind, SurveyChannel
from app.models.surveys import SurveyRollupSum
from app.surveys.queries import ResponseFilter
from app.surveys.responses import today
from tests.analytics.satisfaction_data import add, signed_in, survey  # noqa: F401

RANGES = {
    "open": {},
    "cut both ends": {"start": date(2026, 3, 15), "end": date(2026, 5, 10)},
    "inside one month": {"start": date(2026, 4, 3), "end": date(2026, 4, 20)},
    "one day": {"start": date(2026, 4, 11), "end": date(2026, 4, 11)},
    "whole months": {"start": date(2026, 3, 1), "end": date(2026, 4, 30)},
    "from the 2nd": {"start": date(2026, 3, 2)},
}
DIMS = (
    ["month"],
    ["month", "question_id", "choice", "number"],
    ["unit_id", "number"],
    ["officer_id", "number"],
)


def _spread(survey) -> dict:  # noqa: F811
    """60 responses over March-May with every dimension varied (seeded)."""
    rng = random.Random(7)
    kiosk = db.session.scalar(
        sa.select(SurveyChannel).where(
            SurveyChannel.unit_id == survey.unit("ST-LH").id,
            SurveyChannel.kind == ChannelKind.KIOSK,
        )
    )
    officers = [survey.person("ST-LH", 0), survey.person("ST-AN", 0)]
    for i in range(60):
        day = date(2026, 3, 1) + timedelta(days=rng.randrange(92))
        kind = rng.choice(["qr", "kiosk", "dossier"])
        add(
            survey,
            rng.choice(["ST-LH", "ST-AN", "ST-TPST-P1"]),
            {
                "overall": rng.randint(1, 5),
                "officer_rating": rng.randint(1, 5),
                "attitude": rng.choice(["than_thien", "binh_thuong", "tho_o"]),
                "supplement_times": rng.randint(0, 3),
                "supplement_reason": rng.sample(["tu_chuan_bi", "huong_dan"], rng.randint(1, 2)),
            },
            day=day,
            officer=rng.choice([*officers, None]),
            kind=kind,
            verified=kind == "dossier",
            flagged=i % 9 == 0,
            procedure=rng.choice(["Khai sinh", "Kết hôn"]) if kind == "dossier" else None,
            channel_id=kiosk.id if kind == "kiosk" and i % 2 else None,
            commit=False,
        )
    add(survey, "ST-AN", {"overall": 3}, day=date(2026, 4, 11), commit=False)  # "one day"
    db.session.commit()
    return {
        "none": {},
        "kiosk": {"channel": ChannelKind.KIOSK},
        "verified": {"verified_only": True},
        "flagged too": {"include_flagged": True},
        "sub-tree": {"unit_path": survey.unit("ST-TPST").path},
        "officer": {"officer_id": officers[0].id},
        "counter": {"counter": kiosk.counter},
        "procedure": {"procedure": "Khai sinh"},
        "questionnaire": {"questionnaire_id": survey.questionnaire_id},
    }


def _all_counts(filters: dict) -> dict:
    return {
        (fname, rname, tuple(dims)): count_rows(
            ResponseFilter(**fv, **rv), dims, responses=dims == ["month"]
        )
        for (fname, fv), (rname, rv), dims in itertools.product(
            filters.items(), RANGES.items(), DIMS
        )
    }


def test_every_filter_grouping_and_range_counts_the_raw_rows(app, survey):  # noqa: F811
    filters = _spread(survey)
    with signed_in(app):
        raw = _all_counts(filters)  # nothing built yet: the raw tables
        assert refresh_rollups(force=True) == 3
        db.session.commit()
        assert plan(ResponseFilter(**RANGES["cut both ends"]))[2] == []  # all from rollups
        assert _all_counts(filters) == raw
    assert sum(raw[("none", "open", ("month",))].values()) == 61 - 7  # flagged left out
    assert raw[("none", "one day", ("month",))]  # the seeded data has that day


def test_running_totals_of_a_day_are_the_counts_since_the_first(app, survey):  # noqa: F811
    _spread(survey)
    with signed_in(app):
        refresh_rollups(force=True)
        db.session.commit()
        s = SurveyRollupSum
        for day in (date(2026, 4, 1), date(2026, 4, 17), date(2026, 4, 30)):
            stored = db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(s.n), 0)).where(
                    s.day == day, s.question_id.is_(None)
                )
            )
            f = ResponseFilter(start=date(2026, 4, 1), end=day, include_flagged=True)
            assert stored == sum(count_rows(f, ["month"], responses=True).values())
        for first, last in (
            (date(2026, 3, 1), date(2026, 3, 31)),
            (date(2026, 4, 1), date(2026, 4, 30)),
        ):
            days = set(db.session.scalars(sa.select(s.day).where(s.day.between(first, last))))
            # from its first response on, every calendar day has rows, none skipped
            assert len(days) == (last - min(days)).days + 1 and max(days) == last


def test_today_is_counted_raw_and_a_page_never_builds(app, survey):  # noqa: F811
    closed = closed_through()
    add(survey, "ST-LH", {"overall": 5}, day=closed)
    with signed_in(app):
        assert refresh_rollups(force=True) == 1
        db.session.commit()
        assert built_months()[month_start(closed)].through == closed
        add(survey, "ST-LH", {"overall": 2}, day=today())  # arrives after the build
        before = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRollupSum))
        assert refresh_rollups() == 0  # as a page calls it: no work
        f = ResponseFilter(questionnaire_id=survey.questionnaire_id)
        report = satisfaction_report(f)
        assert report.n == 2  # today's from the raw tables
        assert _question(report, "overall").counts == {5: 1, 2: 1}
        assert plan(f)[2][-1][1] == today()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRollupSum)) == before
        assert refresh_rollups(force=True) == 0  # today is never built
        add(survey, "ST-LH", {"overall": 4}, day=closed - timedelta(days=3))  # a changed past day
        assert refresh_rollups(force=True) == 1
        db.session.commit()
        assert satisfaction_report(f).n == 3


def test_the_page_counts_a_response_of_today_at_once(login_as, survey):  # noqa: F811
    add(survey, "ST-LH", {"overall": 5}, day=date(2026, 3, 10))
    client = login_as("hr")
    assert "Số phiếu: 1." in client.get("/analytics/satisfaction").get_data(as_text=True)
    add(survey, "ST-LH", {"overall": 1}, day=today())
    assert "Số phiếu: 2." in client.get("/analytics/satisfaction").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRollupSum)) == 0


def _question(report, key: str):
    return next(q for q in report.questions if q.question.key == key)


def test_the_rollups_command_builds_the_closed_days(app, survey):  # noqa: F811
    add(survey, "ST-LH", {"overall": 5}, day=date(2026, 3, 10))
    add(survey, "ST-LH", {"overall": 2}, day=today())
    result = app.test_cli_runner().invoke(args=["analytics", "rollups"])
    assert result.exit_code == 0, result.output
    assert "Đã cập nhật 1 tháng" in result.output
    db.session.remove()
    built = built_months()
    assert built[date(2026, 3, 1)].through == date(2026, 3, 31)
    assert all(b.through <= closed_through() for b in built.values())
    again = app.test_cli_runner().invoke(args=["analytics", "rollups"])
    assert "Đã cập nhật 0 tháng" in again.output


def test_a_paper_check_that_flags_a_past_form_counts_at_once(app, survey):  # noqa: F811
    from app.models import Account, SurveyResponse
    from app.surveys import paper

    channel = db.session.scalar(
        sa.select(SurveyChannel).where(SurveyChannel.kind == ChannelKind.PAPER)
    )
    admin, hr = (
        db.session.scalar(sa.select(Account).where(Account.username == name))
        for name in ("admin", "hr")
    )
    codes = {"officer_rating": "4", "overall": "5", "attitude": "1", "supplement_times": "0"}
    batch = paper.start_batch(channel, date(2026, 11, 20), admin)
    for number in range(1, 13):
        paper.enter_form(batch, number, codes)
    form = paper.close_batch(batch, random.Random(7))[0]
    past = closed_through() - timedelta(days=2)  # entered days ago, checked today
    db.session.execute(sa.update(SurveyResponse).values(day=past))
    db.session.commit()
    f = ResponseFilter(start=past, end=past)
    with signed_in(app):
        refresh_rollups(force=True)
        db.session.commit()
        assert sum(count_rows(f, ["month"], responses=True).values()) == 12
        check = paper.check_form(batch, form, {**codes, "attitude": "2"}, hr)
        db.session.commit()
        assert check.matched is False
        assert sum(count_rows(f, ["month"], responses=True).values()) == 11  # no build needed
        assert sum(count_rows(ResponseFilter(), ["month"], responses=True).values()) == 11
