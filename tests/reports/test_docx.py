"""The DOCX report: administrative layout, fonts, tables, charts; LibreOffice opens it."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from app.analytics.charts import ChartSpec, Series
from app.exports.tables import Table
from app.reports.build_template import build_template
from app.reports.docx import TEMPLATE, render_docx
from app.reports.fmt import cell_text, percent, roman
from app.reports.model import ReportData, Section
from tests.conftest import missing

CHART = ChartSpec(
    kind="hbar",
    title="Tỷ lệ đạt theo đơn vị",
    labels=("Xã Long Hưng", "Phường Vĩnh Châu"),
    series=(Series("Tỷ lệ đạt", (0.72, 0.55)),),
    percent=True,
    reference=0.58,
    reference_label="Năm 2016",
)


def sample(**overrides) -> ReportData:
    table = Table(
        "Kết quả theo đơn vị",
        ["Đơn vị", "Số người", "Tỷ lệ"],
        [["Xã Long Hưng", 1234, "72,0 %"], ['=HYPERLINK("x") & <b>', 5, 0.5]],
        notes=["Ghi chú: khoảng tin cậy Wilson 95 %."],
    )
    data = ReportData(
        issuing_parent="UBND tỉnh Sóc Trăng",
        issuing_body="Sở Nội vụ",
        subject="Kết quả đánh giá năng lực 6 tháng đầu năm 2026",
        issued_on=date(2026, 1, 5),
        place="Sóc Trăng",
        doc_number="15/BC-SNV",
        sections=[
            Section("Kết quả kiểm tra", ["Đoạn văn thứ nhất.", table, CHART]),
            Section("Kiến nghị", ["Đề nghị tiếp tục bồi dưỡng."]),
        ],
        recipients=["UBND tỉnh (để báo cáo)", "Lưu: VT, TCCB"],
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn An",
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _texts(doc) -> list[str]:
    found = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                found += [p.text for p in cell.paragraphs]
    return found


def _effective(paragraph, run, attr: str):
    """A run's font attribute as Word resolves it: the run, then the style chain."""
    value = getattr(run.font, attr)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.font, attr)
        style = style.base_style
    return value


def test_header_follows_the_administrative_format():
    doc = _open(render_docx(sample()))
    header, closing = doc.tables[0], doc.tables[-1]
    left, right = (c.text for c in header.rows[0].cells)
    assert left.split("\n") == ["UBND TỈNH SÓC TRĂNG", "SỞ NỘI VỤ", "", "Số: 15/BC-SNV"]
    motto = [p.text for p in header.rows[0].cells[1].paragraphs]
    assert motto[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # a leading zero for days below 10 and for January and February (Decree 30/2020)
    assert "Sóc Trăng, ngày 05 tháng 01 năm 2026" in right
    texts = _texts(doc)
    assert "BÁO CÁO" in texts and "Kết quả đánh giá năng lực 6 tháng đầu năm 2026" in texts
    assert "I. KẾT QUẢ KIỂM TRA" in texts and "II. KIẾN NGHỊ" in texts
    recipients = [p.text for p in closing.rows[0].cells[0].paragraphs]
    assert recipients == ["Nơi nhận:", "- UBND tỉnh (để báo cáo);", "- Lưu: VT, TCCB."]
    signature = closing.rows[0].cells[1].text
    assert "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" in signature and signature.endswith("Nguyễn Văn An")
    assert not any("{{" in t for t in texts)


def test_blank_number_leaves_room_and_abbreviates_the_body():
    doc = _open(render_docx(sample(doc_number="", issuing_body="Sở Nội vụ")))
    assert "Số:      /BC-SNV" in doc.tables[0].rows[0].cells[0].text
    assert ReportData("Ủy ban nhân dân xã Đại Hải", "x", date(2026, 3, 9)).number_line.endswith(
        "/BC-UBNDXĐH"
    )


def test_every_run_is_times_new_roman_and_body_text_13_to_14_pt():
    doc = _open(render_docx(sample()))
    body = [p for p in doc.paragraphs if p.style.name in ("BC Body", "BC Section", "BC Title")]
    assert len(body) >= 5
    for paragraph in body:
        for run in paragraph.runs:
            assert _effective(paragraph, run, "name") == "Times New Roman"
            assert 13 <= _effective(paragraph, run, "size").pt <= 14
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert defaults.get(qn("w:ascii")) == "Times New Roman"
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 3.0 and round(section.right_margin.cm, 1) == 1.5


def test_tables_and_charts_are_in_the_body():
    data = sample()
    doc = _open(render_docx(data))
    grid = doc.tables[1]  # header table, then the data table, then the closing table
    assert len(doc.tables) == 3 and grid.style.name == "Table Grid"
    rows = [[c.text for c in row.cells] for row in grid.rows]
    # numbers in Vietnamese notation; user text kept verbatim (escaped XML, no formulas)
    assert rows == [
        ["Đơn vị", "Số người", "Tỷ lệ"],
        ["Xã Long Hưng", "1.234", "72,0 %"],
        ['=HYPERLINK("x") & <b>', "5", "0,50"],
    ]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    texts = _texts(doc)
    assert "Bảng 1. Kết quả theo đơn vị" in texts and "Biểu đồ 1. Tỷ lệ đạt theo đơn vị" in texts
    assert "Ghi chú: khoảng tin cậy Wilson 95 %." in texts
    assert len(doc.inline_shapes) == 1
    described = doc.element.body.find(".//" + qn("wp:docPr"))
    assert described.get("descr") == CHART.alt_text()
    image = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[image].content_type == "image/png"


def test_template_is_reproducible_from_the_script():
    """The committed template is exactly what ``build_template.py`` makes."""
    assert build_template() == TEMPLATE.read_bytes()


@pytest.mark.parametrize(
    ("value", "text"),
    [(1234567, "1.234.567"), (0.5, "0,50"), (1234.5, "1.234,50"), (None, ""), (True, "Có")],
)
def test_cell_text_in_vietnamese_notation(value, text):
    assert cell_text(value) == text


def test_percent_and_roman():
    assert percent(0.583) == "58,3 %" and percent(None) == "—"
    assert [roman(n) for n in (1, 4, 5, 9, 14)] == ["I", "IV", "V", "IX", "XIV"]


def test_libreoffice_converts_the_report_to_pdf(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        missing("LibreOffice (soffice) is not installed")
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(render_docx(sample()))
    profile = tmp_path / "profile"  # a private profile: parallel runs do not share a lock
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "bao-cao.pdf"
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 20_000  # the text, two tables and the chart image
