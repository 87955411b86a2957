"""``flask surveys export FILE``: every response of a sub-tree, streamed in batches, with the
download's columns, masking and formula-neutralising, and never a half-written file."""

import csv
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Unit
from app.surveys.export_file import ExportError, export_responses
from tests.surveys.conftest import qr_of

URL = "/api/v1/public/responses"
FORMULA = '=HYPERLINK("http://x.example","bấm")'


def _respond(client, surveys, unit_code: str, rating: int, comment: str = "") -> None:
    answers = {"officer_rating": rating, "overall": rating}
    if comment:
        answers["comment"] = comment
    body = {"channel_code": qr_of(surveys, unit_code), "answers": answers}
    assert client.post(URL, json=body).status_code == 201


@pytest.fixture
def responses(client, surveys):
    _respond(client, surveys, "ST-MX-TT", 5, "Gọi tôi 0912 345 678")
    _respond(client, surveys, "ST-MX-DH", 4, FORMULA)
    _respond(client, surveys, "ST-MX-DH", 2)
    _respond(client, surveys, "ST-LH", 3)
    return surveys


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads the diacritics
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_csv_of_a_sub_tree_in_small_batches(app, responses, tmp_path):
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "ST-MX"))
    out = tmp_path / "phieu.csv"
    assert export_responses(out, unit=unit, batch=1) == 3  # one response per batch
    head, *rows = _csv_rows(out)
    assert head[:5] == ["Tháng", "Đơn vị", "Kênh", "Đã xác thực", "Công chức được đánh giá"]
    assert sorted(row[1] for row in rows) == ["Thị trấn Mỹ Xuyên", "Xã Đại Hải", "Xã Đại Hải"]
    text = out.read_text(encoding="utf-8-sig")
    assert "0912 345 678" not in text and "[số điện thoại đã ẩn]" in text
    comment = head.index("comment")
    assert "'" + FORMULA in [row[comment] for row in rows]  # inert in a spreadsheet
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phieu.csv"]  # no part file left


def test_command_writes_xlsx_without_formula_cells(app, responses, tmp_path):
    out = tmp_path / "phieu.xlsx"
    result = app.test_cli_runner().invoke(args=["surveys", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 phiếu" in result.output
    book = openpyxl.load_workbook(out)
    sheet = book["Phiếu trả lời"]
    assert sheet.max_row == 5  # the header and every response of the province
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + FORMULA in [cell.value for cell in cells]
    assert [c.value for c in book["Câu hỏi"][1]] == ["Phiên bản phiếu", "Khóa", "Loại", "Nội dung"]


def test_verified_only_and_since_filter(app, responses, tmp_path):
    out = tmp_path / "phieu.csv"
    result = app.test_cli_runner().invoke(args=["surveys", "export", str(out), "--verified"])
    assert result.exit_code == 0, result.output
    assert len(_csv_rows(out)) == 1  # QR responses are not verified: the header only
    later = ["surveys", "export", str(out), "--since", "01/01/2999"]
    assert app.test_cli_runner().invoke(args=later).exit_code == 0
    assert len(_csv_rows(out)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "KHONG-CO"], "Không có đơn vị mã KHONG-CO"),
        ([], "tên tệp phải kết thúc bằng .csv hoặc .xlsx"),
    ],
)
def test_bad_requests_write_nothing(app, responses, tmp_path, args, message):
    suffix = ".csv" if args else ".txt"
    out = tmp_path / f"phieu{suffix}"
    result = app.test_cli_runner().invoke(args=["surveys", "export", str(out), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_too_many_rows_for_a_worksheet_is_refused(app, responses, tmp_path, monkeypatch):
    monkeypatch.setattr("app.surveys.export_file.XLSX_MAX_ROWS", 3)
    with pytest.raises(ExportError, match="hãy xuất CSV"):
        export_responses(tmp_path / "phieu.xlsx")
    assert list(tmp_path.iterdir()) == []
