"""The registry: format detection, decoding, bad input in every format, semantic errors."""

from __future__ import annotations

import time
import unicodedata

import pytest

from app.bank.formats import FORMATS, decode_text, detect_format, parse, write
from app.bank.formats.model import Option, QuestionData, QuestionType

SAMPLE = [
    QuestionData(
        type=QuestionType.SINGLE_CHOICE,
        stem="Hồ sơ chưa đầy đủ thì làm gì?",
        options=[Option("Hướng dẫn một lần", 1.0), Option("Từ chối", 0.0)],
        topic="Một cửa",
    )
]


def cp1258(text: str) -> bytes:
    """Text as a Windows-1258 file stores it (tone marks as combining characters)."""
    return unicodedata.normalize("NFD", text).encode("cp1258")


@pytest.mark.parametrize(
    ("filename", "fmt"),
    [
        ("cau-hoi.XLSX", "xlsx"),
        ("a.csv", "csv"),
        ("a.gift", "gift"),
        ("a.txt", "gift"),
        ("moodle.xml", "moodlexml"),
        ("a.yml", "yaml"),
        ("a.yaml", "yaml"),
    ],
)
def test_detect_by_extension(filename: str, fmt: str) -> None:
    assert detect_format(filename, b"") == fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_detect_by_content(fmt: str) -> None:
    assert detect_format("upload", write(SAMPLE, fmt)) == fmt


def test_detect_unknown() -> None:
    with pytest.raises(ValueError, match="không nhận ra"):
        detect_format("x.bin", b"\x00\x01\x02")


def test_decode_text() -> None:
    assert decode_text(b"\xef\xbb\xbfa\r\nb\rc\n") == ("a\nb\nc\n", "")
    text, problem = decode_text("Việt".encode("utf-16"))
    assert text is None and "UTF-16" in problem
    text, problem = decode_text(cp1258("a\nb\nHỏi"))
    assert text is None and "Windows-1258" in problem and problem.startswith("dòng 3")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "Tệp rỗng"),
        (b"\xef\xbb\xbf \r\n\t", "Tệp rỗng"),
        (b"\x00\x9f\x92\x96\xff\xfe garbage \x00\x00\x01", ""),
        ("Câu hỏi".encode("utf-16-le"), ""),
        (cp1258("Hỏi {=Đúng ~Sai}"), ""),
    ],
)
def test_bad_input_gives_errors_not_exceptions(fmt: str, data: bytes, words: str) -> None:
    result = parse(data, fmt, filename="x")
    assert result.questions == []
    assert result.errors
    assert words in result.errors[0].message


@pytest.mark.parametrize("fmt", ["gift", "yaml", "csv", "moodlexml"])
def test_windows_1258_is_named(fmt: str) -> None:
    [error] = parse(cp1258("Hỏi {=Đúng ~Sai}"), fmt).errors
    assert "UTF-8" in error.message and "Windows-1258" in error.message


def test_unknown_format() -> None:
    assert "không được hỗ trợ" in parse(b"x", "docx").errors[0].message


@pytest.mark.parametrize("fmt", ["gift", "yaml", "csv", "moodlexml"])
def test_very_long_line_does_not_hang(fmt: str) -> None:
    # A guard against catastrophic regex backtracking (hours on 2 MB), not a speed test:
    # CPU time of this thread, so a busy machine does not make it fail.
    line = ("Đ{x}=~#:" * 250_000).encode()
    start = time.thread_time()
    parse(line, fmt)
    assert time.thread_time() - start < 60


@pytest.mark.parametrize("fmt", FORMATS)
def test_nfd_input_comes_out_nfc(fmt: str) -> None:
    data = write(SAMPLE, fmt)
    if fmt != "xlsx":
        data = unicodedata.normalize("NFD", data.decode("utf-8")).encode("utf-8")
    else:
        nfd = [
            QuestionData(
                **{**SAMPLE[0].__dict__, "stem": unicodedata.normalize("NFD", SAMPLE[0].stem)}
            )
        ]
        data = write(nfd, fmt)
    result = parse(data, fmt)
    assert result.errors == []
    assert result.questions[0].stem == SAMPLE[0].stem
    assert result.questions[0].topic == "Một cửa"


BROKEN_KEY = {
    "gift": b"A {T}\n\nB {=x ~y}\n\nC {=x =y ~z}\n",
    "yaml": (
        b"questions:\n  - type: essay\n    stem: A\n  - type: single_choice\n    stem: B\n"
        b"    options:\n      - {text: x}\n      - {text: y}\n"
    ),
    "csv": (
        "Loại,Nội dung câu hỏi,Phương án A,Phương án B,Đáp án\nTự luận,A,,,\nMột đáp án,B,x,y,C\n"
    ).encode(),
}


@pytest.mark.parametrize("fmt", sorted(BROKEN_KEY))
def test_key_pointing_to_no_option_or_no_full_credit(fmt: str) -> None:
    errors = parse(BROKEN_KEY[fmt], fmt).errors
    expected_line = {"gift": 5, "yaml": 4, "csv": 3}[fmt]
    assert [e.line for e in errors] == [expected_line]
    assert errors[0].message.startswith(f"Dòng {expected_line}: ")


CREDITS_OFF = {
    "gift": b"Q {~%50%a ~%40%b ~c}",
    "yaml": (
        b"questions:\n  - type: multiple_response\n    stem: Q\n    options:\n"
        b"      - {text: a, credit: 0.5}\n      - {text: b, credit: 0.4}\n"
    ),
    "csv": (
        "Loại,Nội dung câu hỏi,Phương án A,Điểm A,Phương án B,Điểm B\nNhiều đáp án,Q,a,50,b,40\n"
    ).encode(),
    "moodlexml": (
        b"<quiz><question type='multichoice'><questiontext><text>Q</text></questiontext>"
        b"<single>false</single><answer fraction='50'><text>a</text></answer>"
        b"<answer fraction='40'><text>b</text></answer></question></quiz>"
    ),
}


@pytest.mark.parametrize("fmt", sorted(CREDITS_OFF))
def test_credits_not_adding_up(fmt: str) -> None:
    [error] = parse(CREDITS_OFF[fmt], fmt).errors
    assert "90%" in error.message and error.line >= 1
