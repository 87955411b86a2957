"""Bank pages: the import wizard (300-row XLSX, Moodle's GIFT and XML examples), the editor,
the browser, history and diffs, the review queue, permissions and CSRF."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from app.bank import pending
from app.extensions import db
from app.models import Account, AuditEvent, Question, QuestionVersion, Topic, VersionState
from tests.helpers import api_token, csrf_from, login, post_form

HEADERS = [
    "Mã câu hỏi",
    "Loại",
    "Chủ đề",
    "Độ khó",
    "Nội dung câu hỏi",
    "Phương án A",
    "Điểm A",
    "Phương án B",
    "Điểm B",
    "Phương án C",
    "Phương án D",
    "Đáp án",
    "Văn bản nguồn",
    "Điều khoản",
    "Ngày kiểm tra nguồn",
]
BAD_KEY_ROW, BAD_CREDIT_ROW = 58, 212  # spreadsheet rows (row 1 is the header)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def account(username: str) -> Account:
    return db.session.scalar(sa.select(Account).where(Account.username == username))


def xlsx_row(i: int, *, broken: bool) -> dict:
    multiple = i % 3 == 0
    row = {
        "Mã câu hỏi": f"KT-{i:03d}",
        "Loại": "Nhiều đáp án" if multiple else "Một đáp án",
        "Chủ đề": f"Kiểm tra định kỳ/Phần {i % 3 + 1}",
        "Độ khó": "Dễ",
        "Nội dung câu hỏi": f"Câu {i}: thủ tục số {i} cần những giấy tờ nào?",
        "Phương án A": f"Tờ khai số {i}",
        "Phương án B": f"Giấy tờ không cần số {i}",
        "Phương án C": f"Bản sao giấy tờ số {i}",
        "Phương án D": f"Giấy xác nhận số {i}",
        "Đáp án": "A,C" if multiple else "A",
        "Văn bản nguồn": "Nghị định 118/2025/NĐ-CP",
        "Điều khoản": "Điều 16",
        "Ngày kiểm tra nguồn": "2026-11-20",
    }
    if broken and i + 1 == BAD_KEY_ROW:
        row["Đáp án"] = "E"  # a key that points to no option
    if broken and i + 1 == BAD_CREDIT_ROW:
        row |= {"Loại": "Nhiều đáp án", "Đáp án": "", "Điểm A": 50, "Điểm B": 40}
    return row


def xlsx_300(*, broken: bool) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for i in range(1, 301):
        row = xlsx_row(i, broken=broken)
        sheet.append([row.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, files: list[tuple[str, bytes]], **fields):
    """Run the wizard's first step; returns (token, preview page text)."""
    token = csrf_from(client, "/bank/import")
    data = {"csrf_token": token, "fmt": "auto", "topic": "", **fields}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    response = client.post("/bank/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    import_token = response.headers["Location"].rsplit("/", 1)[-1]
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200
    return import_token, preview.get_data(as_text=True)


def confirm(client, import_token: str):
    url = f"/bank/import/{import_token}/confirm"
    return post_form(client, url, {}, token_from=f"/bank/import/{import_token}")


def error_rows(page: str) -> list[tuple[str, int, str]]:
    table = page.split('class="table table-sm mb-0 bank-import-errors"', 1)[1].split("</table>")[0]
    found = re.findall(r"<tr><td>([^<]*)</td><td>(\d*)</td><td>([^<]*)</td></tr>", table)
    return [(f, int(n or 0), m) for f, n, m in found]


@pytest.mark.slow
def test_author_imports_300_fixes_two_rows_and_reviewer_approves(login_as, app):
    client = login_as("author")
    token, page = upload(client, [("cau-hoi.xlsx", xlsx_300(broken=True))])
    rows = error_rows(page)
    assert [(f, n) for f, n, _m in rows] == [
        ("cau-hoi.xlsx", BAD_KEY_ROW),
        ("cau-hoi.xlsx", BAD_CREDIT_ROW),
    ]
    assert "đáp án E trỏ tới phương án không tồn tại" in rows[0][2]
    assert "90%" in rows[1][2]
    assert "Xác nhận nhập" not in page
    assert confirm(client, token).status_code == 302  # refused: re-planned, still bad
    assert count(Question) == count(Topic) == count(QuestionVersion) == 0
    assert "bank.import" not in db.session.scalars(sa.select(AuditEvent.action)).all()

    token, page = upload(client, [("cau-hoi.xlsx", xlsx_300(broken=False))])
    assert "Sẵn sàng nhập 300 câu hỏi: 300 câu mới" in page
    assert re.search(r"Một đáp án</th><td>200</td>", page)
    assert re.search(r"Nhiều đáp án</th><td>100</td>", page)
    assert count(Question) == 0  # the preview was a dry run
    done = confirm(client, token)
    assert done.headers["Location"].endswith("/bank/questions")
    assert count(Question) == 300
    assert not (Path(app.config["UPLOAD_DIR"]) / "bank-imports" / token).exists()

    author_headers = api_token(client, "author")
    reviewer_headers = api_token(client, "reviewer")
    ids = db.session.scalars(sa.select(QuestionVersion.id).order_by(QuestionVersion.id)).all()
    for version_id in ids:
        url = f"/api/v1/bank/versions/{version_id}"
        assert client.post(f"{url}/submit", json={}, headers=author_headers).status_code == 200
        assert client.post(f"{url}/approve", json={}, headers=reviewer_headers).status_code == 200
    db.session.expire_all()
    states = db.session.execute(
        sa.select(QuestionVersion.state, QuestionVersion.reviewer_id).distinct()
    ).all()
    assert states == [(VersionState.APPROVED, account("reviewer").id)]


# Moodle's GIFT documentation examples (its "quick examples", weights and general feedback).
GIFT_DOC = """\
// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// math range question
::Q5:: What is a number from 1 to 5? {#3:2}

// multiple numeric answers with partial credit and feedback
::Q7:: When was Ulysses S. Grant born? {#
         =1822:0      # Correct! Full credit.
         =%50%1822:2  # He was born in 1822. Half credit for being close.
}

// essay
::Q8:: How are you? {}

::Q9:: What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
}

::Q10:: Grant is buried in Grant's tomb.{FALSE#No one is buried there.#Right.####General.}
"""


def latest_by_name() -> dict[str, dict]:
    versions = db.session.scalars(sa.select(QuestionVersion)).all()
    return {v.content["name"]: v.content | {"qtype": v.qtype} for v in versions}


def test_gift_documentation_examples_import_through_the_wizard(login_as):
    client = login_as("author")
    token, page = upload(client, [("moodle-docs.gift", GIFT_DOC.encode())], topic="Moodle")
    assert "Sẵn sàng nhập 9 câu hỏi: 9 câu mới" in page
    assert re.search(r"Trả lời bằng số</th><td>2</td>", page)
    confirm(client, token)
    q = latest_by_name()
    assert {name: c["qtype"] for name, c in q.items()} == {
        "Q1": "true_false",
        "Q2": "single_choice",
        "Q3": "short_answer",
        "Q4": "matching",
        "Q5": "numerical",
        "Q7": "numerical",
        "Q8": "essay",
        "Q9": "multiple_response",
        "Q10": "true_false",
    }
    assert q["Q1"]["options"] == [
        {"text": "true", "credit": 1.0, "feedback": ""},
        {"text": "false", "credit": 0.0, "feedback": ""},
    ]
    assert q["Q2"]["options"][0] == {"text": "yellow", "credit": 1.0, "feedback": "right; good!"}
    assert q["Q2"]["options"][2]["feedback"] == "wrong, it's yellow"
    assert [o["text"] for o in q["Q3"]["options"]] == ["two", "2"]
    assert q["Q4"]["pairs"] == [
        {"prompt": "cat", "answer": "cat food"},
        {"prompt": "dog", "answer": "dog food"},
    ]
    assert q["Q5"]["numeric_answers"][0] | {"feedback": ""} == {
        "value": 3.0,
        "tolerance": 2.0,
        "low": None,
        "high": None,
        "credit": 1.0,
        "feedback": "",
    }
    assert [(a["tolerance"], a["credit"]) for a in q["Q7"]["numeric_answers"]] == [
        (0.0, 1.0),
        (2.0, 0.5),
    ]
    assert q["Q7"]["numeric_answers"][1]["feedback"].startswith("He was born in 1822")
    assert [o["credit"] for o in q["Q9"]["options"]] == [-1.0, 0.5, 0.5, -1.0]
    q10 = {o["text"]: o for o in q["Q10"]["options"]}
    assert (q10["false"]["credit"], q10["true"]["credit"]) == (1.0, 0.0)
    assert q10["true"]["feedback"] == "No one is buried there."
    assert q10["false"]["feedback"] == "Right."
    assert q["Q10"]["general_feedback"] == "General."
    assert (
        db.session.scalar(sa.select(Topic.full_path).where(Topic.parent_id.is_(None))) == "Moodle"
    )


# The question types of Moodle's "Moodle XML format" documentation, with its values.
MOODLE_XML_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Moodle XML</text></category></question>
  <question type="multichoice">
    <name><text>Multiple choice</text></name>
    <questiontext format="html"><text>What is the answer to this question?</text></questiontext>
    <answer fraction="100"><text>The correct answer</text>
      <feedback><text>Correct!</text></feedback></answer>
    <answer fraction="0"><text>A distractor</text><feedback><text>Ooops!</text></feedback></answer>
    <answer fraction="0"><text>Another distractor</text>
      <feedback><text>Ooops!</text></feedback></answer>
    <shuffleanswers>1</shuffleanswers>
    <single>true</single>
    <answernumbering>abc</answernumbering>
  </question>
  <question type="multichoice">
    <name><text>Multiple answers</text></name>
    <questiontext format="html"><text>Which two are right?</text></questiontext>
    <answer fraction="50"><text>Right one</text></answer>
    <answer fraction="50"><text>Right two</text></answer>
    <answer fraction="-100"><text>Wrong</text><feedback><text>No.</text></feedback></answer>
    <single>false</single>
  </question>
  <question type="truefalse">
    <name><text>True false</text></name>
    <questiontext format="html"><text>Is the statement true?</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>Correct!</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>Ooops!</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>Short answer</text></name>
    <questiontext format="html"><text>Type the answer.</text></questiontext>
    <answer fraction="100"><text>The correct answer</text>
      <feedback><text>Correct!</text></feedback></answer>
    <answer fraction="100"><text>An alternative answer</text>
      <feedback><text>Correct!</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>Numerical</text></name>
    <questiontext format="html"><text>How many?</text></questiontext>
    <answer fraction="100"><text>23</text>
      <tolerance>0.5</tolerance>
      <feedback><text>Feedback</text></feedback></answer>
  </question>
  <question type="matching">
    <name><text>Matching</text></name>
    <questiontext format="html"><text>Match the items.</text></questiontext>
    <subquestion><text>This is the 1st item in the 1st pair.</text>
      <answer><text>This is the 2nd item in the 1st pair.</text></answer></subquestion>
    <subquestion><text>This is the 1st item in the 2nd pair.</text>
      <answer><text>This is the 2nd item in the 2nd pair.</text></answer></subquestion>
    <shuffleanswers>true</shuffleanswers>
  </question>
  <question type="essay">
    <name><text>Essay</text></name>
    <questiontext format="html"><text>Write about it.</text></questiontext>
    <answer fraction="0"><text></text></answer>
  </question>
</quiz>
"""


def test_moodle_xml_documentation_examples_import_through_the_wizard(login_as):
    client = login_as("author")
    token, page = upload(client, [("moodle.xml", MOODLE_XML_DOC.encode())])
    assert "Sẵn sàng nhập 7 câu hỏi: 7 câu mới" in page
    confirm(client, token)
    q = latest_by_name()
    assert {n: c["qtype"] for n, c in q.items()} == {
        "Multiple choice": "single_choice",
        "Multiple answers": "multiple_response",
        "True false": "true_false",
        "Short answer": "short_answer",
        "Numerical": "numerical",
        "Matching": "matching",
        "Essay": "essay",
    }
    choice = q["Multiple choice"]["options"]
    assert choice[0] == {"text": "The correct answer", "credit": 1.0, "feedback": "Correct!"}
    assert [o["credit"] for o in choice] == [1.0, 0.0, 0.0]
    assert [o["credit"] for o in q["Multiple answers"]["options"]] == [0.5, 0.5, -1.0]
    assert q["True false"]["options"][0] == {"text": "true", "credit": 1.0, "feedback": "Correct!"}
    assert [o["credit"] for o in q["Short answer"]["options"]] == [1.0, 1.0]
    [number] = q["Numerical"]["numeric_answers"]
    assert (number["value"], number["tolerance"], number["feedback"]) == (23.0, 0.5, "Feedback")
    assert len(q["Matching"]["pairs"]) == 2 and q["Essay"]["options"] == []
    assert {t.full_path for t in db.session.scalars(sa.select(Topic))} == {"Moodle XML"}


def test_someone_elses_or_old_pending_upload_is_gone(login_as, app):
    client = login_as("author")
    token, _page = upload(client, [("a.gift", b"::A::Mot cau hoi{=Co ~Khong}\n")])
    other = app.test_client()
    login(other, "admin")
    assert other.get(f"/bank/import/{token}").status_code == 404
    folder = pending.root() / token
    old = time.time() - 2 * 24 * 3600
    os.utime(folder, (old, old))
    client.get("/bank/import")
    assert not folder.exists()
    assert client.get(f"/bank/import/{token}").status_code == 404
