"""Dossier codes uploaded as CSV: template, dry-run preview with line errors, all or nothing,
scope, CSRF."""

from __future__ import annotations

import io
import re
from datetime import date

import sqlalchemy as sa

from app.admin.services import create_account, grant_role
from app.extensions import db
from app.models import AuditEvent, Dossier, Person, Role, Unit
from tests.helpers import csrf_from, login, unit_id

URL = "/surveys/dossiers/upload"
HEADER = "Mã hồ sơ,Thủ tục,Mã công chức,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,Mã đơn vị\n"


def _dossiers() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Dossier))


def _upload(client, text: str | bytes, unit: str = "ST-LH", name: str = "ho-so.csv"):
    token = csrf_from(client, URL)
    raw = text if isinstance(text, bytes) else text.encode("utf-8-sig")
    data = {"csrf_token": token, "unit_id": str(unit_id(unit)), "file": (io.BytesIO(raw), name)}
    return client.post(URL, data=data, content_type="multipart/form-data")


def _confirm(client, page: str):
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    unit = re.search(r'name="unit_id" value="([^"]+)"', page).group(1)
    return client.post(
        "/surveys/dossiers/upload/confirm",
        data={"csrf_token": csrf_from(client, URL), "token": token, "unit_id": unit},
    )


def test_template_downloads(login_as, surveys, client):
    login_as("admin")
    csv_file = client.get("/surveys/dossiers/template.csv")
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    assert csv_file.data.decode("utf-8-sig").strip() == HEADER.strip()
    xlsx = client.get("/surveys/dossiers/template.xlsx")
    assert xlsx.data[:2] == b"PK" and "attachment" in xlsx.headers["Content-Disposition"]


def test_preview_writes_nothing_then_confirm_registers(login_as, surveys, client):
    login_as("admin")
    before = _dossiers()
    text = HEADER + (
        "CSV-0001-AAAA,Đăng ký khai sinh,CB0014,02/11/2026,05/11/2026,,\n"
        "csv-0002-bbbb,Chứng thực,,2026-11-03,,,ST-AN\n"
        "\n"
    )
    preview = _upload(client, text)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Sẵn sàng đăng ký 2 mã hồ sơ mới." in page
    assert _dossiers() == before  # a dry run
    confirmed = _confirm(client, page)
    assert confirmed.status_code == 302
    assert _dossiers() == before + 2
    first = db.session.scalar(sa.select(Dossier).where(Dossier.code == "CSV-0001-AAAA"))
    officer = db.session.scalar(sa.select(Person.id).where(Person.staff_code == "CB0014"))
    assert (first.unit_id, first.officer_id) == (unit_id("ST-LH"), officer)
    assert (first.received_on, first.due_on, first.returned_on) == (
        date(2026, 11, 2),
        date(2026, 11, 5),
        None,
    )
    second = db.session.scalar(sa.select(Dossier).where(Dossier.code == "CSV-0002-BBBB"))
    assert second.unit_id == unit_id("ST-AN")
    audits = db.session.scalars(
        sa.select(AuditEvent.after).where(AuditEvent.action == "survey.dossiers_register")
    ).all()
    assert {"created": 2} in audits
    again = _upload(client, text).get_data(as_text=True)
    assert "2 mã đã có từ trước sẽ được bỏ qua." in again


