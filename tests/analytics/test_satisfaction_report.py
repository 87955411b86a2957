"""The satisfaction report over the survey tables: exact counts, the rollups, filters."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.analytics.satisfaction import satisfaction_report
from app.analytics.satisfaction_counts import count_rows
from app.analytics.satisfaction_output import table_for
from app.analytics.satisfaction_rollup import refresh_rollups
from app.extensions import db
from app.models import ChannelKind, SurveyChannel, SurveyResponse
from app.models.surveys import SurveyRollup, SurveyRollupMonth
from app.surveys.queries import ResponseFilter
from tests.analytics.satisfaction_data import add, ratings, signed_in, survey  # noqa: F401


def _report(app, survey, username="admin", **filters):  # noqa: F811
    with signed_in(app, username):
        f = ResponseFilter(questionnaire_id=survey.questionnaire_id, **filters)
        return satisfaction_report(f)


def _both_ways(app, survey, **filters):  # noqa: F811
    """The report from the raw tables, then again from freshly built rollups."""
    raw = _report(app, survey, **filters)
    with signed_in(app):
        refresh_rollups(force=True)
        db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRollupMonth)) > 0
    return raw, _report(app, survey, **filters)


def _question(report, key):
    return next(q for q in report.questions if q.question.key == key)


def test_counts_are_exact_from_raw_days_and_from_rollups(app, survey):  # noqa: F811
    for overall, attitude in ((5, "than_thien"), (5, "binh_thuong"), (4, "tho_o"), (3, "tho_o")):
        add(survey, "ST-LH", {"overall": overall, "attitude": attitude}, commit=False)
    add(survey, "ST-AN", {"overall": 1, "supplement_times": 2, "extra_papers": True})
    add(survey, "ST-AN", {"overall": 2}, day=date(2026, 4, 2))
    for report in _both_ways(app, survey):
        assert report.n == 6
        overall = _question(report, "overall")
        assert overall.counts == {5: 2, 4: 1, 3: 1, 1: 1, 2: 1}
        assert overall.scale.satisfied.estimate == pytest.approx(3 / 6)
        assert overall.scale.mean.estimate == pytest.approx(20 / 6)
        attitude = _question(report, "attitude")
        assert [(label, n) for label, n, _ci in attitude.shares] == [
            ("Thân thiện, nhiệt tình", 1),
            ("Bình thường", 1),
            ("Thờ ơ, không quan tâm", 2),
        ]
        assert _question(report, "extra_papers").counts == {1: 1}
        seeds = {s.definition.key: s.share for s in report.seeds}
        assert (seeds["indifferent"].estimate, seeds["supplement_2plus"].n) == (0.5, 1)
        assert [(p.label, p.n) for p in report.trend] == [("03/2026", 5), ("04/2026", 1)]


def test_a_date_range_mixes_whole_months_from_rollups_with_raw_edge_days(app, survey):  # noqa: F811
    ratings(survey, "ST-LH", "overall", [5, 4], day=date(2026, 2, 27))
    ratings(survey, "ST-LH", "overall", [1, 2, 3], day=date(2026, 3, 15))
    ratings(survey, "ST-LH", "overall", [5], day=date(2026, 4, 20))
    with signed_in(app):
        refresh_rollups(force=True)
        db.session.commit()
        f = ResponseFilter(start=date(2026, 2, 28), end=date(2026, 4, 20))
        # February is cut (the 27th is outside), March is whole, April up to the 20th
        assert count_rows(f, ["number"], {survey.questions["overall"].id}) == {
            (1,): 1,
            (2,): 1,
            (3,): 1,
            (5,): 1,
        }


def test_index_and_alpha_by_hand(app, survey):  # noqa: F811
    # Factor A items (signage, seating, equipment) for five respondents:
    #   3 4 3 / 2 3 4 / 4 4 5 / 3 2 3 / 4 4 4
    # item variances 0.7, 0.8, 0.7 (sum 2.2); totals 10 9 13 8 12, variance 4.3;
    # alpha = 3/2 * (1 - 2.2/4.3) = 0.73256. A sixth respondent answers one item only
    # (5): dropped from alpha, counted in the index.
    # Satisfied (4-5): signage 3/6 (with the sixth), seating 3/5, equipment 3/5
    # -> index A = (50 + 60 + 60) / 3 = 56.667; only factor -> overall 56.667.
    matrix = [(3, 4, 3), (2, 3, 4), (4, 4, 5), (3, 2, 3), (4, 4, 4)]
    for a, b, c in matrix:
        add(survey, "ST-LH", {"a_signage": a, "a_seating": b, "a_equipment": c}, commit=False)
    add(survey, "ST-LH", {"a_signage": 5})
    for report in _both_ways(app, survey):
        factor = report.factors[0]
        assert factor.factor == "A"
        assert [f.index for f in report.factors[1:]] == [None] * 4  # B-E: no answers
        assert factor.index == pytest.approx(170 / 3)
        assert report.index == pytest.approx(170 / 3)
        assert factor.alpha.alpha == pytest.approx(0.7325581, abs=1e-6)
        assert (factor.alpha.n, factor.alpha.n_dropped) == (5, 1)


def test_units_compared_with_kruskal_wallis_as_published(app, survey):  # noqa: F811
    # scipy.stats.kruskal docs: [1, 1, 1], [2, 2, 2], [2, 2] -> H = 7.0, p = 0.0301973834223185
    ratings(survey, "ST-LH", "overall", [1, 1, 1])
    ratings(survey, "ST-AN", "overall", [2, 2, 2])
    ratings(survey, "ST-VC", "overall", [2, 2])
    report = _report(app, survey)
    assert report.compare_question.key == "overall"
    answered = {u.label: u.summary.n for u in report.units if u.summary.n}
    assert answered == {"Xã Long Hưng": 3, "Xã An Ninh": 3, "Phường Vĩnh Châu": 2}
    assert report.comparison.statistic == pytest.approx(7.0)
    assert report.comparison.p_value == pytest.approx(0.0301973834223185)
    assert len(report.comparison.pairwise) == 3


def test_fewer_than_30_answers_are_marked_unreliable(app, survey):  # noqa: F811
    ratings(survey, "ST-LH", "overall", [5] * 29)
    ratings(survey, "ST-AN", "overall", [4] * 30)
    report = _report(app, survey)
    overall = next(r for r in table_for(report, "items").rows if r[0].startswith("Nhìn chung"))
    assert overall[2] == 59 and overall[-1] == ""
    units = {row[0]: row for row in table_for(report, "units").rows}
    assert units["Xã Long Hưng"][-1] == "chưa đủ tin cậy (n < 30)"
    assert units["Xã An Ninh"][-1] == ""
    assert units["Xã Long Hưng"][2] == 100.0  # a unit's share is shown, only marked


def test_officer_percentages_are_hidden_below_30_ratings(app, survey):  # noqa: F811
    few, many = survey.person("ST-LH", 0), survey.person("ST-LH", 1)
    ratings(survey, "ST-LH", "officer_rating", [1, 2, 5], officer=few)
    ratings(survey, "ST-LH", "officer_rating", [5] * 20 + [4] * 10, officer=many)
    report = _report(app, survey)
    rows = {row[0]: row for row in table_for(report, "officers").rows}
    _label, n, share, low, high, mean, note = rows[few.full_name]
    assert (n, share, mean) == (3, None, None)  # n and the interval, no bare percentage
    assert low is not None and high is not None and "ẩn" in note
    assert rows[many.full_name][1:3] == [30, 100.0]
    # a report about one officer hides every percentage below 30 answers
    own = _report(app, survey, officer_id=few.id)
    assert own.officers == []
    item = next(r for r in table_for(own, "items").rows if r[0].startswith("Ông/Bà hài lòng"))
    assert item[2:4] == [3, None] and item[4] is not None
    assert table_for(own, "factors").rows[-1][3] is None  # the overall index too


def test_filters_channel_verified_counter_procedure_flagged(app, survey):  # noqa: F811
    kiosk = db.session.scalar(
        sa.select(SurveyChannel).where(
            SurveyChannel.unit_id == survey.unit("ST-LH").id,
            SurveyChannel.kind == ChannelKind.KIOSK,
        )
    )
    add(survey, "ST-LH", {"overall": 5}, kind="kiosk", channel_id=kiosk.id)
    add(survey, "ST-LH", {"overall": 4}, kind="dossier", verified=True, procedure="Khai sinh")
    add(survey, "ST-LH", {"overall": 3}, kind="dossier", verified=True, procedure="Kết hôn")
    add(survey, "ST-LH", {"overall": 1}, flagged=True)
    add(survey, "ST-TPST-P1", {"overall": 2})
    cases = {
        "all": ({}, 4),
        "kiosk": ({"channel": ChannelKind.KIOSK}, 1),
        "counter": ({"counter": kiosk.counter}, 1),
        "verified": ({"verified_only": True}, 2),
        "procedure": ({"procedure": "Khai sinh"}, 1),
        "sub-tree": ({"unit_path": survey.unit("ST-TPST").path}, 1),
        "flagged too": ({"include_flagged": True}, 5),
        "dates": ({"start": date(2026, 3, 11)}, 0),
    }
    for raw_first in (True, False):
        if not raw_first:
            with signed_in(app):
                refresh_rollups(force=True)
                db.session.commit()
        got = {name: _report(app, survey, **f).n for name, (f, _n) in cases.items()}
        assert got == {name: n for name, (_f, n) in cases.items()}


def test_scope_keeps_a_commune_user_to_its_commune(app, survey):  # noqa: F811
    ratings(survey, "ST-LH", "overall", [5, 5])
    ratings(survey, "ST-AN", "overall", [1, 1, 1])
    report = _report(app, survey, "hr.xa")
    assert report.n == 2
    assert _question(report, "overall").counts == {5: 2}
    assert [u.label for u in report.units] == []  # a commune has no sub-units to compare


def test_rollups_follow_changed_months(app, survey):  # noqa: F811
    ratings(survey, "ST-LH", "overall", [5, 4])
    with signed_in(app):
        assert refresh_rollups(force=True) == 1
        db.session.commit()
        assert refresh_rollups(force=True) == 0  # nothing changed
        add(survey, "ST-LH", {"overall": 1})  # a late paper form for March
        db.session.execute(sa.update(SurveyResponse).values(flagged=True).where(
            SurveyResponse.id == db.session.scalar(sa.select(SurveyResponse.id).limit(1))
        ))  # fmt: skip
        db.session.commit()
        assert refresh_rollups(force=True) == 1
        db.session.commit()
        total = db.session.scalar(
            sa.select(sa.func.sum(SurveyRollup.n)).where(SurveyRollup.question_id.is_(None))
        )
    assert total == 3
    assert _report(app, survey).n == 2  # one of the three is flagged now
