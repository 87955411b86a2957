"""The calibration screen: reliability figures from real sheets equal the pure functions of
app.analytics.reliability on the same matrix, and reproduce Shrout & Fleiss (1979)
through the page and the API; "not computable" comes with its reason."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sqlalchemy as sa

from app.analytics.reliability import ICC_FORMS, icc, krippendorff_alpha
from app.assessments import services
from app.assessments.reliability import LEVELS, round_reliability
from app.extensions import db
from app.hr.verdicts import period_verdicts
from tests.analytics.analytics_reference_data import SHROUT_FLEISS
from tests.assessments.conftest import (
    approved_rubric,
    full_scores,
    new_assessor,
    rubric_data,
    unit,
)
from tests.helpers import api_token, login, post_form

API = "/api/v1/assessments"
# Shrout & Fleiss (1979), Table 2 data; their Table 4 prints ICC(1,1) .17, ICC(2,1) .29,
# ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91; to three decimals (DescTools,
# as cited in tests/analytics/test_analytics_reliability.py): .166 .290 .715 .443 .620 .909.
PUBLISHED = {"icc1_1": 0.166, "icc2_1": 0.290, "icc3_1": 0.715,
             "icc1_k": 0.443, "icc2_k": 0.620, "icc3_k": 0.909}  # fmt: skip


@pytest.fixture
def sf_round(round_data):
    """A calibration round on a one-criterion rubric with levels 0..10: four assessors
    score one staged officer in six recorded scenarios with Shrout & Fleiss's Table 2."""
    version = approved_rubric(rubric_data("hieu-chuan", levels=11, n_criteria=1))
    rnd = services.open_round(
        round_data.rnd.period, version, unit("ST"), "Hiệu chuẩn", [unit("ST-LH")],
        ["camera"], calibration=True,
    )  # fmt: skip
    judges = [new_assessor(f"judge{j}", rnd) for j in range(4)]
    officer = round_data.lh[1]
    for i, row in enumerate(SHROUT_FLEISS):
        for judge, score in zip(judges, row, strict=True):
            sheet = services.save_draft(
                rnd, judge, officer, "camera", f"Tình huống {i + 1}", client_key=None,
                scores={"tc-1": int(score)},
            )  # fmt: skip
            services.submit_sheet(sheet)
    db.session.commit()
    return rnd


def test_calibration_round_reproduces_shrout_fleiss(sf_round):
    rel = round_reliability(sf_round)
    assert rel.n_targets == 6 and rel.n_assessors == 4  # six scenarios, one officer
    crit = rel.criteria[0]
    expected = icc(SHROUT_FLEISS)
    for form in ICC_FORMS:
        assert crit.icc.value(form) == pytest.approx(PUBLISHED[form], abs=0.0005)
        assert crit.icc.value(form) == pytest.approx(expected.value(form), abs=1e-12)
        assert crit.icc.estimates[form].ci == pytest.approx(expected.estimates[form].ci)
    for level in LEVELS:
        assert crit.alphas[level].alpha == pytest.approx(
            krippendorff_alpha(SHROUT_FLEISS, level).alpha, abs=1e-12
        )
    # percent = score / 10: a linear rescaling leaves every ICC unchanged
    assert rel.overall.value("icc2_1") == pytest.approx(PUBLISHED["icc2_1"], abs=0.0005)
    assert crit.agreement == "poor"  # ICC(2,1) 0.29 < 0.5


def test_page_and_api_show_the_published_values(sf_round, login_as, client):
    page = login_as("hr").get(f"/assessments/rounds/{sf_round.id}/reliability")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    row = re.search(r'<tr data-key="tc-1">(.*?)</tr>', html, re.S).group(1)
    values = re.findall(r'class="icc-value">([-0-9.]+)<', row)
    assert values == ["0.166", "0.290", "0.715", "0.443", "0.620", "0.909"]
    assert "Mức đồng thuận kém: cần tập huấn lại tiêu chí 1" in html
    data = client.get(f"{API}/rounds/{sf_round.id}/reliability",
                      headers=api_token(client, "hr")).json  # fmt: skip
    figures = data["criteria"][0]
    assert figures["icc"]["forms"]["icc2_1"]["value"] == pytest.approx(0.290, abs=0.0005)
    lower, upper = figures["icc"]["forms"]["icc2_1"]["ci95"]
    # psych::ICC for the same data: 0.019 to 0.76 (tests/analytics/test_analytics_reliability)
    assert lower == pytest.approx(0.019, abs=0.0005) and upper == pytest.approx(0.76, abs=0.005)
    assert set(figures["krippendorff"]) == {"nominal", "ordinal", "interval"}
    assert figures["poor"] is True and "tiêu chí 1" in figures["reading"]


