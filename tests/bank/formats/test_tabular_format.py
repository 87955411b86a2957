"""XLSX and CSV: the template, every type in a sheet, row numbers, formula injection."""

from __future__ import annotations

import csv
import dataclasses
import io
import unicodedata
from datetime import date

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.bank.formats import parse, write
from app.bank.formats.model import (
    Difficulty,
    MatchPair,
    NumericAnswer,
    Option,
    QuestionData,
    QuestionType,
    SourceRef,
    TextFormat,
)
from app.bank.formats.tabular import (
    neutralise_cell,
    parse_csv,
    parse_xlsx,
    restore_cell,
    write_csv,
    write_xlsx,
    xlsx_template,
)

HEADER = (
    "Mã câu hỏi,Loại,Chủ đề,Độ khó,Nội dung câu hỏi,Phương án A,Điểm A,Phản hồi A,"
    "Phương án B,Điểm B,Phản hồi B,Phương án C,Điểm C,Đáp án,Phản hồi chung,Thẻ,"
    "Vị trí áp dụng,Văn bản nguồn,Điều khoản,Ngày kiểm tra nguồn,Phân biệt hoa thường\n"
)
ROWS = (
    "S1,Một đáp án,A/B,Dễ,Câu một?,Đúng,,Hay,Sai,,,Cũng sai,,A,Chung,t1; t2,p1,"
    "NĐ 118,Điều 16,22/11/2026,\n"
    'M1,Nhiều đáp án,,Khó,Câu nhiều?,X,,,Y,,,Z,,"A, C",,,,,,,\n'
    "M2,multiple_response,,,Câu điểm?,X,50,,Y,-100,,Z,50,,,,,,,,\n"
    "T1,Đúng/Sai,,,Trời xanh?,,,Đúng là xanh,,,Sai rồi,,,Đúng,,,,,,,\n"
    'N1,Số,,,Bao nhiêu?,1822 ± 2,,,"1,5",50,,1820..1824,,,,,,,,,\n'
    "K1,Ghép cặp,,,Ghép?,Xã -> Cấp xã,,,Tỉnh -> Cấp tỉnh,,,-> Cấp huyện,,,,,,,,,\n"
    "R1,Trả lời ngắn,,,Viết tắt?,TTPVHCC,,,PVHCC,50,Gần,,,,,,,,,,Có\n"
    'E1,Tự luận,,Trung bình,"Trình bày\nquy trình",,,,,,,,,,,,,,,,\n'
)


def test_template_parses_to_its_examples() -> None:
    data = xlsx_template()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    header = [c.value for c in workbook["Câu hỏi"][1]]
    assert header[:7] == [
        "Mã câu hỏi",
        "Tên câu hỏi",
        "Loại",
        "Chủ đề",
        "Độ khó",
        "Định dạng",
        "Nội dung câu hỏi",
    ]
    assert "Phương án H" in header and "Điểm H" in header and "Đáp án" in header
    assert workbook["Hướng dẫn"].max_row > 20
    result = parse_xlsx(data)
    assert result.issues == []
    first, second = result.questions
    assert (first.external_id, first.type, first.line) == ("VD-001", QuestionType.SINGLE_CHOICE, 2)
    assert [o.credit for o in first.options] == [1.0, 0.0]
    assert first.difficulty == Difficulty.EASY
    assert first.sources == [
        SourceRef("Nghị định 118/2025/NĐ-CP", "Điều 16 khoản 3", issued=date(2025, 6, 9))
    ]
    assert (second.type, second.line) == (QuestionType.MULTIPLE_RESPONSE, 3)
    assert [o.credit for o in second.options] == [0.5, 0.5, -1.0]


