"""Staff-list import: preview, row-numbered errors, duplicates, all or nothing."""

import io
import unicodedata

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.extensions import db
from app.models import Person
from tests.helpers import csrf_from

HEADER = "Họ và tên,Mã cán bộ,Ngày sinh,Chức vụ,Mã đơn vị,Trạng thái\n"


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


def _upload(client, name: str, data: bytes):
    token = csrf_from(client, "/org/people/import")
    return client.post(
        "/org/people/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_preview_then_confirm_imports_every_row(login_as, client):
    login_as("hr")
    body = (
        HEADER + "Lý Thị Mới,N001,01/02/1990,Công chức,ST-LH,\nSơn Văn Hai,N002,,,st-an,nghỉ phép\n"
    )
    before = _count()
    response = _upload(client, "ds.csv", ("\ufeff" + body).encode())
    html = response.get_data(as_text=True)
    assert "Sẵn sàng nhập 2 cán bộ" in html and _count() == before
    token = html.split('name="token" value="')[1].split('"')[0]
    csrf = csrf_from(client, "/org/people/import")
    response = client.post("/org/people/import/confirm", data={"csrf_token": csrf, "token": token})
    assert response.status_code == 302 and _count() == before + 2


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("Lý Thị Mới,N001,31/02/1990,,ST-LH,\n", "Dòng 2"),
        (",N001,,,ST-LH,\nAi Đó,N002,,,KHONG-CO,\n", "Dòng 3"),
        ("Lý Thị Mới,N001,,,ST-LH,\nLý Thị Khác,N001,,,ST-LH,\n", "Trùng với dòng 2"),
        ("Lý Thị Mới,CB0001,,,ST-LH,\n", "Trùng với cán bộ đã có"),
        ("Lý Thị Mới,N9,,,ST-LH,đi chơi\n", "Trạng thái"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_written(login_as, client, rows, expected):
    login_as("hr")
    before = _count()
    html = _upload(client, "ds.csv", (HEADER + rows).encode()).get_data(as_text=True)
    assert expected in html and "chưa có dữ liệu nào được ghi" in html
    assert _count() == before


def test_duplicate_by_folded_name_and_birth_date(login_as, client):
    login_as("hr")
    rows = (
        f"{unicodedata.normalize('NFD', 'Lê Văn Tám')},,05/05/1985,,ST-LH,\n"
        "LE VAN TAM,,05/05/1985,,ST-AN,\n"
    )
    html = _upload(client, "ds.csv", (HEADER + rows).encode()).get_data(as_text=True)
    assert "Trùng với dòng 2" in html


def test_unknown_column_and_outside_scope_are_errors(login_as, client):
    login_as("hr.xa")
    html = _upload(client, "ds.csv", "Họ và tên,Mã đơn vị,Lương\nA B,ST-AN,1\n".encode()).get_data(
        as_text=True
    )
    assert "Cột không hợp lệ" in html
    html = _upload(client, "ds.csv", "Họ và tên,Mã đơn vị\nA B,ST-AN\n".encode()).get_data(
        as_text=True
    )
    assert "ngoài phạm vi" in html


def test_xlsx_import(login_as, client):
    login_as("hr")
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Mã đơn vị", "Ngày sinh"])
    ws.append(["Kim Thị Sa", "ST-TD", "12/12/1992"])
    buffer = io.BytesIO()
    wb.save(buffer)
    html = _upload(client, "ds.xlsx", buffer.getvalue()).get_data(as_text=True)
    assert "Sẵn sàng nhập 1 cán bộ" in html


@pytest.mark.parametrize("data", [b"", b"\xff\xfe\x00garbage", b"PK\x03\x04broken"])
def test_unreadable_files_get_a_clear_error(login_as, client, data):
    login_as("hr")
    name = "ds.xlsx" if data.startswith(b"PK") else "ds.csv"
    response = _upload(client, name, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tệp rỗng" in html or "UTF-8" in html or "Không đọc được" in html or "Vui lòng" in html


def test_cli_dry_run_and_import(demo, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text(HEADER + "Thạch Thị Ngọc,N100,,,ST-VC,\n", encoding="utf-8")
    runner = demo.test_cli_runner()
    before = _count()
    result = runner.invoke(args=["staff", "import", str(path), "--dry-run"])
    assert result.exit_code == 0 and "1 cán bộ" in result.output and _count() == before
    result = runner.invoke(args=["staff", "import", str(path)])
    assert result.exit_code == 0 and _count() == before + 1
    result = runner.invoke(args=["staff", "import", str(path)])
    assert result.exit_code == 1 and "Dòng 2" in result.output
