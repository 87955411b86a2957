"""Fuzzing: no input makes a parser raise. The inner parsers are called directly, so a bug is
not hidden by the registry's last-resort ``except``."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.bank.formats import FORMATS, parse
from app.bank.formats.gift import parse_gift
from app.bank.formats.model import ParseResult
from app.bank.formats.moodlexml import parse_moodle_xml
from app.bank.formats.tabular import parse_csv, parse_xlsx
from app.bank.formats.yaml_format import parse_yaml

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GIFT_PIECES = [
    "{",
    "}",
    "=",
    "~",
    "#",
    "####",
    "%50%",
    "%-25%",
    "->",
    "..",
    ":",
    "::",
    "\\",
    "\n",
    "\n\n",
    "// [id:x] [tag:y]\n",
    "$CATEGORY: $course$/top/A\n",
    "[html]",
    "T",
    "TRUE",
    "F",
    "#",
    "1822",
    "-1.5",
    "*",
    " ",
    "Đúng",
    "_____",
]
XML_PIECES = [
    "<quiz>",
    "</quiz>",
    "<question type='multichoice'>",
    "<question type='truefalse'>",
    "<question type='numerical'>",
    "<question type='matching'>",
    "</question>",
    "<question type='category'><category><text>$course$/top/A</text></category>",
    "<answer fraction='100'>",
    "<answer fraction='x'>",
    "</answer>",
    "<text>",
    "</text>",
    "<subquestion>",
    "</subquestion>",
    "<tolerance>1</tolerance>",
    "<single>false</single>",
    "<file name='a' encoding='base64'>",
    "</file>",
    "QUJD",
    "&amp;",
    "&bogus;",
    "<![CDATA[",
    "]]>",
    "Đ",
    "\n",
]
YAML_PIECES = [
    "questions:",
    "topic:",
    "- ",
    "  ",
    "type: ",
    "single_choice",
    "numerical",
    "matching",
    "true_false",
    "stem: ",
    "options:",
    "answers:",
    "pairs:",
    "text: ",
    "credit: ",
    "1",
    "-0.5",
    "value: ",
    "min: ",
    "max: ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "\n",
    "---",
    "answer: ",
    "true",
    "source:",
    "document: ",
    "issued: 2025-13-40",
    "Đ",
    ": ",
    "|",
]
CSV_PIECES = [
    "Loại",
    "Nội dung câu hỏi",
    "Phương án A",
    "Điểm A",
    "Đáp án",
    "Văn bản nguồn",
    "Ngày ban hành",
    ",",
    ";",
    "\n",
    '"',
    "Một đáp án",
    "Số",
    "Ghép cặp",
    "Đúng/Sai",
    "A",
    "A,C",
    "100",
    "-50",
    "x -> y",
    "1..",
    "±",
    "'=",
    "=1+1",
    "2025-02-30",
    "Đ",
]


def pieces(words: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(words), max_size=40).map("".join)


def check(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    for question in result.questions:
        assert question.line >= 0


@given(st.one_of(st.text(), pieces(GIFT_PIECES)))
@FUZZ
def test_gift_never_raises(text: str) -> None:
    check(parse_gift(text))


@given(st.one_of(st.binary(), pieces(XML_PIECES).map(str.encode)))
@FUZZ
def test_moodle_xml_never_raises(data: bytes) -> None:
    check(parse_moodle_xml(data))


@given(st.one_of(st.text(), pieces(YAML_PIECES)))
@FUZZ
def test_yaml_never_raises(text: str) -> None:
    check(parse_yaml(text))


@given(st.one_of(st.text(), pieces(CSV_PIECES)))
@FUZZ
def test_csv_never_raises(text: str) -> None:
    check(parse_csv(text))


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@given(
    st.one_of(
        st.binary(),
        st.dictionaries(
            st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]),
            st.binary(max_size=200),
        ).map(_zip),
    )
)
@settings(max_examples=100, deadline=None)
def test_xlsx_never_raises(data: bytes) -> None:
    check(parse_xlsx(data))


@pytest.mark.parametrize("fmt", FORMATS)
@given(data=st.binary())
@settings(max_examples=50, deadline=None)
def test_registry_never_raises(fmt: str, data: bytes) -> None:
    result = parse(data, fmt)
    check(result)
    assert result.questions == [] or result.questions[0].stem is not None
