"""Safe table downloads and charts with Vietnamese text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from app.analytics.charts import ChartSpec, Series, cached_render, missing_glyphs, render
from app.exports.tables import Table, to_csv, to_xlsx

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR"]


def _table() -> Table:
    rows = [[text, 1.5, None] for text in HOSTILE] + [["Nguyễn Thị Ánh", 3, True]]
    return Table("Kết quả: [thử]", ["Tên", "Điểm", "Ghi chú"], rows, notes=["=1+2 ghi chú"])


def test_xlsx_reloads_without_formula_cells():
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx([_table(), _table()])))
    assert len(workbook.sheetnames) == 2 and len(set(workbook.sheetnames)) == 2
    sheet = workbook.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert '\'=HYPERLINK("http://x","y")' in texts and "Nguyễn Thị Ánh" in texts
    assert sheet["B2"].value == 1.5 and sheet["B8"].value == 3  # numbers stay numbers


def test_csv_is_utf8_with_bom_and_inert():
    data = to_csv(_table())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Tên", "Điểm", "Ghi chú"]
    firsts = [r[0] for r in rows if r]
    assert all(not f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in firsts)
    assert rows[-1] == ["'=1+2 ghi chú"]


VIETNAMESE = (
    "Tỉ lệ đạt theo đơn vị: Phường Ngã Bảy, Xã Thạnh Trị — Hài lòng, Rất không hài lòng, ữ ặ ở ỳ Đ"
)


def test_chart_font_has_every_vietnamese_letter():
    assert missing_glyphs(VIETNAMESE) == set()
    assert missing_glyphs("漢") == {"漢"}  # the check can fail


@pytest.mark.parametrize("kind", ["bar", "hbar", "line"])
def test_charts_render_png_and_svg_without_missing_glyph_warnings(kind, recwarn):
    spec = ChartSpec(
        kind=kind,
        title=VIETNAMESE[:30],
        labels=("Phường Ngã Bảy", "Xã Thạnh Trị"),
        series=(Series("Tỉ lệ đạt", (0.62, 0.41)),),
        percent=True,
        reference=0.58,
        reference_label="Mốc 2016: 58 %",
        intervals=((0.5, 0.7), (0.3, 0.52)),
    )
    png = render(spec, "png")
    svg = render(spec, "svg")
    assert png.startswith(b"\x89PNG") and b"<svg" in svg
    assert not [w for w in recwarn if "missing from" in str(w.message)]
    assert "Phường Ngã Bảy: 62.0 %" in spec.alt_text() and "58.0 %" in spec.alt_text()


def test_chart_cache_reuses_the_file(tmp_path):
    spec = ChartSpec("bar", "A", ("x",), (Series("s", (1.0,)),))
    first = cached_render(spec, "svg", tmp_path)
    (path,) = tmp_path.iterdir()
    path.write_bytes(b"cached")
    assert first.startswith(b"<?xml") and cached_render(spec, "svg", tmp_path) == b"cached"
    other = ChartSpec("bar", "A", ("x",), (Series("s", (2.0,)),))
    assert cached_render(other, "svg", tmp_path) != b"cached"


def test_spec_rejects_mismatched_series():
    with pytest.raises(ValueError):
        ChartSpec("bar", "A", ("x", "y"), (Series("s", (1.0,)),))
