"""``collect_report``: the figures agree with the rows they summarise, per unit sub-tree."""

from __future__ import annotations

import io

import sqlalchemy as sa
from docx import Document

from app.analytics.charts import ChartSpec
from app.analytics.intervals import wilson_interval
from app.cli.generate import generate_data
from app.extensions import db
from app.hr.lists import commendation_candidates, reassignment_reviews
from app.models import Attempt, Period, Person, Unit
from app.reports.collect import collect_report
from app.reports.docx import render_docx
from app.reports.fmt import percent
from app.reports.periods import report_period


def _last_half():
    """(year, number, period) of the later generated half-year (tests must not depend on
    today's date, which decides which half-years the generator fills)."""
    generated = db.session.scalars(sa.select(Period).order_by(Period.starts_on)).all()
    period = generated[-1]
    return period.starts_on.year, 1 if period.starts_on.month == 1 else 2, period


def _unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def _expected_knowledge(period: Period, unit: Unit) -> tuple[int, int]:
    passed: dict[int, bool] = {}
    for attempt in db.session.scalars(sa.select(Attempt).join(Person).join(Unit)):
        day = attempt.finished_at.date()
        if period.starts_on <= day <= period.ends_on and attempt.person.unit.is_within(unit):
            passed[attempt.person_id] = passed.get(attempt.person_id, False) or attempt.passed
    return len(passed), sum(passed.values())


def test_report_figures_match_the_rows(demo):
    generate_data(160, 800, periods=2)
    year, number, period = _last_half()
    province = _unit("ST")
    data = collect_report("half", year, number, province, issuing_body="Sở Nội vụ")
    knowledge, communication, satisfaction, hr, closing = data.sections
    assert data.subject.endswith(report_period("half", year, number).label)
    n, ok = _expected_knowledge(period, province)
    assert n == 80  # 160 attempts over two half-years, one per person per exam
    table = knowledge.tables[0]
    total = table.rows[-1]
    ci = wilson_interval(ok, n)
    assert total[:3] == ["Tổng cộng", n, ok]
    assert total[3:] == [percent(ci.estimate), f"{percent(ci.lower)} – {percent(ci.upper)}"]
    assert sum(row[1] for row in table.rows[:-1]) == n  # the unit lines add up
    chart = knowledge.charts[0]
    assert isinstance(chart, ChartSpec) and chart.reference == 0.58
    assert "chưa có kết quả" in communication.paragraphs[0]
    ratings = db.session.execute(
        sa.text(
            "SELECT count(*), sum(CASE WHEN a.number >= 4 THEN 1 ELSE 0 END) FROM survey_answers a"
            " JOIN survey_questions q ON q.id = a.question_id JOIN survey_responses r"
            " ON r.id = a.response_id WHERE q.key = 'officer_rating'"
            " AND r.day >= :s AND r.day <= :e"
        ),
        {"s": period.starts_on, "e": period.ends_on},
    ).one()
    assert satisfaction.tables[0].rows[-1][1:3] == [ratings[0], ratings[1]]
    assert [t.title for t in satisfaction.tables][1] == "Một số chỉ số so với khảo sát năm 2015"
    people = list(db.session.scalars(sa.select(Person)))
    counts = [row[1] for row in hr.tables[0].rows]
    reviews = reassignment_reviews(period, people)
    assert counts == [
        len(commendation_candidates(period, people)),
        len(reviews.entries),
        len(reviews.insufficient),
    ]
    assert counts[0] > 0  # the same people sat both periods: some passed twice
    assert closing.paragraphs and render_docx(data)[:2] == b"PK"


def test_report_is_scoped_to_the_unit_sub_tree(demo):
    generate_data(160, 300, periods=2)
    year, number, period = _last_half()
    commune = _unit("ST-LH")
    data = collect_report("half", year, number, commune, issuing_body="UBND xã Long Hưng")
    n, ok = _expected_knowledge(period, commune)
    assert 0 < n < 80
    rows = data.sections[0].tables[0].rows  # a commune has no sub-units: its line, the total
    assert [row[:3] for row in rows] == [[commune.name, n, ok], ["Tổng cộng", n, ok]]


def test_a_period_without_data_still_renders(demo):
    data = collect_report("quarter", 2011, 3, _unit("ST"), issuing_body="Sở Nội vụ")
    assert data.subject.endswith("quý III năm 2011")
    assert all(not s.tables for s in data.sections[:3])
    doc = Document(io.BytesIO(render_docx(data)))
    assert "Trong quý III năm 2011 không có bài kiểm tra nào hoàn thành." in [
        p.text for p in doc.paragraphs
    ]