def test_every_type_in_a_csv() -> None:
    result = parse_csv(HEADER + ROWS)
    assert result.issues == []
    s1, m1, m2, t1, n1, k1, r1, e1 = result.questions
    assert s1.options == [Option("Đúng", 1.0, "Hay"), Option("Sai", 0.0), Option("Cũng sai", 0.0)]
    assert (s1.topic, s1.tags, s1.positions) == ("A/B", ["t1", "t2"], ["p1"])
    assert s1.sources == [SourceRef("NĐ 118", "Điều 16", checked_on=date(2026, 11, 22))]
    assert [o.credit for o in m1.options] == [0.5, 0.0, 0.5]
    assert [o.credit for o in m2.options] == [0.5, -1.0, 0.5]
    assert t1.options == [Option("true", 1.0, "Đúng là xanh"), Option("false", 0.0, "Sai rồi")]
    assert n1.numeric_answers == [
        NumericAnswer(value=1822.0, tolerance=2.0),
        NumericAnswer(value=1.5, tolerance=0.0, credit=0.5),
        NumericAnswer(low=1820.0, high=1824.0),
    ]
    assert k1.pairs == [
        MatchPair("Xã", "Cấp xã"),
        MatchPair("Tỉnh", "Cấp tỉnh"),
        MatchPair("", "Cấp huyện"),
    ]
    assert r1.options == [Option("TTPVHCC", 1.0), Option("PVHCC", 0.5, "Gần")] and r1.case_sensitive
    assert (e1.stem, e1.line) == ("Trình bày\nquy trình", 9)


def test_english_headers_and_semicolons() -> None:
    text = (
        "ID;Type;Question;Option A;Option B;Credit A;Credit B;Feedback B;Key\n"
        "Q;single choice;Hỏi?;x;y;;;no;B\n"
    )
    [q] = parse_csv(text).questions
    assert q.options == [Option("x", 0.0), Option("y", 1.0, "no")]


def test_unknown_column_is_named() -> None:
    result = parse_csv("Loại,Nội dung câu hỏi,Ghi chú riêng\nTự luận,a,b\n")
    assert result.questions == []
    assert [(i.line, i.message) for i in result.errors] == [
        (1, "Dòng 1: cột «Ghi chú riêng» không được hỗ trợ")
    ]
    assert "thiếu cột «Nội dung câu hỏi»" in parse_csv("Loại\nTự luận\n").errors[0].message


def test_bad_rows_report_spreadsheet_row_numbers() -> None:
    text = (
        HEADER
        + 'A,Tự luận,,,"dòng 1\ndòng 2\ndòng 3",,,,,,,,,,,,,,,,\n'  # row 2 spans 3 lines
        + "B,Một đáp án,,,Hỏi?,x,,,y,,,,,D,,,,,,,\n"  # row 3: key D does not exist
        + "C,Nhiều đáp án,,,Hỏi?,x,60,,y,20,,,,,,,,,,,\n"  # row 4: credits add up to 80 %
        + ",,,,,,,,,,,,,,,,,,,,\n"  # row 5: empty, skipped
        + "D,Loại lạ,,,Hỏi?,,,,,,,,,,,,,,,,\n"  # row 6
        + "E,Một đáp án,,,Hỏi?,x,,,y,,,,,A,,,,NĐ,,01/02/20x6,\n"  # row 7: bad date
    )
    result = parse_csv(text)
    assert [q.external_id for q in result.questions] == ["A", "C"]
    assert [i.line for i in result.errors] == [3, 4, 6, 7]
    messages = [i.message for i in result.errors]
    assert messages[0] == "Dòng 3: đáp án D trỏ tới phương án không tồn tại"
    assert messages[1].startswith("Dòng 4: tổng điểm") and "80%" in messages[1]
    assert "Loại lạ" in messages[2] and "01/02/20x6" in messages[3]


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ('Một đáp án,Hỏi?,x,,y,,"A,B"', "một chữ cái"),
        ("Một đáp án,Hỏi?,x,100,y,,B", "không khớp"),
        ("Đúng/Sai,Hỏi?,,,,,Có lẽ", "Đúng hoặc Sai"),
        ("Số,Hỏi?,khoảng 3,,,,", "1822 ± 2"),
        ("Ghép cặp,Hỏi?,a = b,,c -> d,,", "vế trái -> vế phải"),
        ("Trả lời ngắn,Hỏi?,a,,b,,A", "cột Đáp án không dùng"),
        ("Tự luận,Hỏi?,a,,,,", "không có phương án"),
        ("Một đáp án,Hỏi?,,50,y,,", "Phương án A trống"),
        ("Một đáp án,Hỏi?,x,nửa,y,,", "Điểm A"),
        ("Một đáp án,Hỏi?,x,,y,,A-C", "chữ cái"),
        ("Một đáp án,Hỏi?,x,,y,,A,,2026-01-01", "thiếu Văn bản nguồn"),
    ],
)
def test_row_errors(row: str, words: str) -> None:
    header = "Loại,Nội dung câu hỏi,Phương án A,Điểm A,Phương án B,Điểm B,Đáp án,"
    header += "Điều khoản,Ngày ban hành"
    result = parse_csv(f"{header}\n{row}\n")
    assert result.questions == []
    assert result.errors[0].line == 2 and words in result.errors[0].message


