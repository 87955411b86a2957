"""Moodle XML: a realistic export of every supported type, images, categories, hostile input."""

from __future__ import annotations

import base64

import pytest

from app.bank.formats.model import MatchPair, NumericAnswer, Option, QuestionType, TextFormat
from app.bank.formats.moodlexml import parse_moodle_xml, write_moodle_xml

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PNG_B64 = base64.b64encode(PNG).decode()

EXPORT = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Cơ chế một cửa/Tiếp nhận hồ sơ</text>
    </category>
    <info format="moodle_auto_format">
      <text></text>
    </info>
    <idnumber></idnumber>
  </question>

<!-- question: 101  -->
  <question type="multichoice">
    <name>
      <text>Hướng dẫn bổ sung hồ sơ</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Xem <img src="@@PLUGINFILE@@/phieu.png" alt="phiếu"> rồi chọn:</p>]]></text>
      <file name="phieu.png" path="/" encoding="base64">{PNG_B64}</file>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Nguyên tắc "một lần, đầy đủ".</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>MC-TN-001</idnumber>
    <single>true</single>
    <shuffleanswers>false</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback format="html"><text>Đúng rồi.</text></correctfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Hướng dẫn một lần, đầy đủ</p>]]></text>
      <feedback format="html"><text>Đúng.</text></feedback>
    </answer>
    <answer fraction="0" format="html">
      <text>Hướng dẫn từng phần</text>
      <feedback format="html"><text>Sai.</text></feedback>
    </answer>
    <tags>
      <tag><text>bo-sung-ho-so</text></tag>
      <tag><text>một cửa</text></tag>
    </tags>
  </question>

<!-- question: 102  -->
  <question type="multichoice">
    <name><text>Giấy tờ cần kiểm tra</text></name>
    <questiontext format="moodle_auto_format"><text>Chọn các giấy tờ bắt buộc.</text></questiontext>
    <single>false</single>
    <answer fraction="33.33333"><text>A</text></answer>
    <answer fraction="33.33333"><text>B</text></answer>
    <answer fraction="33.33333"><text>C</text></answer>
    <answer fraction="-25"><text>D</text><feedback><text>Không cần.</text></feedback></answer>
  </question>

  <question type="truefalse">
    <name><text>Tiếp nhận ngoài giờ</text></name>
    <questiontext format="plain_text">
      <text>Bộ phận một cửa có thể tiếp nhận hồ sơ trực tuyến 24/7.</text>
    </questiontext>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html"><text>Đúng: dịch vụ công trực tuyến.</text></feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html"><text>Sai.</text></feedback>
    </answer>
  </question>

  <question type="shortanswer">
    <name><text>Viết tắt</text></name>
    <questiontext format="markdown">
      <text>Viết tắt của **Trung tâm Phục vụ hành chính công**?</text>
    </questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>TTPVHCC</text><feedback><text>Chính xác.</text></feedback></answer>
    <answer fraction="50"><text>PVHCC</text></answer>
  </question>

  <question type="numerical">
    <name><text>Thời hạn</text></name>
    <questiontext format="html"><text>Thời hạn (ngày làm việc)?</text></questiontext>
    <answer fraction="100">
      <text>3</text><tolerance>0</tolerance><feedback><text>Đúng.</text></feedback>
    </answer>
    <answer fraction="50"><text>3</text><tolerance>1</tolerance></answer>
    <answer fraction="0"><text>*</text><feedback><text>Xem lại quy định.</text></feedback></answer>
    <units/>
  </question>

  <question type="matching">
    <name><text>Ghép</text></name>
    <questiontext format="html"><text>Ghép cơ quan với cấp.</text></questiontext>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html">
      <text>UBND xã</text><answer><text>Cấp xã</text></answer>
    </subquestion>
    <subquestion format="html">
      <text>UBND tỉnh</text><answer><text>Cấp tỉnh</text></answer>
    </subquestion>
    <subquestion format="html"><text></text><answer><text>Cấp huyện</text></answer></subquestion>
  </question>

  <question type="category">
    <category><text>$course$/top/Kỹ năng</text></category>
  </question>

  <question type="essay">
    <name><text>Tự luận</text></name>
    <questiontext format="html"><text>Trình bày quy trình tiếp nhận.</text></questiontext>
    <generalfeedback format="html"><text>Chấm theo thang.</text></generalfeedback>
    <responseformat>editor</responseformat>
  </question>

  <question type="description">
    <name><text>Giới thiệu</text></name>
    <questiontext format="html"><text>Phần sau về kỹ năng.</text></questiontext>
  </question>
