"""Pass rates counted in SQL: denominators, retests, sub-trees, topics, unit comparison."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import g

from app.analytics import rates_cache
from app.analytics.rates import RateFilter, total
from app.analytics.rates_report import PassRates
from app.extensions import db
from app.hr.verdicts import Outcome, knowledge_outcomes
from app.models import Attempt, AttemptState, CandidateStatus, ExamCandidate, ExamState
from tests.analytics import rates_data as data

ALL = None  # RateFilter.perm=None: unscoped, as the command line counts


@pytest.fixture(autouse=True)
def _request(app):
    """Labels are translated strings: build reports inside a request, as the pages do. Each
    report starts from an empty memo (and its own request: a fresh data stamp)."""
    rates_cache.clear()
    with app.test_request_context("/"):
        yield


def _report(f: RateFilter, anchor=None) -> PassRates:
    g.pop("rates_stamp", None)  # data changed since the last report in this test
    return PassRates(f, anchor)


def _f(period, **kw) -> RateFilter:
    return RateFilter(period_id=period.id, perm=ALL, **kw)


def test_denominator_is_who_sat_and_absent_people_are_counted_apart(demo):
    p = data.period()
    e = data.exam(p)
    data.cohort(e, "ST-LH", passed=3, failed=1, absent=1)
    data.cohort(e, "ST-AN", passed=0, failed=2)
    started = data.person("ST-LH")
    data.sit(e, started, True, state=AttemptState.IN_PROGRESS)  # not finished: did not sit
    data.sit(e, data.person("ST-LH"), True, status=CandidateStatus.EXEMPT)  # not required
    cancelled = data.exam(p, "Bài đã hủy", state=ExamState.CANCELLED)
    data.cohort(cancelled, "ST-AN", passed=0, failed=0, absent=4)  # never required
    db.session.commit()
    counts = total(_f(p))
    # required: 5 (LH) + 2 (AN) + 1 in progress = 8; sat 6; passed 3
    assert (counts.required, counts.sat, counts.passed, counts.not_sat) == (8, 6, 3, 2)
    assert counts.rate == pytest.approx(0.5)
    units = {r.label: r.counts for r in _report(_f(p)).unit_rows}
    assert (units["Xã Long Hưng"].sat, units["Xã Long Hưng"].not_sat) == (4, 2)
    assert (units["Xã An Ninh"].passed, units["Xã An Ninh"].sat) == (0, 2)


def test_a_passed_retest_counts_once_as_a_pass_and_agrees_with_the_verdict(demo):
    p = data.period()
    first = data.exam(p)
    retest = data.exam(p, "Thi lại", retest_of=first)
    rescued, twice_failed, fine = (data.person("ST-LH") for _ in range(3))
    data.sit(first, rescued, False)
    data.sit(retest, rescued, True)
    data.sit(first, twice_failed, False)
    data.sit(retest, twice_failed, False)
    data.sit(first, fine, True)
    db.session.commit()
    counts = total(_f(p))
    assert (counts.required, counts.sat, counts.passed) == (3, 3, 2)  # nobody twice
    outcomes = knowledge_outcomes(p, [rescued.id, twice_failed.id, fine.id])
    assert sum(o is Outcome.PASSED for o in outcomes.values()) == counts.passed
    per_exam = {r.key: r.counts for r in _report(_f(p)).exam_rows}  # each exam alone:
    assert (per_exam[first.id].sat, per_exam[first.id].passed) == (3, 1)  # first sitting 1/3
    assert (per_exam[retest.id].sat, per_exam[retest.id].passed) == (2, 1)  # the retest 1/2
    only_first = total(RateFilter(exam_id=first.id, perm=ALL))
    assert (only_first.sat, only_first.passed) == (3, 1)


def test_wilson_interval_matches_newcombe_1998(demo):
    # Newcombe RG (1998), Statistics in Medicine 17:857-872, Table I, example (c):
    # 81/263, Wilson score interval without continuity correction 0.2553 to 0.3662.
    p = data.period()
    data.cohort(data.exam(p), "ST-VC", passed=81, failed=182)
    db.session.commit()
    row = next(r for r in _report(_f(p)).unit_rows if r.label == "Phường Vĩnh Châu")
    interval = row.counts.interval()
    assert (row.counts.sat, row.counts.passed) == (263, 81)
    assert interval.lower == pytest.approx(0.2553, abs=5e-5)
    assert interval.upper == pytest.approx(0.3662, abs=5e-5)


def test_units_sum_their_sub_trees_and_groups_are_disjoint(demo):
    p = data.period()
    e = data.exam(p)
    data.cohort(e, "ST-TPST-P1", passed=2, failed=1)
    data.cohort(e, "ST-TPST-P2", passed=1, failed=1)
    data.cohort(e, "ST-TPST", passed=1, failed=0)  # the district's own staff
    data.cohort(e, "ST-LH", passed=0, failed=1)
    db.session.commit()
    report = _report(_f(p))
    rows = {r.label: r for r in report.unit_rows}
    district = rows["Thành phố Sóc Trăng"]
    assert (district.counts.sat, district.counts.passed) == (6, 4)
    assert rows["Phường 1"].depth == district.depth + 1
    assert rows["Tỉnh Sóc Trăng (dữ liệu mẫu)"].counts.sat == 7
    groups = {r.label: r.counts.sat for r in report.group_rows}  # children of the province
    assert groups == {"Thành phố Sóc Trăng": 6, "Xã Long Hưng": 1}
    tp = data.unit("ST-TPST")
    inside = _report(RateFilter(p.id, unit_path=tp.path, perm=ALL), tp)
    assert {r.label: r.counts.sat for r in inside.group_rows} == {
        "Phường 1": 3,
        "Phường 2": 2,
        "Thành phố Sóc Trăng (cán bộ trực tiếp)": 1,
    }
    assert inside.total.sat == 6


def test_positions_and_trend_over_periods(demo):
    older, newer = data.period("6 tháng cuối năm 2026", date(2026, 7, 1)), data.period()
    data.cohort(data.exam(older), "ST-LH", passed=1, failed=3)
    e = data.exam(newer)
    data.cohort(e, "ST-LH", passed=2, failed=0, position="Công chức địa chính")
    data.cohort(e, "ST-LH", passed=1, failed=1)
    db.session.commit()
    positions = {r.label: (r.counts.sat, r.counts.passed) for r in _report(_f(newer)).position_rows}
    assert positions == {"Công chức tiếp nhận": (2, 1), "Công chức địa chính": (2, 2)}
    trend = _report(_f(newer)).trend_rows
    assert [(r.label, r.counts.rate) for r in trend] == [
        ("6 tháng cuối năm 2026", 0.25),
        ("6 tháng đầu năm 2027", 0.75),
    ]


def test_unit_comparison_reproduces_fishers_tea_tasting_table(demo):
    # Fisher's tea-tasting table [[3, 1], [1, 3]] (Agresti 2002, Categorical Data Analysis,
    # 2nd ed., §3.5.2 and Table 3.8): two-sided exact P = 0.486. Pearson by hand: every
    # expected count is 2, so X² = 4 × (3 − 2)² / 2 = 2.0 on 1 df, P(χ²₁ > 2) = 0.1573.
    p = data.period()
    e = data.exam(p)
    data.cohort(e, "ST-LH", passed=3, failed=1)
    data.cohort(e, "ST-AN", passed=1, failed=3)
    db.session.commit()
    result = _report(_f(p)).comparison
    assert result.statistic == pytest.approx(2.0)
    assert result.df == 1
    assert result.p_value == pytest.approx(0.1573, abs=1e-4)
    assert result.fisher_p_value == pytest.approx(0.486, abs=1e-3)
    assert "5" in result.caveat  # every expected count is 2 < 5: the caveat is raised


def test_comparison_with_one_group_is_not_computable(demo):
    p = data.period()
    data.cohort(data.exam(p), "ST-LH", passed=3, failed=1)
    db.session.commit()
    lh = data.unit("ST-LH")
    result = _report(RateFilter(p.id, unit_path=lh.path, perm=ALL), lh).comparison
    assert result.statistic is None and result.reason


def test_topic_means_share_at_half_and_weakness_order(demo):
    p = data.period()
    e = data.exam(p)
    law, it = data.topic("Pháp luật"), data.topic("Kỹ năng công nghệ thông tin")
    for unit_code, law_pct, it_pct in [("ST-LH", 0.9, 0.4), ("ST-LH", 0.7, 0.5),
                                       ("ST-AN", 0.5, 0.2), ("ST-AN", 0.3, 0.3)]:  # fmt: skip
        data.sit(e, data.person(unit_code), True, topics={law.id: law_pct, it.id: it_pct})
    data.sit(e, data.person("ST-AN"), True)  # paper totals: no topic scores, not counted
    retaker = data.person("ST-AN")
    data.sit(e, retaker, False, topics={law.id: 0.0, it.id: 0.0})
    retest = data.exam(p, "Thi lại", retest_of=e)
    data.sit(retest, retaker, True, topics={law.id: 1.0, it.id: 1.0})
    db.session.commit()
    report = _report(_f(p))
    topics = {r.label: r.cell for r in report.topic_rows}
    # IT over first sittings: (0.4 + 0.5 + 0.2 + 0.3 + 0.0) / 5 = 0.28; at ≥ 50 %: 1 of 5
    assert topics["Kỹ năng công nghệ thông tin"].mean == pytest.approx(0.28)
    assert (topics["Kỹ năng công nghệ thông tin"].reached, topics["Pháp luật"].reached) == (1, 3)
    assert topics["Pháp luật"].mean == pytest.approx((0.9 + 0.7 + 0.5 + 0.3 + 0.0) / 5)
    assert report.topic_rows[0].label == "Kỹ năng công nghệ thông tin"  # weakest first
    weakest = report.weakness_rows[0]
    assert weakest.group.label == "Xã An Ninh"  # (0.5+0.2+0.3+0.3+0+0) / 6 = 0.2167
    assert weakest.overall.mean == pytest.approx(1.3 / 6)
    assert weakest.cells[it.id].mean == pytest.approx(0.5 / 3)
    assert (weakest.attempts, report.topic_attempts) == (3, 5)  # people, not people × topics
    only_retest = _report(RateFilter(exam_id=retest.id, perm=ALL)).topic_rows
    assert [r.cell.mean for r in only_retest] == [1.0, 1.0]


def test_the_report_runs_a_fixed_number_of_queries_whatever_the_data_size(demo):
    """SQL aggregation, not ORM loops: ten times the attempts, the same statements."""

    def queries_for(people: int) -> int:
        p = data.period(f"Kỳ {people}", date(2030 + people, 1, 1))
        e, t = data.exam(p), data.topic(f"Chủ đề {people}")
        for i in range(people):
            data.sit(e, data.person("ST-LH" if i % 2 else "ST-TPST-P1"), i % 3 == 0,
                     topics={t.id: (i % 10) / 10})  # fmt: skip
        db.session.commit()
        statements: list[str] = []

        def listener(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            report = _report(_f(p))
            for name in ("unit_rows", "group_rows", "position_rows", "exam_rows", "trend_rows",
                         "topic_rows", "weakness_rows", "comparison", "total"):  # fmt: skip
                getattr(report, name)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert queries_for(5) == queries_for(50)


def _statements(run) -> list[str]:
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return statements


def _everything(report: PassRates) -> tuple:
    return (report.total.sat, report.total.passed, report.total.required,
            [(r.label, r.counts.sat) for r in report.unit_rows],
            [(r.label, r.cell.n) for r in report.topic_rows],
            [(r.label, r.counts.sat) for r in report.trend_rows])  # fmt: skip


def test_memoised_aggregates_are_reused_until_the_data_changes(demo):
    p = data.period()
    e = data.exam(p)
    law = data.topic("Pháp luật")
    people = [data.person("ST-LH") for _ in range(3)]
    for who in people[:2]:
        data.sit(e, who, True, topics={law.id: 0.9})
    data.sit(e, people[2], None)
    db.session.commit()
    first = _everything(_report(_f(p)))
    again = _statements(lambda: _everything(_report(_f(p))))
    assert not [s for s in again if "json_" in s or "GROUP BY" in s.upper()]  # served warm
    assert (first[0], first[1], first[2]) == (2, 2, 3)

    data.sit(data.exam(p, "Bài thứ hai"), people[2], False, topics={law.id: 0.1})
    db.session.commit()  # a new finished attempt
    assert _everything(_report(_f(p)))[:3] == (3, 2, 3)

    db.session.execute(
        sa.update(Attempt).where(Attempt.person_id == people[0].id).values(passed=False)
    )  # fmt: skip  (a re-score)
    db.session.execute(
        sa.update(ExamCandidate)
        .where(ExamCandidate.person_id == people[1].id)
        .values(status=CandidateStatus.EXEMPT)
    )
    db.session.commit()
    assert _everything(_report(_f(p)))[:3] == (2, 0, 2)

    people[2].unit_id = data.unit("ST-AN").id  # moved to another commune
    db.session.commit()
    units = dict(_everything(_report(_f(p)))[3])
    assert units["Xã An Ninh"] == 1 and units["Xã Long Hưng"] == 1


def test_a_period_counts_people_where_they_worked_then(demo):
    """Figures follow the assignment held on the period's last day: a person moved from
    Phường 1 to Long Hưng after the first half-year stays a failure of Phường 1 in that
    half-year (and its trend); a first assignment recorded later covers earlier dates."""
    from app.models import Assignment
    from app.org.services import reassign_person

    older, newer = data.period("6 tháng cuối năm 2026", date(2026, 7, 1)), data.period()
    moved = data.person("ST-TPST-P1", position="Công chức tư pháp")
    db.session.add(Assignment(person_id=moved.id, unit_id=moved.unit_id, position=moved.position,
                              start_date=date(2026, 7, 1)))  # fmt: skip
    late_record = data.person("ST-AN")  # recorded after the older period ended
    db.session.add(Assignment(person_id=late_record.id, unit_id=late_record.unit_id,
                              position=late_record.position,
                              start_date=date(2027, 2, 1)))  # fmt: skip
    law = data.topic("Pháp luật")
    first, second = data.exam(older), data.exam(newer)
    data.sit(first, moved, False, topics={law.id: 0.2})
    data.sit(first, late_record, True)
    db.session.flush()
    reassign_person(moved, data.unit("ST-LH"), "Công chức tiếp nhận", on=date(2027, 1, 1),
                    reason="Điều động")  # fmt: skip
    data.sit(second, moved, True, topics={law.id: 0.9})
    db.session.commit()

    def units(report):
        return {r.label: (r.counts.sat, r.counts.passed) for r in report.unit_rows if r.counts.sat}

    then = _report(_f(older))
    assert units(then)["Phường 1"] == (1, 0)
    assert units(then)["Xã An Ninh"] == (1, 1)
    assert "Xã Long Hưng" not in units(then)
    assert {r.label for r in then.position_rows} == {"Công chức tư pháp", "Công chức tiếp nhận"}
    assert [r.group.label for r in then.weakness_rows] == ["Thành phố Sóc Trăng"]  # Phường 1
    now = _report(_f(newer))
    assert units(now)["Xã Long Hưng"] == (1, 1) and "Phường 1" not in units(now)
    assert {r.label: r.counts.sat for r in now.position_rows} == {"Công chức tiếp nhận": 1}
    lh = data.unit("ST-LH")
    trend = _report(RateFilter(newer.id, unit_path=lh.path, perm=ALL), lh).trend_rows
    assert [(r.label, r.counts.sat) for r in trend if r.counts.sat] == [("6 tháng đầu năm 2027", 1)]
