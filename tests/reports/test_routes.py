"""``/reports/`` and ``flask reports docx``: permission, unit scope, the download."""

from __future__ import annotations

import io

from docx import Document

from app.reports.docx import DOCX_MIME
from tests.helpers import post_form, unit_id

FORM = {
    "kind": "half",
    "year": "2026",
    "number": "1",
    "issuing_parent": "UBND tỉnh Sóc Trăng",
    "issuing_body": "Sở Nội vụ",
    "report_number": "15/BC-SNV",
    "place": "Sóc Trăng",
    "signer_title": "Giám đốc",
    "signer_name": "Nguyễn Văn An",
}


def test_hr_downloads_the_report(login_as):
    client = login_as("hr")
    page = client.get("/reports/")
    assert page.status_code == 200 and "Báo cáo định kỳ" in page.get_data(as_text=True)
    response = post_form(client, "/reports/", {**FORM, "unit": unit_id("ST")})
    assert response.status_code == 200 and response.mimetype == DOCX_MIME
    assert "bao-cao-half-2026-1.docx" in response.headers["Content-Disposition"]
    doc = Document(io.BytesIO(response.data))
    header = doc.tables[0].rows[0].cells[0].text
    assert "SỞ NỘI VỤ" in header and "Số: 15/BC-SNV" in header


def test_unit_outside_the_scope_is_refused(login_as):
    client = login_as("hr.xa")  # HR of Xã Long Hưng only
    page = client.get("/reports/").get_data(as_text=True)
    assert "Xã Long Hưng" in page and "Sở Tư pháp" not in page
    response = post_form(client, "/reports/", {**FORM, "unit": unit_id("ST")})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Lựa chọn không hợp lệ" in response.get_data(as_text=True)
    ok = post_form(client, "/reports/", {**FORM, "unit": unit_id("ST-LH")})
    assert ok.mimetype == DOCX_MIME


def test_number_must_exist_for_the_kind(login_as):
    client = login_as("hr")
    response = post_form(client, "/reports/", {**FORM, "number": "3", "unit": unit_id("ST")})
    assert response.mimetype == "text/html"
    assert "chỉ có số thứ tự từ 1 đến 2" in response.get_data(as_text=True)


def test_staff_may_not_open_reports(login_as, client):
    assert client.get("/reports/").status_code == 302  # anonymous: to the sign-in page
    assert login_as("staff").get("/reports/").status_code == 403


def test_cli_writes_the_docx(demo, tmp_path):
    target = tmp_path / "bc.docx"
    runner = demo.test_cli_runner()
    result = runner.invoke(
        args=[
            "reports",
            "docx",
            "--kind",
            "nine_months",
            "--year",
            "2026",
            "--issuer",
            "Sở Nội vụ",
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "9 tháng đầu năm 2026" in result.output
    assert "BÁO CÁO" in [p.text for p in Document(str(target)).paragraphs]
    bad = runner.invoke(
        args=[
            "reports",
            "docx",
            "--kind",
            "half",
            "--year",
            "2026",
            "--number",
            "3",
            "-o",
            str(target),
        ]
    )
    assert bad.exit_code != 0 and "từ 1 đến 2" in bad.output