</quiz>
"""


def parsed():
    return parse_moodle_xml(EXPORT.encode("utf-8"))


def test_realistic_export() -> None:
    result = parsed()
    assert result.errors == []
    kinds = [q.type for q in result.questions]
    assert kinds == [
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_RESPONSE,
        QuestionType.TRUE_FALSE,
        QuestionType.SHORT_ANSWER,
        QuestionType.NUMERICAL,
        QuestionType.MATCHING,
        QuestionType.ESSAY,
    ]
    single = result.questions[0]
    assert single.name == "Hướng dẫn bổ sung hồ sơ"
    assert single.external_id == "MC-TN-001"
    assert single.topic == "Cơ chế một cửa/Tiếp nhận hồ sơ"
    assert single.tags == ["bo-sung-ho-so", "một cửa"]
    assert single.shuffle is False
    assert single.general_feedback == '<p>Nguyên tắc "một lần, đầy đủ".</p>'
    assert '<img src="@@PLUGINFILE@@/phieu.png"' in single.stem
    assert single.options == [
        Option("<p>Hướng dẫn một lần, đầy đủ</p>", 1.0, "Đúng."),
        Option("Hướng dẫn từng phần", 0.0, "Sai."),
    ]
    assert result.attachments == {"phieu.png": PNG}


def test_types_and_values() -> None:
    _, multi, true_false, short, numeric, matching, essay = parsed().questions
    assert [o.credit for o in multi.options] == [0.3333333, 0.3333333, 0.3333333, -0.25]
    assert multi.options[3].feedback == "Không cần."
    assert multi.stem_format == TextFormat.HTML
    assert true_false.stem_format == TextFormat.PLAIN
    assert true_false.options == [
        Option("true", 1.0, "Đúng: dịch vụ công trực tuyến."),
        Option("false", 0.0, "Sai."),
    ]
    assert short.case_sensitive is True and short.stem_format == TextFormat.MARKDOWN
    assert short.options == [Option("TTPVHCC", 1.0, "Chính xác."), Option("PVHCC", 0.5, "")]
    assert numeric.numeric_answers == [
        NumericAnswer(value=3.0, tolerance=0.0, credit=1.0, feedback="Đúng."),
        NumericAnswer(value=3.0, tolerance=1.0, credit=0.5),
    ]
    assert matching.pairs == [
        MatchPair("UBND xã", "Cấp xã"),
        MatchPair("UBND tỉnh", "Cấp tỉnh"),
        MatchPair("", "Cấp huyện"),
    ]
    assert (essay.topic, essay.general_feedback) == ("Kỹ năng", "Chấm theo thang.")


def test_lines_and_warnings() -> None:
    result = parsed()
    assert [q.line for q in result.questions] == [15, 49, 59, 74, 84, 95, 112]
    warnings = [(i.line, i.message) for i in result.issues if i.severity == "warning"]
    assert len(warnings) == 2
    assert warnings[0][0] == 84 and "'*'" in warnings[0][1]
    assert warnings[1][0] == 119 and "description" in warnings[1][1]


def test_bad_question_reports_line_index_and_name() -> None:
    xml = EXPORT.replace('fraction="-25"', 'fraction="nhiều"')
    result = parse_moodle_xml(xml.encode())
    assert len(result.questions) == 6
    [error] = result.errors
    assert error.line == 49
    assert "câu hỏi thứ 3 «Giấy tờ cần kiểm tra»" in error.message
    assert "nhiều" in error.message


def test_semantic_error_has_the_question_line() -> None:
    xml = EXPORT.replace(
        '<answer fraction="0" format="html">', '<answer fraction="100" format="html">'
    )
    [error] = parse_moodle_xml(xml.encode()).errors
    assert error.line == 15 and "100%" in error.message


@pytest.mark.parametrize(
    "document",
    [
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<quiz><question type='essay'><questiontext><text>&xxe;</text></questiontext>"
        "</question></quiz>",
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><quiz>&lol2;</quiz>',
        '<!doctype quiz SYSTEM "http://example.invalid/x.dtd"><quiz/>',
    ],
)
def test_dtd_and_entities_are_refused(document: str) -> None:
    result = parse_moodle_xml(document.encode())
    assert result.questions == []
    assert "DOCTYPE" in result.errors[0].message


@pytest.mark.parametrize(
    ("document", "line", "words"),
    [
        (b"<quiz>\n<question type='essay'>\n</quiz>", 3, "hỏng"),
        (b"<html/>", 0, "<quiz>"),
        (b"\xff\xfe<\x00q\x00", 0, "UTF-8"),
        (
            b"<quiz><question type='essay'><questiontext><text>x</text>"
            b"<file name='a.png' encoding='base64'>***</file></questiontext></question></quiz>",
            1,
            "base64",
        ),
    ],
)
def test_broken_documents(document: bytes, line: int, words: str) -> None:
    result = parse_moodle_xml(document)
    assert result.errors[0].line == line
    assert words in result.errors[0].message


def test_write_then_read_keeps_everything_moodle_can_hold() -> None:
    result = parsed()
    data = write_moodle_xml(result.questions, result.attachments)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    assert "$course$/top/Cơ chế một cửa/Tiếp nhận hồ sơ" in data.decode()
    back = parse_moodle_xml(data)
    assert back.errors == []
    assert back.attachments == result.attachments
    for original, again in zip(result.questions, back.questions, strict=True):
        assert original.content_equal(again)


def test_written_file_has_moodle_elements() -> None:
    text = write_moodle_xml(parsed().questions).decode()
    for element in (
        '<question type="multichoice">',
        "<single>false</single>",
        "<usecase>1</usecase>",
        "<tolerance>1</tolerance>",
        '<answer fraction="33.33333" format="html">',
        '<answer fraction="-25" format="html">',
        '<subquestion format="html">',
        "<idnumber>MC-TN-001</idnumber>",
        "<tag>",
    ):
        assert element in text
