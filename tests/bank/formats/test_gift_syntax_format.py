"""GIFT: escapes, categories, comments, format markers, errors with lines, the writer."""

from __future__ import annotations

from app.bank.formats.gift import parse_gift, write_gift
from app.bank.formats.model import NumericAnswer, Option, QuestionData, QuestionType, TextFormat

from .test_gift_format import one


def test_escapes_colon_and_newline() -> None:
    q = one("::Giờ\\: làm việc::Dòng 1\\nDòng 2 \\{x\\} a\\:b {=Đúng\\: 8 giờ ~Sai}")
    assert q.name == "Giờ: làm việc"
    assert q.stem == "Dòng 1\nDòng 2 {x} a:b"
    assert q.options[0].text == "Đúng: 8 giờ"


def test_categories_set_topics() -> None:
    text = (
        "$CATEGORY: $course$/top/Cơ chế một cửa/Tiếp nhận\n\nCâu 1 {T}\n\n"
        "$CATEGORY: $system$/top/Khác\nCâu 2 {F}\n\n$CATEGORY: Trực tiếp/Con\n\nCâu 3 {T}\n"
    )
    result = parse_gift(text)
    assert [(q.topic, q.line) for q in result.questions] == [
        ("Cơ chế một cửa/Tiếp nhận", 3),
        ("Khác", 6),
        ("Trực tiếp/Con", 10),
    ]


def test_comments_give_id_and_tags() -> None:
    text = "// question: 12 name: x\n// [id:MC-01] [tag:một cửa] [tag:a\\]b]\n::N::Q? {T}"
    q = one(text)
    assert (q.external_id, q.tags, q.line) == ("MC-01", ["một cửa", "a]b"], 3)


def test_format_markers() -> None:
    assert one("[plain]a < b {T}").stem_format == TextFormat.PLAIN
    assert one("[moodle]x {T}").stem_format == TextFormat.HTML
    assert one("[html]<b>x</b> {T}").stem == "<b>x</b>"
    assert one("[foo]x {T}").stem == "[foo]x"  # unknown marker stays text, as in Moodle
    q = one("[markdown]Q {=[html]<i>a</i>#[plain]fb ~b}")
    assert q.options[0] == Option("<i>a</i>", 1.0, "fb")


def test_general_feedback_and_essay() -> None:
    q = one("Q {=a ~b ####Giải thích chung}")
    assert q.general_feedback == "Giải thích chung"
    q = one("::E::Trình bày quy trình tiếp nhận. {####Chấm theo thang điểm.}")
    assert (q.type, q.general_feedback) == (QuestionType.ESSAY, "Chấm theo thang điểm.")


def test_description_is_a_warning_with_its_line() -> None:
    result = parse_gift("// comment\n\nChỉ là đoạn mô tả.\n\nCâu hỏi {T}\n")
    assert len(result.questions) == 1
    assert [(i.line, i.severity) for i in result.issues] == [(3, "warning")]
    assert result.issues[0].message.startswith("Dòng 3: ")


def test_syntax_errors_have_lines() -> None:
    result = parse_gift("A {T}\n\nB {=x ~y\n\nC {T} và {F}\n\nD {#abc}\n\nE {=a -> b =c}\n")
    assert [q.stem for q in result.questions] == ["A"]
    assert [i.line for i in result.errors] == [3, 5, 7, 9]
    assert "{" in result.errors[0].message
    assert "abc" in result.errors[2].message
    assert "->" in result.errors[3].message


def test_numerical_wrong_answer_feedback_is_reported() -> None:
    result = parse_gift("Năm? {#\n=2025\n~#Không đúng.\n}")
    assert result.questions[0].numeric_answers == [NumericAnswer(value=2025.0)]
    assert [(i.line, i.severity) for i in result.issues] == [(1, "warning")]


def test_semantic_errors_point_at_the_question() -> None:
    result = parse_gift("A {T}\n\n\nB {=x =y ~z}\n\nC {~%50%x ~%30%y ~z}\n")
    assert [i.line for i in result.errors] == [4, 6]
    assert "100%" in result.errors[0].message
    assert "80%" in result.errors[1].message


def test_writer_escapes_and_reads_back() -> None:
    q = QuestionData(
        type=QuestionType.SINGLE_CHOICE,
        stem="[html] x {y} = z ~ #1: a\\b\nhai",
        name="Tên: {1}",
        external_id="ID-1",
        tags=["thẻ 1"],
        topic="Chủ đề/Con",
        options=[Option("%50% là", 1.0, "#fb"), Option("[plain]b", -0.25, "")],
        general_feedback="Chung = tốt",
    )
    text = write_gift([q])
    assert text.startswith("$CATEGORY: $course$/top/Chủ đề/Con\n\n// [id:ID-1] [tag:thẻ 1]\n")
    assert "\\{y\\} \\= z \\~ \\#1\\: a\\\\b\\nhai" in text
    back = parse_gift(text)
    assert back.ok
    assert back.questions[0].content_equal(q)


def test_situational_is_written_as_single_choice() -> None:
    q = QuestionData(
        type=QuestionType.SITUATIONAL,
        stem="Tình huống",
        options=[Option("Tốt", 1.0, "a"), Option("Tạm", 0.5, "b"), Option("Hại", 0.0, "c")],
    )
    text = write_gift([q])
    assert "=Tốt#a" in text and "~%50%Tạm#b" in text and "~Hại#c" in text
    assert parse_gift(text).questions[0].type == QuestionType.SINGLE_CHOICE


def test_crlf_and_long_line() -> None:
    assert one("::A::\r\nQ {\r\n=a\r\n~b}\r\n").options[0].text == "a"
    result = parse_gift("Q " + "x\\{" * 200_000 + " {=a ~b}")
    assert result.ok and len(result.questions[0].stem) == 400_002
