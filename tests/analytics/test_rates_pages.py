"""The pass-rate pages, downloads, charts and API: scope, safe files, images, OpenAPI."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from app.analytics import rates_cache
from app.analytics.intervals import wilson_interval
from app.analytics.rates_output import CHARTS, TABLES
from app.extensions import db
from tests.analytics import rates_data as data
from tests.helpers import unit_id

HOSTILE = '=HYPERLINK("http://x","y")'


@pytest.fixture(autouse=True)
def _fresh_memo():
    rates_cache.clear()


@pytest.fixture
def scenario(demo):
    """Long Hưng 3 of 4 passed, An Ninh 1 of 3 (one more absent); two topics; a position
    and a unit whose names are spreadsheet formulas."""
    from app.org.services import create_unit

    p = data.period()
    e = data.exam(p)
    law, it = data.topic("Pháp luật"), data.topic("Kỹ năng công nghệ thông tin")
    for code, outcomes in (("ST-LH", (True, True, True, False)), ("ST-AN", (True, False, False))):
        for i, passed in enumerate(outcomes):
            who = data.person(code, position=HOSTILE if i == 0 else "Công chức tiếp nhận")
            data.sit(e, who, passed, topics={law.id: 0.8 if passed else 0.4, it.id: 0.3})
    data.sit(e, data.person("ST-AN"), None)
    create_unit("ST-EVIL", "=1+2 Xã Độc", "Xã", data.unit("ST"))
    data.cohort(e, "ST-EVIL", passed=1, failed=0)
    db.session.commit()
    return p


def test_province_hr_sees_every_section_with_charts_and_the_caveat(login_as, scenario):
    client = login_as("hr")
    html = client.get("/analytics/pass-rates").get_data(as_text=True)
    expected = ["Xã Long Hưng", "Xã An Ninh", "Kỹ năng công nghệ thông tin", "χ²", "heat-low"]
    expected += ["tần số kỳ vọng &lt; 5", "58.0 %", "50 % số điểm của chủ đề"]
    for text in expected:
        assert text in html, text
    assert html.count("<img ") == len(CHARTS)
    assert 'alt="Tỉ lệ đạt qua các kỳ. 6 tháng đầu năm 2027: 62.5 %' in html  # 5 of 8 sat
    assert "style=" not in html and "<script>" not in html  # CSP: no inline style or script


def test_commune_hr_sees_only_its_commune(login_as, scenario):
    client = login_as("hr.xa")
    html = client.get("/analytics/pass-rates").get_data(as_text=True)
    assert "Xã Long Hưng" in html and "Xã An Ninh" not in html
    assert "3 / 4 người đạt" in html
    assert client.get(f"/analytics/pass-rates?unit={unit_id('ST-AN')}").status_code == 404
    assert (
        client.get(f"/analytics/pass-rates/units.xlsx?unit={unit_id('ST-AN')}").status_code == 404
    )
    body = client.get("/api/v1/analytics/pass-rates?group=unit").json
    assert [r["label"] for r in body["rows"]] == ["Xã Long Hưng"]
    assert client.get(f"/api/v1/analytics/pass-rates?unit={unit_id('ST-AN')}").status_code == 404
    csv_text = client.get("/analytics/pass-rates/groups.csv").get_data(as_text=True)
    assert "Xã An Ninh" not in csv_text and "Xã Long Hưng" in csv_text


def test_staff_without_analytics_permission_is_refused(login_as, scenario):
    client = login_as("staff")
    for url in ("/analytics/", "/analytics/pass-rates", "/api/v1/analytics/pass-rates"):
        assert client.get(url).status_code == 403, url
    assert "Thống kê, phân tích" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("name", [*TABLES, "all"])
def test_xlsx_downloads_reload_without_formula_cells(login_as, scenario, name):
    client = login_as("hr")
    response = client.get(f"/analytics/pass-rates/{name}.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert len(workbook.worksheets) == (len(TABLES) if name == "all" else 1)
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_csv_neutralises_formulas_and_keeps_the_numbers(login_as, scenario):
    client = login_as("hr")
    positions = client.get("/analytics/pass-rates/positions.csv")
    rows = list(csv.reader(io.StringIO(positions.data.decode("utf-8-sig"))))
    assert rows[1][:5] == ["'" + HOSTILE, "2", "2", "2", "100.0"]
    units = client.get("/analytics/pass-rates/groups.csv").data.decode("utf-8-sig")
    assert "'=1+2 Xã Độc" in units
    assert client.get("/analytics/pass-rates/all.csv").status_code == 404
    assert client.get("/analytics/pass-rates/nothing.xlsx").status_code == 404


@pytest.mark.parametrize("name", CHARTS)
def test_charts_are_png_and_svg(login_as, scenario, name):
    client = login_as("hr")
    png = client.get(f"/analytics/pass-rates/charts/{name}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    svg = client.get(f"/analytics/pass-rates/charts/{name}.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_unknown_chart_or_format_is_404(login_as, scenario):
    client = login_as("hr")
    assert client.get("/analytics/pass-rates/charts/nothing.png").status_code == 404
    assert client.get("/analytics/pass-rates/charts/trend.gif").status_code == 404


def test_dashboard_links_the_reports_that_exist(app, login_as, scenario):
    client = login_as("hr")
    html = client.get("/analytics/").get_data(as_text=True)
    assert "/analytics/pass-rates" in html
    assert ("/analytics/exams/" in html) == ("analytics.exam_items" in app.view_functions)
    assert "Thống kê, phân tích" in client.get("/").get_data(as_text=True)  # the menu item


def test_api_gives_n_rate_and_wilson_bounds_per_group(login_as, scenario):
    client = login_as("hr")
    body = client.get(f"/api/v1/analytics/pass-rates?period={scenario.id}&group=unit").json
    rows = {r["label"]: r for r in body["rows"]}
    lh = rows["Xã Long Hưng"]
    expected = wilson_interval(3, 4)
    assert (lh["n"], lh["passed"], lh["required"], lh["not_sat"]) == (4, 3, 4, 0)
    assert lh["rate"] == pytest.approx(0.75)
    assert (lh["ci_lower"], lh["ci_upper"]) == pytest.approx((expected.lower, expected.upper))
    assert rows["Xã An Ninh"]["not_sat"] == 1
    assert body["baseline"] == pytest.approx(0.58)
    topics = client.get("/api/v1/analytics/pass-rates?group=topic").json["rows"]
    assert topics[0]["label"] == "Kỹ năng công nghệ thông tin"
    assert topics[0]["mean_percent"] == pytest.approx(0.3) and topics[0]["passed"] == 0
    exams = client.get("/api/v1/analytics/pass-rates?group=exam").json["rows"]
    assert [(r["n"], r["passed"]) for r in exams] == [(8, 5)]
    bad = client.get("/api/v1/analytics/pass-rates?group=planet")
    assert bad.status_code == 422 and "error" in bad.json


def test_the_api_is_in_the_openapi_document(client, app):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "get" in paths["/api/v1/analytics/pass-rates"]


def test_chart_images_reuse_the_page_figures_and_only_for_the_same_scope(app, login_as, scenario):
    import html as html_lib
    import re

    import sqlalchemy as sa

    from app.analytics import chart_store

    client = login_as("hr")
    page = client.get("/analytics/pass-rates").get_data(as_text=True)
    src = html_lib.unescape(re.search(r'src="([^"]*/charts/groups\.png\?[^"]*)"', page).group(1))
    key = re.search(r"v=([0-9a-f]{32})", src).group(1)
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        image = client.get(src)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert not [s for s in statements if "exam_candidates" in s]  # no counting again
    with app.test_request_context("/"):
        province = (data.unit("ST").path,)  # the scope of "hr"
        assert chart_store.recall(key, province).title == "Tỉ lệ đạt theo đơn vị"
        assert chart_store.recall(key, (data.unit("ST-LH").path,)) is None  # recomputed
        assert chart_store.recall("../../etc/passwd", province) is None


def test_filters_by_exam_and_a_changed_period_drops_the_exam(login_as, scenario):
    client = login_as("hr")
    retest = data.exam(scenario, "Thi lại đợt 1")
    data.sit(retest, data.person("ST-AN"), True)
    other = data.period("6 tháng cuối năm 2027", data.date(2027, 7, 1))
    db.session.commit()
    only = client.get(f"/analytics/pass-rates?exam={retest.id}").get_data(as_text=True)
    assert "Đang xem riêng bài" in only and "1 / 1 người đạt" in only
    moved = client.get(f"/analytics/pass-rates?exam={retest.id}&period={other.id}")
    assert "Đang xem riêng bài" not in moved.get_data(as_text=True)
    assert "Chưa ai thi" in moved.get_data(as_text=True)
    assert client.get("/analytics/pass-rates?period=999999").status_code == 404
    assert client.get("/analytics/pass-rates?exam=999999").status_code == 404


def test_the_comparison_download_carries_the_test_and_its_caveat(login_as, scenario):
    text = login_as("hr").get("/analytics/pass-rates/groups.csv").data.decode("utf-8-sig")
    assert "χ² = " in text and "Lưu ý: có tần số kỳ vọng < 5" in text
