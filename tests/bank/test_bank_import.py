"""The bank import service and CLI: all or nothing, idempotent, versions, the starter bank."""

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.bank import importer
from app.extensions import db
from app.models import Account, Question, QuestionVersion, Topic, VersionState

GOOD_GIFT = """// two questions
$CATEGORY: $course$/top/Cơ chế một cửa
::Q1::Khi hồ sơ chưa đầy đủ, công chức hướng dẫn bổ sung mấy lần?{=Một lần, đầy đủ ~Nhiều lần}

::Q2::Hồ sơ trễ hạn phải có văn bản xin lỗi.{T}
"""

YAML = """topic: Cơ chế một cửa
questions:
  - id: T-1
    type: single_choice
    stem: Khi hồ sơ chưa đầy đủ, công chức hướng dẫn bổ sung mấy lần?
    options:
      - {text: "Một lần, đầy đủ", credit: 1}
      - {text: "Nhiều lần", credit: 0}
    source:
      - {document: Nghị định 118/2025/NĐ-CP, article: Điều 16 khoản 3, checked: 2026-11-22}
"""


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["bank", "import", *args])


def test_starter_bank_meets_the_brief(demo_bank):
    approved = db.session.scalars(
        sa.select(QuestionVersion).where(QuestionVersion.state == VersionState.APPROVED)
    ).all()
    assert len(approved) >= 200
    assert sum(v.qtype == "situational" for v in approved) >= 40
    it_topic = db.session.scalar(sa.select(Topic).where(Topic.full_path.like("%công nghệ%")))
    it_items = [v for v in approved if v.question.topic_id == it_topic.id]
    assert len(it_items) >= 30
    assert len({v.question.topic_id for v in approved}) >= 6
    assert all(v.sources and v.sources[0]["checked_on"] for v in approved)
    assert all(v.reviewer_id and v.reviewer_id != v.author_id for v in approved)
    text = " ".join(json.dumps(v.sources, ensure_ascii=False) for v in approved)
    assert "61/2018" not in text and "107/2021" not in text


def test_reimport_changes_nothing_and_edit_makes_a_new_version(app, tmp_path):
    path = tmp_path / "q.gift"
    path.write_text(GOOD_GIFT, encoding="utf-8")
    first = json.loads(_cli(app, str(path), "--json").output)
    assert (first["created"], first["by_type"]["true_false"]) == (2, 1)
    again = json.loads(_cli(app, str(path), "--json").output)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    path.write_text(GOOD_GIFT.replace("Nhiều lần", "Ba lần"), encoding="utf-8")
    changed = json.loads(_cli(app, str(path), "--json").output)
    assert (changed["created"], changed["unchanged"]) == (1, 1)  # GIFT carries no ids


def test_changed_question_with_the_same_id_becomes_a_new_version(app, tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(YAML, encoding="utf-8")
    assert json.loads(_cli(app, str(path), "--json").output)["created"] == 1
    path.write_text(YAML.replace("Nhiều lần", "Ba lần"), encoding="utf-8")
    changed = json.loads(_cli(app, str(path), "--json").output)
    assert (changed["created"], changed["updated"]) == (0, 1)
    question = db.session.scalar(sa.select(Question).where(Question.external_id == "T-1"))
    assert [v.number for v in question.versions] == [1, 2]
    assert "Nhiều lần" in json.dumps(question.versions[0].content, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("::A::Câu một{=Đúng ~Sai}\n\n::B::Câu hai{=Đúng =Cũng đúng ~Sai %abc%}\n", '"line"'),
        ("", "Tệp rỗng"),
        ("::A::Câu hỏi {#x..y}\n", '"line": 1'),
    ],
)
def test_bad_file_exits_1_and_writes_nothing(app, tmp_path, text, needle):
    path = tmp_path / "bad.gift"
    path.write_text(text, encoding="utf-8")
    result = _cli(app, str(path), "--json")
    assert result.exit_code == 1
    assert needle in result.output
    assert _count(Question) == 0


def test_html_is_sanitised_on_import(app, tmp_path):
    path = tmp_path / "x.gift"
    path.write_text(
        '[html]<b>Đậm</b><script>alert(1)</script><img src=x onerror="alert(1)">{=Có ~Không}\n',
        encoding="utf-8",
    )
    assert _cli(app, str(path)).exit_code == 0
    stem = db.session.scalar(sa.select(QuestionVersion.stem))
    assert "<b>Đậm</b>" in stem and "script" not in stem and "onerror" not in stem


def test_reviewer_can_never_be_the_author_in_the_database(app, tmp_path):
    path = tmp_path / "q.gift"
    path.write_text(GOOD_GIFT, encoding="utf-8")
    _cli(app, str(path))
    account = Account(username="tacgia", display_name="Tác giả")
    db.session.add(account)
    db.session.flush()
    version = db.session.scalars(sa.select(QuestionVersion)).first()
    version.author_id = account.id
    version.reviewer_id = account.id
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_export_then_import_into_an_empty_bank(demo_bank, tmp_path):
    out = tmp_path / "bank.yaml"
    result = demo_bank.test_cli_runner().invoke(
        args=["bank", "export", "--format", "yaml", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = importer.plan_files([(out.name, out.read_bytes())])
    assert report.ok and len(report.questions) == _count(Question)


def test_dry_run_writes_nothing(app, tmp_path):
    path = tmp_path / "q.gift"
    path.write_text(GOOD_GIFT, encoding="utf-8")
    result = _cli(app, str(path), "--dry-run")
    assert result.exit_code == 0 and "Sẽ nhập 2" in result.output
    assert _count(Question) == 0 and _count(Topic) == 0
