"""``render_docx``: a ``ReportData`` written into the committed Word template.

The template (``templates/bao-cao-dinh-ky.docx``, made by ``build_template.py``) carries the
administrative layout and the ``BC …`` styles; this module replaces its ``{{…}}``
placeholders and puts the sections where ``{{noi_dung}}`` stands: numbered section titles
("I. KẾT QUẢ …"), body paragraphs, tables (grid, bold header row repeated on every page,
12 pt) with a numbered caption above and notes below, and charts as PNG (15.5 cm wide)
with a numbered caption below and the chart's alt text as the picture's description.
python-docx escapes the text, so user input needs no treatment here (and a Word table has
no formulas to neutralise).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from app.analytics.charts import ChartSpec, render
from app.exports.tables import Table
from app.reports.fmt import cell_text, roman
from app.reports.model import ReportData, Section

TEMPLATE = Path(__file__).parent / "templates" / "bao-cao-dinh-ky.docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHART_WIDTH = Cm(15.5)


def render_docx(data: ReportData) -> bytes:
    """The report as .docx bytes."""
    doc = Document(str(TEMPLATE))
    _fill(doc, _fields(data))
    anchor = _find(doc, "{{noi_dung}}")
    counters = {"table": 0, "chart": 0}
    for index, section in enumerate(data.sections):
        _section(doc, anchor, index, section, counters)
    anchor._p.getparent().remove(anchor._p)
    _recipients(doc, list(data.recipients))
    doc.core_properties.title = f"{data.title} {data.subject}"
    doc.core_properties.created = doc.core_properties.modified = _midday(data.issued_on)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _midday(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12)


def _fields(data: ReportData) -> dict[str, str]:
    return {
        "{{co_quan_chu_quan}}": data.issuing_parent.upper(),
        "{{co_quan_ban_hanh}}": data.issuing_body.upper(),
        "{{so_ky_hieu}}": data.number_line,
        "{{dia_danh_ngay}}": data.date_line,
        "{{loai_van_ban}}": data.title.upper(),
        "{{trich_yeu}}": data.subject,
        "{{chuc_vu}}": data.signer_title.upper(),
        "{{nguoi_ky}}": data.signer_name,
    }


def _all_paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _fill(doc, fields: dict[str, str]) -> None:
    """Replace the placeholders (each is one run in the template); a value with line
    breaks becomes several lines of the same paragraph."""
    for paragraph in _all_paragraphs(doc):
        for run in paragraph.runs:
            if run.text in fields:
                lines = fields[run.text].split("\n")
                run.text = lines[0]
                for line in lines[1:]:
                    run.add_break()
                    run.add_text(line)


def _find(doc, placeholder: str):
    for paragraph in _all_paragraphs(doc):
        if paragraph.text == placeholder:
            return paragraph
    raise LookupError(f"template has no {placeholder}")


def _before(anchor, element) -> None:
    anchor._p.addprevious(element)


def _paragraph(doc, anchor, text: str, style: str):
    paragraph = doc.add_paragraph(text, style=style)
    _before(anchor, paragraph._p)
    return paragraph


def _section(doc, anchor, index: int, section: Section, counters: dict[str, int]) -> None:
    _paragraph(doc, anchor, f"{roman(index + 1)}. {section.title.upper()}", "BC Section")
    for block in section.blocks:
        if isinstance(block, Table):
            counters["table"] += 1
            _table(doc, anchor, block, counters["table"])
        elif isinstance(block, ChartSpec):
            counters["chart"] += 1
            _chart(doc, anchor, block, counters["chart"])
        else:
            _paragraph(doc, anchor, block, "BC Body")


def _table(doc, anchor, table: Table, number: int) -> None:
    _paragraph(doc, anchor, f"Bảng {number}. {table.title}", "BC Caption")
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(grid.rows[0])
    for r, values in enumerate([table.columns, *table.rows]):
        for c, value in enumerate(values):
            paragraph = grid.cell(r, c).paragraphs[0]
            paragraph.style = doc.styles["BC Table"]
            if c > 0 or r == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(cell_text(value))
            run.bold = r == 0 or None
    _before(anchor, grid._tbl)
    for note in table.notes:
        _paragraph(doc, anchor, note, "BC Note")
    if not table.notes:
        _paragraph(doc, anchor, "", "BC Note")


def _repeat_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _chart(doc, anchor, spec: ChartSpec, number: int) -> None:
    paragraph = doc.add_paragraph(style="BC Figure")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(render(spec, "png")), width=CHART_WIDTH)
    for doc_pr in paragraph._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", spec.alt_text())
        doc_pr.set("title", spec.title)
    _before(anchor, paragraph._p)
    _paragraph(doc, anchor, f"Biểu đồ {number}. {spec.title}", "BC Figure")


def _recipients(doc, recipients: list[str]) -> None:
    """ "- Như trên;" … "- Lưu: VT." — one paragraph per recipient, as the decree shows."""
    slot = _find(doc, "{{noi_nhan}}")
    lines = [f"- {r.strip().rstrip(';.')}" for r in recipients if r.strip()] or ["- Lưu: VT"]
    lines = [line + ";" for line in lines[:-1]] + [lines[-1] + "."]
    slot.runs[0].text = lines[0]
    after = slot
    for line in lines[1:]:
        paragraph = doc.add_paragraph(line, style="BC Recipients")
        after._p.addnext(paragraph._p)
        after = paragraph
