"""The periodic report's knowledge and satisfaction figures equal the dashboards', on data
where the report's former definitions (everyone who finished in the date range; late
results minus apologies) would have given other numbers."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.analytics import rates_cache
from app.analytics.rates import RateFilter
from app.analytics.rates_report import PassRates
from app.analytics.satisfaction import satisfaction_report
from app.analytics.satisfaction_filters import make_selection
from app.extensions import db
from app.models import Attempt, AttemptState, CandidateStatus, ExamState, Unit
from app.reports.collect import collect_report
from app.reports.fmt import decimal, percent
from tests.analytics import rates_data as data
from tests.analytics.satisfaction_data import add, ratings, signed_in, survey  # noqa: F401

IN_RANGE, OUTSIDE = date(2027, 3, 10), date(2027, 7, 5)  # the first half of 2027, and after


def _province() -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == "ST"))


def _knowledge_data():
    """A period (first half of 2027) where required, exempt, retested and cancelled-exam
    people make "everyone who finished" differ from the dashboard's count."""
    p = data.period()  # 2027-01-01 .. 2027-06-30
    first = data.exam(p)
    data.cohort(first, "ST-LH", passed=3, failed=2, absent=1)
    data.cohort(first, "ST-AN", passed=1, failed=1)
    rescued = data.person("ST-AN")
    data.sit(first, rescued, False)
    data.sit(data.exam(p, "Thi lại", retest_of=first), rescued, True)
    data.sit(first, data.person("ST-LH"), True, status=CandidateStatus.EXEMPT)  # not required
    data.sit(data.exam(p, "Bài đã hủy", state=ExamState.CANCELLED), data.person("ST-LH"), True)
    db.session.commit()
    return p


def _former_knowledge_count(p) -> tuple[int, int]:
    """(finished, passed) per person as the report used to count: every finished attempt of
    a live exam in the date range, whoever sat it."""
    best: dict[int, bool] = {}
    for a in db.session.scalars(sa.select(Attempt).where(Attempt.state == AttemptState.FINISHED)):
        if a.exam.state is not ExamState.CANCELLED and p.starts_on <= a.finished_at.date():
            best[a.person_id] = best.get(a.person_id, False) or bool(a.passed)
    return len(best), sum(best.values())


def _satisfaction_data(survey):  # noqa: F811 - the fixture
    ratings(survey, "ST-LH", "officer_rating", [5, 4, 4, 2, 1], day=IN_RANGE)
    ratings(survey, "ST-AN", "officer_rating", [5, 3], day=IN_RANGE)
    ratings(survey, "ST-AN", "officer_rating", [1, 1, 1], day=OUTSIDE)  # not in the range
    add(survey, "ST-LH", {"officer_rating": 1}, day=IN_RANGE, flagged=True)  # a burst: left out
    for answers in ({"late": "co"}, {"late": "co"}, {"late": "co", "late_apology": 0},
                    {"late": "co", "late_apology": 1}, {"attitude": "tho_o"}):  # fmt: skip
        add(survey, "ST-LH", answers, day=IN_RANGE)


def test_report_knowledge_and_satisfaction_equal_the_dashboards(app, survey):  # noqa: F811
    p = _knowledge_data()
    _satisfaction_data(survey)
    province = _province()
    report = collect_report("half", 2027, 1, province)
    knowledge, _comm, satisfaction, _hr, _closing = report.sections
    db.session.commit()
    rates_cache.clear()
    with signed_in(app):  # the pages, as the province's admin sees them
        page = PassRates(RateFilter(period_id=p.id, unit_path=province.path), province)
        total = page.total
        assert [r[:3] for r in knowledge.tables[0].rows] == [
            *([r.label, r.counts.sat, r.counts.passed] for r in page.group_rows),
            ["Tổng cộng", total.sat, total.passed],
        ]
        sel = make_selection(start=date(2027, 1, 1), end=date(2027, 6, 30), unit_id=province.id)
        dashboard = satisfaction_report(sel.filter, parent=province)
    # required 6 + 2 + 1 (the rescued); sat 5 + 2 + 1; passed 3 + 1 + 1 (the retest, once)
    assert (total.required, total.sat, total.passed) == (9, 8, 5)
    assert _former_knowledge_count(p) == (9, 6)  # the exempt sitter made the difference
    assert f"{total.required}" in knowledge.paragraphs[0]

    officer = next(q for q in dashboard.questions if q.question.key == "officer_rating")
    levels = officer.scale.counts
    rows = satisfaction.tables[0].rows
    assert rows[-1][:3] == ["Tổng cộng", officer.n, levels[3] + levels[4]] == ["Tổng cộng", 7, 4]
    assert rows[-1][3].startswith(percent(officer.scale.satisfied.estimate))
    assert rows[-1][5] == decimal(officer.scale.average)
    lines = {row[0]: row[1:3] for row in rows[:-1]}
    assert lines == {"Xã Long Hưng": [5, 3], "Xã An Ninh": [2, 1]}
    indicators = {row[0]: row[1:3] for row in satisfaction.tables[1].rows}
    for seed in dashboard.seeds:  # the page's definitions, e.g. late without apology: 1 of 2
        shown = percent(seed.share.estimate) if seed.share.n else "—"
        assert indicators[seed.definition.label][0] == seed.share.n
        assert indicators[seed.definition.label][1].startswith(shown)
    late = next(s for s in dashboard.seeds if s.definition.key == "late_no_apology")
    assert (late.share.n, late.share.estimate) == (2, 0.5)  # formerly 4 late, 3 unapologised
