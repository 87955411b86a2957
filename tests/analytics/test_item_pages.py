"""Item-analysis pages: cache and its invalidation, scope, downloads, flags in the bank browser."""

from __future__ import annotations

import io
from datetime import timedelta

import numpy as np
import openpyxl
import pytest
import sqlalchemy as sa

from app.analytics import item_cache
from app.exams import scoring
from app.extensions import db
from app.models import ItemStatsCache, Question, VersionStats, utcnow
from tests.analytics.item_factories import choice_versions, insert_attempts
from tests.exams.admin_helpers import make_exam, people_of, sit, switch_user

N = 30  # above ITEM_STATS_MIN_N (20), so items may be flagged


def _bad_item_marks() -> tuple[list[list[float]], list[list[str | None]]]:
    """30 attempts x 4 items: items 1-3 follow ability; item 4 is answered right by the
    weakest and wrong by the strongest, who mostly pick the distractor "C"."""
    rng = np.random.default_rng(3)
    ability = np.sort(rng.normal(size=N))  # weakest first
    good = (rng.normal(size=(N, 3)) * 0.5 + ability[:, None] > 0).astype(float)
    bad = (np.arange(N) < N // 2).astype(float)  # weaker half right, stronger half wrong
    credits = np.column_stack([good, bad])
    choices = [["A" if c else "B" for c in row[:3]] for row in credits]
    for i, row in enumerate(choices):
        row.append("A" if bad[i] else ("C" if i % 3 else "B"))
    return credits.tolist(), choices


@pytest.fixture
def flagged_exam(demo_bank):
    """A closed exam of ST-LH with a broken 4th question."""
    exam = make_exam(shuffle_questions=False)
    versions = choice_versions(4)
    credits, choices = _bad_item_marks()
    insert_attempts(exam, [versions] * N, credits, choices)
    exam.closes_at = utcnow() - timedelta(minutes=1)
    exam.opens_at = exam.closes_at - timedelta(hours=2)
    db.session.commit()
    return exam, versions


def test_report_flags_the_bad_item_with_its_distractor(login_as, flagged_exam):
    exam, versions = flagged_exam
    page = login_as("hr").get(f"/analytics/exams/{exam.id}/items").get_data(as_text=True)
    assert "Cần xem lại" in page and "Độ phân biệt" in page and "Độ dễ" in page
    assert "độ phân biệt âm" in page
    assert "phương án nhiễu &#39;C&#39; được nhóm giỏi chọn nhiều hơn nhóm yếu" in page
    assert "Đáp án" in page  # closed exam: keys and distractor tables are shown to HR
    payload = db.session.scalar(sa.select(ItemStatsCache.payload))
    flagged = [q["version_id"] for q in payload["questions"] if q["flags"]]
    assert versions[3].id in flagged


def test_keys_hidden_from_hr_while_the_exam_is_open(login_as, demo_bank):
    exam = make_exam(shuffle_questions=False)
    insert_attempts(exam, [choice_versions(2)] * 3, [[1, 0], [0, 1], [1, 1]])
    page = login_as("hr").get(f"/analytics/exams/{exam.id}/items").get_data(as_text=True)
    assert "hiển thị sau khi bài kiểm tra kết thúc" in page
    assert "table-success" not in page


def test_two_views_compute_once_and_new_attempt_or_fix_recomputes(login_as, flagged_exam):
    exam, versions = flagged_exam
    client = login_as("hr")
    url = f"/analytics/exams/{exam.id}/items"
    before = item_cache.computations["exam"]
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(f"/analytics/exams/{exam.id}/items.xlsx").status_code == 200
    assert item_cache.computations["exam"] == before + 1
    insert_attempts(exam, [versions], [[1, 1, 1, 1]], first_person=N)
    page = client.get(url).get_data(as_text=True)
    assert item_cache.computations["exam"] == before + 2
    assert f"{N + 1} bài đã nộp" in page
    scoring.fix_item(exam, versions[3], kind="void", reason="Đáp án sai")
    db.session.commit()
    client.get(url)
    assert item_cache.computations["exam"] == before + 3
    payload = db.session.scalar(sa.select(ItemStatsCache.payload))
    assert next(q for q in payload["questions"] if q["version_id"] == versions[3].id)["voided"]


def test_commune_hr_cannot_open_another_communes_report(login_as, demo_bank):
    own = make_exam("ST-LH", title="Bài Long Hưng")
    other = make_exam("ST-AN", title="Bài An Ninh")
    province = make_exam("ST", title="Bài cấp tỉnh", targets=["ST"])
    sit(other, people_of("ST-AN")[0])
    client = login_as("hr.xa")
    assert client.get(f"/analytics/exams/{other.id}/items").status_code == 404
    assert client.get(f"/analytics/exams/{other.id}/items.xlsx").status_code == 404
    assert client.get(f"/analytics/exams/{other.id}/items-chart.png").status_code == 404
    assert client.get(f"/analytics/exams/{own.id}/items").status_code == 200
    # a province exam its officers sit is visible, like its results page
    assert client.get(f"/analytics/exams/{province.id}/items").status_code == 200
    listing = client.get("/analytics/exams").get_data(as_text=True)
    assert "Bài Long Hưng" in listing and "Bài An Ninh" not in listing


def test_xlsx_reloads_without_formulas_and_csv_has_the_table(login_as, flagged_exam):
    exam, versions = flagged_exam
    question = db.session.get(Question, versions[0].question_id)
    question.external_id = "=HYPERLINK(1)"
    db.session.commit()
    client = login_as("hr")
    response = client.get(f"/analytics/exams/{exam.id}/items.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert {"Theo câu hỏi", "Theo vị trí câu", "Thống kê bài", "Phương án nhiễu"} <= set(
        book.sheetnames
    )
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    labels = [c.value for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert labels and all(not v.startswith("=") for v in labels)
    csv = client.get(f"/analytics/exams/{exam.id}/items.csv?table=slots")
    assert csv.status_code == 200 and "Vị trí" in csv.get_data(as_text=True)
    assert client.get(f"/analytics/exams/{exam.id}/items.csv?table=nope").status_code == 404


def test_chart_png_and_svg(login_as, flagged_exam):
    exam, _versions = flagged_exam
    client = login_as("hr")
    png = client.get(f"/analytics/exams/{exam.id}/items-chart.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get(f"/analytics/exams/{exam.id}/items-chart.svg").mimetype == "image/svg+xml"
    page = client.get(f"/analytics/exams/{exam.id}/items").get_data(as_text=True)
    assert 'alt="Độ dễ và độ phân biệt theo vị trí câu' in page


def test_bank_browser_shows_flag_from_cache_only(login_as, flagged_exam):
    exam, versions = flagged_exam
    client = login_as("author")
    bad_question = db.session.get(Question, versions[3].question_id)
    search = f"/bank/questions?q={bad_question.external_id}"
    before = item_cache.computations["question"]
    page = client.get(search).get_data(as_text=True)
    assert "badge text-bg-warning" not in page  # nothing cached, and the browser computes nothing
    assert item_cache.computations["question"] == before
    runner = client.application.test_cli_runner()
    result = runner.invoke(args=["analytics", "refresh", "--exam", str(exam.id)])
    assert result.exit_code == 0, result.output
    assert item_cache.computations["question"] == before + 4
    bad = db.session.get(VersionStats, versions[3].id)
    assert bad.needs_checking and bad.n == N
    page = client.get(search).get_data(as_text=True)
    assert "badge text-bg-warning" in page and "Cần xem lại" in page
    filtered = client.get("/bank/questions?check=1").get_data(as_text=True)
    assert filtered.count('class="badge text-bg-warning"') == 1
    assert f"/analytics/questions/{versions[3].question_id}" in filtered
    runner.invoke(args=["analytics", "refresh"])  # nothing changed: nothing recomputed
    assert item_cache.computations["question"] == before + 4


def test_question_page_per_exam_and_overall(login_as, flagged_exam):
    exam, versions = flagged_exam
    second = make_exam(shuffle_questions=False, title="Bài lần hai")
    insert_attempts(second, [versions[:2]] * 4, [[1, 1], [1, 0], [0, 1], [0, 0]])
    question_id = versions[0].question_id
    client = login_as("author")
    page = client.get(f"/analytics/questions/{question_id}").get_data(as_text=True)
    assert "Tất cả các phiên bản" in page and "Bài lần hai" in page and exam.title in page
    payload = item_cache.question_report(question_id).payload
    assert payload["overall"]["n"] == N + 4
    assert sorted(e["n"] for e in payload["exams"]) == [4, N]
    four = next(e for e in payload["exams"] if e["n"] == 4)
    assert four["facility"] == pytest.approx(0.5)
    # within one exam: correlation with the rest (item 2) = corr([1,1,0,0], [1,0,1,0]) = 0
    assert four["discrimination_index"] == pytest.approx(0.0, abs=1e-12)
    hr = switch_user(client, login_as, "hr")
    assert hr.get(f"/analytics/questions/{question_id}").status_code == 403


def test_question_never_used_and_links_from_bank_and_results(login_as, demo_bank):
    unused = choice_versions(1)[0]
    client = login_as("author")
    bank_page = client.get(f"/bank/questions/{unused.question_id}").get_data(as_text=True)
    assert f"/analytics/questions/{unused.question_id}" in bank_page
    page = client.get(f"/analytics/questions/{unused.question_id}").get_data(as_text=True)
    assert "chưa có trong bài làm nào đã nộp" in page
    assert client.get("/analytics/questions/999999").status_code == 404
    exam = make_exam()
    hr = switch_user(client, login_as, "hr")
    results = hr.get(f"/exams/{exam.id}/results").get_data(as_text=True)
    assert f"/analytics/exams/{exam.id}/items" in results
