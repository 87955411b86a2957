"""The satisfaction pages, downloads, charts, comment browser and API, as users see them."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from app.models import Unit
from tests.analytics.satisfaction_data import add, ratings, survey  # noqa: F401
from tests.helpers import api_token, login

PAGE = "/analytics/satisfaction"
COMMENTS = "/analytics/satisfaction/comments"
API = "/api/v1/analytics/satisfaction"


def _fresh_client(username: str):
    """A second browser, signed in as ``username``."""
    from flask import current_app

    other = current_app.test_client()
    assert login(other, username).status_code == 302
    return other


def test_page_shows_every_section_with_charts_and_tables(login_as, survey):  # noqa: F811
    ratings(survey, "ST-LH", "overall", [5, 4, 4, 2])
    ratings(survey, "ST-AN", "overall", [1, 3])
    add(survey, "ST-LH", {"attitude": "tho_o", "a_signage": 5, "a_seating": 4})
    client = login_as("hr")
    response = client.get(PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Số phiếu: 7." in html
    for heading in ("Chỉ số theo yếu tố SIPAS", "Chỉ số của đề án so với năm 2015",
                    "So sánh các đơn vị trực thuộc", "Phân bố câu trả lời"):  # fmt: skip
        assert heading in html
    assert "chưa đủ tin cậy (n &lt; 30)" in html
    assert 'alt="Chỉ số hài lòng theo yếu tố (0–100).' in html
    assert "/analytics/satisfaction/charts/factors.png?v=" in html
    chart = client.get("/analytics/satisfaction/charts/units.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"


def test_unit_outside_the_scope_is_404_and_commune_sees_only_itself(login_as, survey):  # noqa: F811
    ratings(survey, "ST-LH", "overall", [5, 5])
    ratings(survey, "ST-AN", "overall", [1, 1, 1])
    client = login_as("hr.xa")
    html = client.get(PAGE).get_data(as_text=True)
    assert "Số phiếu: 2." in html and "Xã An Ninh" not in html
    assert client.get(f"{PAGE}?unit={survey.unit('ST-AN').id}").status_code == 404
    other = survey.person("ST-AN")
    assert client.get(f"{PAGE}?officer={other.id}").status_code == 404
    assert client.get(f"{PAGE}?unit={survey.unit('ST-LH').id}").status_code == 200
    assert _fresh_client("staff").get(PAGE).status_code == 403  # no survey permission


def test_downloads_reload_without_formula_cells(login_as, survey):  # noqa: F811
    unit = survey.unit("ST-AN")
    unit.name = '=HYPERLINK("http://x","bấm")'
    db.session.commit()
    ratings(survey, "ST-AN", "overall", [5, 4])
    ratings(survey, "ST-LH", "overall", [1])
    client = login_as("admin")
    response = client.get(f"{PAGE}/all.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert "So sánh đơn vị" in book.sheetnames
    cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    csv = client.get(f"{PAGE}/units.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv
    assert client.get(f"{PAGE}/nope.xlsx").status_code == 404
    assert client.get(f"{PAGE}/all.csv").status_code == 404


def test_comment_browser_escapes_searches_filters_and_pages(login_as, survey):  # noqa: F811
    add(survey, "ST-LH", {"comment": "<script>alert(1)</script> Thái độ rất tốt"})
    add(survey, "ST-LH", {"comment": "Gọi tôi: 0912345678"}, day=date(2026, 5, 2))
    add(survey, "ST-AN", {"comment": "Thái độ chưa tốt ở xã An Ninh"})
    for i in range(55):
        add(survey, "ST-TD", {"comment": f"Ý kiến số {i}"}, commit=False)
    db.session.commit()
    client = login_as("admin")
    html = client.get(COMMENTS).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "0912345678" not in html  # masked, as in the survey inbox
    assert "58 ý kiến." in html and "Trang 1 / 2." in html
    page2 = client.get(f"{COMMENTS}?page=2").get_data(as_text=True)
    assert page2.count("Ý kiến số") == 8
    found = client.get(f"{COMMENTS}?q=THAI+DO").get_data(as_text=True)  # no diacritics
    assert "2 ý kiến." in found and "Ý kiến số" not in found
    lh = survey.unit("ST-LH").id
    one_unit = client.get(f"{COMMENTS}?q=thai+do&unit={lh}").get_data(as_text=True)
    assert "1 ý kiến." in one_unit and "chưa tốt" not in one_unit
    may = client.get(f"{COMMENTS}?from=2026-05-01").get_data(as_text=True)
    assert "1 ý kiến." in may
    commune = _fresh_client("hr.xa").get(COMMENTS).get_data(as_text=True)
    assert "2 ý kiến." in commune and "Ý kiến số" not in commune


def test_api_answers_the_report_with_officer_privacy(client, survey):  # noqa: F811
    officer = survey.person("ST-LH")
    ratings(survey, "ST-LH", "officer_rating", [5, 5, 1], officer=officer)
    ratings(survey, "ST-LH", "overall", [5, 4, 1])
    headers = api_token(client, "hr")
    body = client.get(API, headers=headers).json
    assert body["n"] == 6
    overall = next(q for q in body["questions"] if q["key"] == "overall")
    assert overall["counts"] == {"5": 1, "4": 1, "1": 1}
    assert round(overall["satisfied"]["estimate"], 4) == round(2 / 3, 4)
    assert overall["satisfied"]["reliable"] is False
    (row,) = body["officers"]
    assert row["id"] == officer.id and row["satisfied"]["estimate"] is None
    assert row["satisfied"]["hidden"] is True and row["satisfied"]["n"] == 3
    assert row["satisfied"]["upper"] is not None
    narrow = api_token(client, "hr.xa")
    other = db.session.scalar(sa.select(Unit.id).where(Unit.code == "ST-AN"))
    missing = client.get(f"{API}?unit={other}", headers=narrow)
    assert missing.status_code == 404 and missing.json["error"]["code"]
    assert client.get(f"{API}?channel=fax", headers=headers).status_code == 422
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/analytics/satisfaction" in spec["paths"]


def test_dossier_ratings_keep_the_procedure_for_statistics(client, survey):  # noqa: F811
    from app.models import Dossier, SurveyResponse

    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.used.is_(False)).limit(1))
    body = {"dossier_code": dossier.code, "answers": {"officer_rating": 4, "overall": 5}}
    assert client.post("/api/v1/public/responses", json=body).status_code == 201
    stored = db.session.scalar(sa.select(SurveyResponse))
    assert (stored.verified, stored.procedure) == (True, dossier.procedure)
    ratings(survey, "ST-LH", "overall", [1])  # a QR response: no procedure
    headers = api_token(client, "admin")
    procedure = {"procedure": dossier.procedure}
    assert client.get(API, headers=headers, query_string=procedure).json["n"] == 1
    assert client.get(API, headers=headers).json["n"] == 2


def test_table_cells_use_vietnamese_number_format() -> None:
    from app.analytics.views.routes_satisfaction import format_cell

    assert [format_cell(v) for v in (None, "", 1234, 81.9, 0.732, 4448090.5, 1e-55)] == [
        "—",
        "",
        "1.234",
        "81,9",
        "0,732",
        "4.448.090,5",
        "1e-55",
    ]


def test_officer_filter_is_a_search_without_diacritics(login_as, survey):  # noqa: F811
    from app.text import fold

    rated, unrated = survey.person("ST-LH", 0), survey.person("ST-LH", 1)
    far = survey.person("ST-AN", 0)  # outside the commune user's scope
    for person in (rated, far):
        add(survey, "ST-LH" if person is rated else "ST-AN", {"overall": 5}, officer=person)
    client = login_as("hr.xa")
    html = client.get(PAGE).get_data(as_text=True)
    assert rated.full_name not in html  # no list of every rated officer
    assert 'name="officer_q"' in html and "<select" in html  # the other filters stay
    typed = fold(rated.full_name).split()[-1]  # given name, no diacritics, lower case
    html = client.get(PAGE, query_string={"officer_q": typed.upper()}).get_data(as_text=True)
    assert f"officer={rated.id}" in html and rated.full_name in html
    assert f"officer={unrated.id}" not in html  # never rated
    assert f"officer={far.id}" not in html  # out of scope
    nothing = client.get(PAGE, query_string={"officer_q": "zzzq"}).get_data(as_text=True)
    assert "Không có công chức nào đã được đánh giá khớp" in nothing
    chosen = client.get(PAGE, query_string={"officer": rated.id}).get_data(as_text=True)
    assert f'name="officer" value="{rated.id}"' in chosen and "Số phiếu: 1." in chosen
    assert "Bỏ chọn" in chosen