def test_figures_equal_the_pure_functions_with_missing_cells(round_data):
    """Shipped rubric, two assessors plus a third who scored only some people."""
    rnd, version = round_data.rnd, round_data.rnd.rubric_version
    third = new_assessor("assessor3", rnd)
    db.session.commit()
    grid = [  # rows: lh[1..5]; columns: assessor, assessor2, assessor3 (None: no sheet)
        [3, 2, 3], [1, 1, None], [2, 3, 2], [0, 1, None], [3, 3, 1],
    ]  # fmt: skip
    raters = [round_data.assessor, round_data.assessor2, third]
    for person, row in zip(round_data.lh[1:6], grid, strict=True):
        for rater, level in zip(raters, row, strict=True):
            if level is not None:
                services.submit_sheet(services.save_draft(
                    rnd, rater, person, "live", "", client_key=None,
                    scores=full_scores(version, level),
                ))  # fmt: skip
    db.session.commit()
    rel = round_reliability(rnd)
    matrix = np.array([[np.nan if v is None else v for v in row] for row in grid], float)
    for crit in rel.criteria:
        pure = icc(matrix)
        assert crit.icc.n_targets == 3 and crit.icc.n_dropped == 2  # complete rows only
        for form in ICC_FORMS:
            assert crit.icc.value(form) == pytest.approx(pure.value(form), abs=1e-12)
        for level in LEVELS:
            assert crit.alphas[level].alpha == pytest.approx(
                krippendorff_alpha(matrix, level).alpha, abs=1e-12
            )


def test_not_computable_with_a_reason(round_data, login_as):
    rnd, version = round_data.rnd, round_data.rnd.rubric_version
    services.submit_sheet(services.save_draft(
        rnd, round_data.assessor, round_data.lh[1], "live", "", client_key=None,
        scores=full_scores(version, 2),
    ))  # fmt: skip
    db.session.commit()
    one = round_reliability(rnd)
    assert not one.shared and one.criteria[0].agreement == "not_computable"
    hr = login_as("hr")
    html = hr.get(f"/assessments/rounds/{rnd.id}/reliability").get_data(as_text=True)
    assert "chưa có ai được từ 2 đánh giá viên chấm" in html and "không tính được" in html
    for person in round_data.lh[2:4]:  # constant data: everyone scores 2 everywhere
        for rater in (round_data.assessor, round_data.assessor2):
            services.submit_sheet(services.save_draft(
                rnd, rater, person, "live", "", client_key=None, scores=full_scores(version, 2),
            ))  # fmt: skip
    db.session.commit()
    constant = round_reliability(rnd).criteria[0]
    assert constant.icc.value("icc2_1") is None and "bằng nhau" in constant.icc.reason
    assert constant.alpha.alpha is None and "như nhau" in constant.alpha.reason
    html = hr.get(f"/assessments/rounds/{rnd.id}/reliability").get_data(as_text=True)
    assert "mọi điểm đều bằng nhau" in html


def test_rubric_version_page_pools_rounds_in_scope(sf_round, app, login_as):
    client = login_as("hr")
    url = f"/assessments/rubric-versions/{sf_round.rubric_version_id}/reliability"
    html = client.get(url, query_string={"calibration": "1"}).get_data(as_text=True)
    assert "Hiệu chuẩn" in html and 'class="icc-value">0.290<' in html
    commune = app.test_client()
    assert login(commune, "hr.xa").status_code == 302
    html = commune.get(url).get_data(as_text=True)  # the province round is out of scope
    assert "Hiệu chuẩn" not in html and "icc-value" not in html


@pytest.mark.parametrize("calibration", [True, False])
def test_calibration_rounds_never_count_for_the_period_verdict(round_data, calibration):
    from datetime import date

    from app.models import Period

    period = Period(name="Kỳ riêng", starts_on=date(2028, 1, 1), ends_on=date(2028, 6, 30))
    db.session.add(period)
    db.session.flush()
    version = round_data.rnd.rubric_version
    rnd = services.open_round(
        period, version, unit("ST"), "Đợt", [unit("ST-LH")], ["role_play"],
        calibration=calibration,
    )  # fmt: skip
    services.assign_assessor(rnd, round_data.assessor, unit("ST-LH"))
    person = round_data.lh[1]
    services.submit_sheet(services.save_draft(
        rnd, round_data.assessor, person, "role_play", "Tình huống A", client_key=None,
        scores=full_scores(version, 3),
    ))  # fmt: skip
    db.session.commit()
    verdict = period_verdicts(period, [person])[0]
    if calibration:
        assert verdict.components == {} and not verdict.meets
    else:
        assert verdict.components == {"communication": "passed"} and verdict.meets


def test_manager_opens_a_calibration_round_from_the_form(round_data, login_as):
    from app.models import Round

    client = login_as("hr")
    form = {
        "title": "Hiệu chuẩn quý I", "period": round_data.rnd.period_id,
        "version": round_data.rnd.rubric_version_id, "owner": unit("ST").id,
        "units": [unit("ST-LH").id], "methods": ["camera"], "calibration": "y",
    }  # fmt: skip
    response = post_form(client, "/assessments/rounds/new", form)
    assert response.status_code == 302
    rnd = db.session.scalar(sa.select(Round).where(Round.title == "Hiệu chuẩn quý I"))
    assert rnd.calibration is True
    assert "Hiệu chuẩn" in client.get("/assessments/").get_data(as_text=True)
