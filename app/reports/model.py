"""What an official report holds, independent of the file format it is written to.

A ``ReportData`` is generic: the header fields of the administrative format (issuing
body, number, place and date, subject), sections of paragraphs, tables and charts in
reading order, the recipients and the signature block. ``collect.collect_report`` fills
one from the database; ``docx.render_docx`` writes it as an editable Word file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.analytics.charts import ChartSpec
from app.exports.tables import Table

Block = str | Table | ChartSpec  # a paragraph, a table or a chart


@dataclass
class Section:
    """A numbered part of the report ("I. KẾT QUẢ …"): blocks in reading order."""

    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def charts(self) -> list[ChartSpec]:
        return [b for b in self.blocks if isinstance(b, ChartSpec)]


@dataclass
class ReportData:
    """Header fields (Decree 30/2020/NĐ-CP layout), body sections, recipients, signature."""

    issuing_body: str  # "SỞ NỘI VỤ" — tên cơ quan ban hành
    subject: str  # trích yếu: "Kết quả đánh giá … 6 tháng đầu năm 2026"
    issued_on: date
    place: str = ""  # địa danh: "Sóc Trăng"
    issuing_parent: str = ""  # tên cơ quan chủ quản: "UBND TỈNH SÓC TRĂNG"
    doc_number: str = ""  # số, ký hiệu "15/BC-SNV"; blank leaves room to number it by hand
    code: str = "BC"  # ký hiệu of the document type, used when ``doc_number`` is blank
    title: str = "BÁO CÁO"
    sections: list[Section] = field(default_factory=list)
    recipients: Sequence[str] = ("Như trên", "Lưu: VT")
    signer_title: str = ""  # "GIÁM ĐỐC" or "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer_name: str = ""

    @property
    def number_line(self) -> str:
        """ "Số: 15/BC-SNV", or "Số:      /BC-…" with room for the number."""
        if self.doc_number.strip():
            return f"Số: {self.doc_number.strip()}"
        return f"Số:      /{self.code}-" + _initials(self.issuing_body)

    @property
    def date_line(self) -> str:
        """ "Sóc Trăng, ngày 05 tháng 01 năm 2026" (a leading zero for days < 10 and for
        January and February, as the decree asks)."""
        d = self.issued_on
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        place = f"{self.place.strip()}, " if self.place.strip() else ""
        return f"{place}ngày {d.day:02d} tháng {month} năm {d.year}"


def _initials(name: str) -> str:
    """ "SỞ NỘI VỤ" → "SNV" (the usual abbreviation of the issuing body)."""
    letters = []
    for word in name.split():
        first = word[0].upper()
        letters.append(first if first == "Đ" else unicodedata.normalize("NFD", first)[0])
    return "".join(letters)
