"""Builds ``templates/bao-cao-dinh-ky.docx``, the Word template of the periodic report.

Run ``python -m app.reports.build_template`` after changing this file and commit the
result; ``tests/reports`` checks the committed file is exactly what this script makes.

The layout follows Decree 30/2020/NĐ-CP, Appendix I (administrative documents): A4,
margins 2 cm top and bottom, 3 cm left, 1.5 cm right; Times New Roman; a two-column
header — issuing bodies and number on the left, the national motto and the place and date
line on the right; "BÁO CÁO" and the subject centred in bold; body text 14 pt, justified,
first line indented 1.27 cm, 6 pt between paragraphs; "Nơi nhận:" bottom left (12 pt bold
italic, the list in 11 pt) and the signature block bottom right; page numbers centred in
the top margin from page 2. Placeholders are ``{{name}}`` runs that ``docx.render_docx``
replaces; the styles named ``BC …`` are what it formats the content with.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.reports.docx import TEMPLATE

FONT = "Times New Roman"
HEADER = (6.5, 10.0)  # cm: issuing body | national motto
TEXT_WIDTH = 16.5  # cm: A4 less 3 cm and 1.5 cm margins
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip entry times, so the build is byte-for-byte stable


def _font(target, size: float, *, bold: bool = False, italic: bool = False) -> None:
    target.font.name = FONT
    target.font.size = Pt(size)
    target.font.bold = bold
    target.font.italic = italic
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _defaults(doc) -> None:
    """Times New Roman in the document defaults too, instead of the theme's fonts."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    language = fonts.getparent().find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "vi-VN")


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    _font(normal, 14)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    specs = {
        # name: (size, bold, italic, alignment, first-line indent, space after)
        "BC Body": (14, False, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 1.27, 6),
        "BC Section": (14, True, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 1.27, 6),
        "BC Caption": (13, True, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 3),
        "BC Figure": (13, False, True, WD_ALIGN_PARAGRAPH.CENTER, 0, 6),
        "BC Note": (12, False, True, WD_ALIGN_PARAGRAPH.JUSTIFY, 0, 6),
        "BC Table": (12, False, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0),
        "BC Header": (13, False, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 0),
        "BC Title": (14, True, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 0),
        "BC Recipients": (11, False, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0),
    }
    for name, (size, bold, italic, align, indent, after) in specs.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _font(style, size, bold=bold, italic=italic)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Cm(indent) if indent else None
        fmt.space_after = Pt(after)
        fmt.line_spacing = 1.15 if name in ("BC Body", "BC Section") else 1.0


def _page(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.different_first_page_header_footer = True  # no number on page 1
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run()
    _font(run, 13)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    text = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "2"
    text.append(t)
    field.append(text)
    header._p.append(field)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )


def _rule(container, length: float, width: float) -> None:
    """A centred horizontal line ``length`` cm long under the previous line (the decree's
    rule under the issuing body, the motto and the subject): the top border of a tiny
    empty paragraph indented from both sides of a ``width`` cm column."""
    paragraph = container.add_paragraph(style="BC Header")
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm((width - length) / 2)
    fmt.line_spacing = Pt(4)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        top.set(qn(f"w:{key}"), value)
    border.append(top)
    paragraph._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


def _line(cell_or_doc, text: str, style: str, **run_format) -> None:
    paragraph = cell_or_doc.add_paragraph(style=style)
    run = paragraph.add_run(text)
    for key, value in run_format.items():
        setattr(run.font, key, value)


def _two_columns(doc, widths: tuple[float, float]):
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = cell.width = Cm(width)
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table.rows[0].cells


def _header(doc) -> None:
    left, right = _two_columns(doc, HEADER)
    _line(left, "{{co_quan_chu_quan}}", "BC Header")
    _line(left, "{{co_quan_ban_hanh}}", "BC Header", bold=True)
    _rule(left, 2.5, HEADER[0])
    _line(left, "{{so_ky_hieu}}", "BC Header")
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BC Header", bold=True, size=Pt(13))
    _line(right, "Độc lập - Tự do - Hạnh phúc", "BC Header", bold=True, size=Pt(14))
    _rule(right, 6.6, HEADER[1])
    _line(right, "{{dia_danh_ngay}}", "BC Header", italic=True, size=Pt(14))


def _title(doc) -> None:
    doc.add_paragraph(style="BC Title")
    _line(doc, "{{loai_van_ban}}", "BC Title")
    _line(doc, "{{trich_yeu}}", "BC Title")
    _rule(doc, 3.0, TEXT_WIDTH)
    doc.add_paragraph(style="BC Body")
    _line(doc, "{{noi_dung}}", "BC Body")
    doc.add_paragraph(style="BC Body")


def _closing(doc) -> None:
    left, right = _two_columns(doc, (8.0, 8.5))
    _line(left, "Nơi nhận:", "BC Recipients", bold=True, italic=True, size=Pt(12))
    _line(left, "{{noi_nhan}}", "BC Recipients")
    _line(right, "{{chuc_vu}}", "BC Title")
    for _ in range(4):  # room for the signature and the seal
        right.add_paragraph(style="BC Title")
    _line(right, "{{nguoi_ky}}", "BC Title")


def build_template() -> bytes:
    """The template as .docx bytes (deterministic: fixed metadata and zip times)."""
    doc = Document()
    for paragraph in doc.paragraphs:  # the default template's empty first paragraph
        paragraph._p.getparent().remove(paragraph._p)
    _defaults(doc)
    _styles(doc)
    _page(doc)
    _header(doc)
    _title(doc)
    _closing(doc)
    props = doc.core_properties
    props.author = props.last_modified_by = "onestop-assess"
    props.title = "Báo cáo định kỳ"
    props.created = props.modified = datetime(2026, 1, 1)
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def main() -> None:
    TEMPLATE.write_bytes(build_template())
    print(f"wrote {TEMPLATE}")


if __name__ == "__main__":
    main()