def test_row_errors_name_their_lines_and_nothing_is_written(login_as, surveys, client):
    login_as("admin")
    before = _dossiers()
    text = HEADER + (
        "GOOD-000001,Khai sinh,,01/11/2026,,,\n"
        "SHORT,Khai sinh,,,,,\n"
        "BAD-DATE-001,Khai sinh,,31/02/2026,,,\n"
        "NOONE-00001,Khai sinh,XX9999,,,,\n"
        "ELSEWHERE-01,Khai sinh,,,,,NO-UNIT\n"
        "EARLY-000001,Khai sinh,,05/11/2026,01/11/2026,,\n"
    )
    response = _upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 4: Ngày &#39;31/02/2026&#39; không đúng định dạng dd/mm/yyyy." in page
    assert "Dòng 7: Ngày hẹn trả / ngày trả không được trước ngày tiếp nhận." in page
    assert 'name="token"' not in page  # nothing to confirm
    fixed = HEADER + (
        "GOOD-000001,Khai sinh,,01/11/2026,,,\n"
        "SHORT,Khai sinh,,,,,\n"
        "NOONE-00001,Khai sinh,XX9999,,,,\n"
        "ELSEWHERE-01,Khai sinh,,,,,NO-UNIT\n"
    )
    page = _upload(client, fixed).get_data(as_text=True)  # the registration's own checks
    assert "Dòng 3: Mã hồ sơ phải có ít nhất 6 ký tự." in page
    assert "Dòng 4: Không tìm thấy công chức có mã này." in page
    assert "Dòng 5: Mã đơn vị không có hoặc ngoài phạm vi được phép." in page
    assert "Dòng 2" not in page
    assert _dossiers() == before


def test_bad_files_are_explained(login_as, surveys, client):
    login_as("admin")
    cases = [
        (b"", "Tệp rỗng."),
        ("\n", "Thiếu cột bắt buộc"),
        ("Mã hồ sơ,Màu sắc\nABC-000001,đỏ\n", "Cột không hợp lệ: &#39;Màu sắc&#39;."),
        ("Thủ tục\nKhai sinh\n", "Thiếu cột bắt buộc"),
        (HEADER, "Tệp không có mã hồ sơ nào."),
    ]
    for text, message in cases:
        response = _upload(client, text)
        assert response.status_code == 422 and message in response.get_data(as_text=True), text
    latin1 = client.post(
        URL,
        data={
            "csrf_token": csrf_from(client, URL),
            "unit_id": str(unit_id("ST-LH")),
            "file": (io.BytesIO("Mã hồ sơ\nÀÁ-000001\n".encode("latin-1", "replace")), "x.csv"),
        },
        content_type="multipart/form-data",
    )
    assert "UTF-8" in latin1.get_data(as_text=True)


def test_scope_a_local_admin_registers_only_in_their_unit(surveys, client):
    local = create_account("qt.xa", password="QuanTri#2026", must_change=False)
    grant_role(local, Role.ADMIN, db.session.get(Unit, unit_id("ST-LH")))
    db.session.commit()
    assert login(client, "qt.xa", "QuanTri#2026").status_code == 302
    form = client.get(URL).get_data(as_text=True)
    assert "Xã Long Hưng" in form and "Xã An Ninh" not in form
    page = _upload(client, HEADER + "MINE-000001,,,,,,\nTHEIRS-00001,,,,,,ST-AN\n")
    text = page.get_data(as_text=True)
    assert "Dòng 3: Mã đơn vị không có hoặc ngoài phạm vi được phép." in text
    assert db.session.scalar(sa.select(Dossier.id).where(Dossier.code == "MINE-000001")) is None


def test_upload_needs_csrf_and_permission(login_as, surveys, client):
    login_as("admin")
    response = client.post(
        URL,
        data={"unit_id": str(unit_id("ST-LH")), "file": (io.BytesIO(b"x"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    bogus = client.post(
        "/surveys/dossiers/upload/confirm",
        data={"csrf_token": csrf_from(client, URL), "token": "../../etc/passwd"},
    )
    assert bogus.status_code == 404
    assert client.post("/surveys/dossiers/upload/confirm", data={"token": "x"}).status_code == 400
    assert post_logout(client) == 302
    login_as("hr")
    assert client.get(URL).status_code == 403
    assert client.get("/surveys/dossiers/template.csv").status_code == 403


def post_logout(client) -> int:
    from tests.helpers import post_form

    return post_form(client, "/auth/logout", {}, token_from="/").status_code