DANGEROUS = QuestionData(
    type=QuestionType.SINGLE_CHOICE,
    stem='=HYPERLINK("http://evil.example","bấm")',
    name="+cmd|' /C calc'!A0",
    external_id="@SUM(1)",
    options=[Option("-2+3", 1.0, "\tTab"), Option("'=đã có nháy", 0.0, "\rCR")],
    tags=["-thẻ"],
)


def test_formula_injection_is_neutralised_in_xlsx_and_restored() -> None:
    data = write_xlsx([DANGEROUS])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [cell.value for cell in sheet[2] if isinstance(cell.value, str) and cell.value]
    assert all(cell.data_type != "f" for cell in sheet[2])
    assert '\'=HYPERLINK("http://evil.example","bấm")' in values
    assert "''=đã có nháy" in values and "'-2+3" in values and "'@SUM(1)" in values
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)
    [back] = parse_xlsx(data).questions
    assert back.content_equal(trimmed(DANGEROUS))


def test_formula_injection_is_neutralised_in_csv_and_restored() -> None:
    text = write_csv([DANGEROUS])
    cells = list(csv.reader(io.StringIO(text)))[1]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert '\'=HYPERLINK("http://evil.example","bấm")' in cells
    [back] = parse_csv(text).questions
    assert back.content_equal(trimmed(DANGEROUS))


def trimmed(q: QuestionData) -> QuestionData:
    """What a reader gives back: every reader trims the white space around a text."""
    options = [Option(o.text.strip(), o.credit, o.feedback.strip()) for o in q.options]
    return dataclasses.replace(q, options=options)


def test_uploaded_formula_cells_are_refused() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Loại", "Nội dung câu hỏi"])
    sheet.append(["Tự luận", "=1+1"])
    out = io.BytesIO()
    workbook.save(out)
    result = parse_xlsx(out.getvalue())
    assert [(i.line, "B2" in i.message) for i in result.errors] == [(2, True), (2, False)]


@given(st.text(max_size=20))
@settings(max_examples=200, deadline=None)
def test_neutralise_then_restore_is_identity(value: str) -> None:
    safe = neutralise_cell(value)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore_cell(safe) == value


def test_neutralise_leaves_other_values_alone() -> None:
    assert neutralise_cell(42) == 42 and neutralise_cell(None) is None
    assert neutralise_cell("an toàn") == "an toàn" and restore_cell("'tis") == "'tis"


def test_bom_crlf_and_nfd_through_the_registry() -> None:
    nfd = unicodedata.normalize("NFD", "Nội dung có dấu tiếng Việt")
    text = f"Loại,Nội dung câu hỏi\r\nTự luận,{nfd}\r\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), text.replace("\r\n", "\r").encode()):
        result = parse(data, "csv")
        assert result.issues == []
        assert result.questions[0].stem == "Nội dung có dấu tiếng Việt"
        assert unicodedata.is_normalized("NFC", result.questions[0].stem)


def test_write_csv_through_registry_has_bom_and_round_trips() -> None:
    questions = parse_csv(HEADER + ROWS).questions
    data = write(questions, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    back = parse(data, "csv").questions
    assert all(a.content_equal(b) for a, b in zip(questions, back, strict=True))


def test_many_options_get_extra_columns() -> None:
    q = QuestionData(
        type=QuestionType.SHORT_ANSWER,
        stem="Tên?",
        stem_format=TextFormat.PLAIN,
        options=[Option(f"đáp án {i}", 1.0) for i in range(10)],
    )
    data = write_xlsx([q])
    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(data)).active[1]]
    assert "Phương án J" in header
    assert parse_xlsx(data).questions[0].content_equal(q)


@pytest.mark.parametrize("data", [b"PK\x03\x04garbage", b"not a zip at all", b""])
def test_broken_xlsx(data: bytes) -> None:
    result = parse_xlsx(data)
    assert result.questions == [] and "xlsx" in result.errors[0].message
