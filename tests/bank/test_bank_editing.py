"""The editing service: versions (in place or new), validation, sanitising, near-duplicates,
topics; every change audited."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.bank import content, editing, services
from app.bank.formats.model import (
    MatchPair,
    NumericAnswer,
    Option,
    QuestionData,
    QuestionType,
    SourceRef,
)
from app.extensions import db
from app.models import Account, AuditEvent, Question, QuestionVersion, Topic, VersionState


def single(
    stem: str = "Hồ sơ chưa đầy đủ thì hướng dẫn bổ sung mấy lần?", **changes
) -> QuestionData:
    q = QuestionData(
        type=QuestionType.SINGLE_CHOICE,
        stem=stem,
        topic="Cơ chế một cửa/Tiếp nhận",
        options=[Option("Một lần, đầy đủ", 1.0, "Đúng."), Option("Nhiều lần", 0.0, "Sai.")],
        sources=[SourceRef("Nghị định 118/2025/NĐ-CP", "Điều 16 khoản 3")],
    )
    return dataclasses.replace(q, **changes)


@pytest.fixture
def people(app):
    author = Account(username="bien.soan", display_name="Biên soạn")
    other = Account(username="bien.soan.2", display_name="Biên soạn 2")
    reviewer = Account(username="tham.dinh", display_name="Thẩm định")
    db.session.add_all([author, other, reviewer])
    db.session.commit()
    return author, other, reviewer


def row_snapshot(version: QuestionVersion) -> dict:
    """Every column of the row as stored, read back from the database."""
    table = QuestionVersion.__table__
    row = db.session.execute(sa.select(table).where(table.c.id == version.id)).mappings().one()
    return json.loads(json.dumps(dict(row), default=str, sort_keys=True))


def approve(version: QuestionVersion, reviewer: Account) -> None:
    services.submit_for_review(version)
    services.approve(version, reviewer_id=reviewer.id)
    db.session.commit()


def test_create_makes_a_draft_version_one_with_topic_and_audit(people):
    author, _other, _reviewer = people
    version = editing.create_question(single(external_id="MC-1"), author)
    db.session.commit()
    assert (version.number, version.state, version.author_id) == (1, VersionState.DRAFT, author.id)
    assert version.question.external_id == "MC-1"
    assert version.question.topic.full_path == "Cơ chế một cửa/Tiếp nhận"
    assert version.question.topic.parent.full_path == "Cơ chế một cửa"
    assert version.content["options"][0] == {
        "text": "Một lần, đầy đủ",
        "credit": 1.0,
        "feedback": "Đúng.",
    }
    assert "bank.create" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_editing_own_unused_draft_changes_it_in_place(people):
    author, _other, _reviewer = people
    version = editing.create_question(single(), author)
    db.session.commit()
    again = editing.edit_question(version.question, single(stem="Câu hỏi đã sửa?"), author)
    db.session.commit()
    assert again.id == version.id and again.number == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionVersion)) == 1
    assert again.stem == "Câu hỏi đã sửa?" and again.stem_fold == "cau hoi da sua?"
    assert "bank.edit" in db.session.scalars(sa.select(AuditEvent.action)).all()


@pytest.mark.parametrize("frozen_by", ["approved", "used", "retired", "other_author"])
def test_editing_a_frozen_version_adds_version_two_and_keeps_one_byte_identical(people, frozen_by):
    author, other, reviewer = people
    first = editing.create_question(single(), author)
    db.session.commit()
    if frozen_by == "approved":
        approve(first, reviewer)
    elif frozen_by == "used":
        first.used = True  # drawn into an attempt by the exams module
    elif frozen_by == "retired":
        services.retire(first, note="Văn bản hết hiệu lực")
    editor = other if frozen_by == "other_author" else author
    db.session.commit()
    before = row_snapshot(first)
    second = editing.edit_question(first.question, single(stem="Nội dung mới?"), editor)
    db.session.commit()
    assert (second.number, second.state, second.author_id) == (2, VersionState.DRAFT, editor.id)
    assert second.id != first.id and first.question.latest.id == second.id
    assert row_snapshot(first) == before
    assert "bank.new_version" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_unchanged_content_makes_no_version(people):
    author, _other, reviewer = people
    first = editing.create_question(single(), author)
    db.session.commit()
    approve(first, reviewer)
    same = editing.edit_question(first.question, single(), author)
    assert same.id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionVersion)) == 1


def test_version_in_review_cannot_be_edited(people):
    author, _other, _reviewer = people
    first = editing.create_question(single(), author)
    services.submit_for_review(first)
    db.session.commit()
    with pytest.raises(editing.EditError) as caught:
        editing.edit_question(first.question, single(stem="Khác?"), author)
    assert "đang chờ thẩm định" in caught.value.errors["form"][0]


def test_html_with_script_and_handlers_is_sanitised_on_save(people):
    author, _other, _reviewer = people
    stem = (
        '<p>Xem <b>ảnh</b><img src="/bank/images/x.png" onerror="alert(1)"></p>'
        "<script>alert(2)</script>"
    )
    option = Option('<a href="javascript:alert(3)" onclick="x()">Một lần</a>', 1.0, "<i>ok</i>")
    version = editing.create_question(single(stem=stem, options=[option, Option("Hai", 0)]), author)
    stored = json.dumps(version.content, ensure_ascii=False) + version.stem
    assert "<b>ảnh</b>" in version.stem and 'src="/bank/images/x.png"' in version.stem
    for bad in ("script", "onerror", "onclick", "javascript", "alert(2)"):
        assert bad not in stored
    assert version.content["options"][0]["feedback"] == "<i>ok</i>"


def test_nfd_input_is_stored_nfc(people):
    author, _other, _reviewer = people
    nfd = "Tie\u0302\u0301p nha\u0323\u0302n ho\u0302\u0300 so\u031b?"
    version = editing.create_question(single(stem=nfd), author)
    assert version.stem == "Tiếp nhận hồ sơ?"


def test_near_duplicate_stem_is_reported(people):
    author, _other, _reviewer = people
    first = editing.create_question(single(external_id="A-1"), author)
    second = editing.create_question(
        single(stem="  HỒ SƠ chưa đầy đủ thì <b>hướng dẫn</b>  bổ sung mấy lần? "), author
    )
    assert editing.near_duplicates(second) == [
        f"Nội dung gần trùng với câu hỏi số {first.question_id} (mã A-1)."
    ]
    third = editing.create_question(single(stem="Một câu khác hẳn?"), author)
    assert editing.near_duplicates(third) == []


@pytest.mark.parametrize(
    ("changes", "area", "words"),
    [
        ({"stem": "<p> </p>"}, "stem", "Nội dung câu hỏi trống"),
        ({"options": [Option("A", 1.0), Option("B", 1.0)]}, "options", "đúng một phương án"),
        ({"options": [Option("A", 1.0), Option("", 0.0)]}, "options", "Phương án B trống"),
        (
            {
                "type": QuestionType.MULTIPLE_RESPONSE,
                "options": [Option("A", 0.5), Option("B", 0.4)],
            },
            "options",
            "90%",
        ),
        ({"type": QuestionType.MATCHING, "options": []}, "pairs", "ít nhất 2 cặp"),
        ({"type": QuestionType.NUMERICAL, "options": []}, "numeric_answers", "ít nhất một đáp án"),
        ({"topic": " / "}, "topic", "chủ đề"),
        ({"sources": [SourceRef("", "Điều 1")]}, "sources", "tên văn bản"),
    ],
)
def test_invalid_questions_are_refused_with_the_area(people, changes, area, words):
    author, _other, _reviewer = people
    with pytest.raises(editing.EditError) as caught:
        editing.create_question(single(**changes), author)
    assert words in " ".join(caught.value.errors[area])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_external_id_must_be_unique(people):
    author, _other, _reviewer = people
    editing.create_question(single(external_id="X-1"), author)
    with pytest.raises(editing.EditError) as caught:
        editing.create_question(single(stem="Câu khác?", external_id="X-1"), author)
    assert "X-1" in caught.value.errors["external_id"][0]


def test_topics_create_rename_and_positions(people):
    topic = editing.create_topic("Lĩnh vực/Đất đai", ["Công chức địa chính"])
    child = editing.create_topic("Lĩnh vực/Đất đai/Cấp giấy chứng nhận")
    db.session.commit()
    assert topic.positions == ["Công chức địa chính"] and child.parent_id == topic.id
    with pytest.raises(editing.EditError):
        editing.create_topic("Lĩnh vực/Đất đai")
    editing.rename_topic(topic, "Đất đai và môi trường")
    editing.set_topic_positions(topic, ["Công chức địa chính", "Công chức môi trường", ""])
    db.session.commit()
    paths = set(db.session.scalars(sa.select(Topic.full_path)))
    assert paths == {
        "Lĩnh vực",
        "Lĩnh vực/Đất đai và môi trường",
        "Lĩnh vực/Đất đai và môi trường/Cấp giấy chứng nhận",
    }
    assert topic.positions == ["Công chức địa chính", "Công chức môi trường"]
    editing.create_topic("Lĩnh vực/Hộ tịch")
    with pytest.raises(editing.EditError):
        editing.rename_topic(topic, "Hộ tịch")
    with pytest.raises(editing.EditError):
        editing.rename_topic(topic, "A/B")
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert {"bank.topic_create", "bank.topic_rename", "bank.topic_positions"} <= set(actions)


ROUND_TRIP = [
    single(difficulty=None, tags=["a", "b"], positions=["Công chức địa chính"], shuffle=False),
    single(
        type=QuestionType.TRUE_FALSE,
        options=[Option("true", 0.0, "Sai rồi."), Option("false", 1.0, "Đúng.")],
        general_feedback="<p>Giải thích</p>",
    ),
    single(
        type=QuestionType.NUMERICAL,
        options=[],
        numeric_answers=[
            NumericAnswer(value=3.0, tolerance=0.5, credit=1.0, feedback="Đúng"),
            NumericAnswer(low=1.0, high=5.0, credit=0.5),
        ],
    ),
    single(
        type=QuestionType.MATCHING,
        options=[],
        pairs=[
            MatchPair("UBND xã", "Cấp xã"),
            MatchPair("UBND tỉnh", "Cấp tỉnh"),
            MatchPair("", "Cấp huyện"),
        ],
    ),
    single(
        type=QuestionType.SHORT_ANSWER,
        options=[Option("Một cửa", 1.0), Option("Mot cua", 0.5, "Thiếu dấu")],
        case_sensitive=True,
        ignore_diacritics=True,
        sources=[
            SourceRef(
                "Nghị định 118/2025/NĐ-CP",
                "Điều 16",
                date(2025, 6, 9),
                date(2026, 11, 20),
                "Bản hợp nhất",
            )
        ],
    ),
]


@pytest.mark.parametrize("q", ROUND_TRIP, ids=lambda q: q.type.value)
def test_editor_form_round_trip_keeps_the_question(app, q):
    from app.bank.form_data import form_values, question_from_form
    from app.bank.forms import QuestionForm

    with app.test_request_context("/bank/questions/1/edit"):
        form = QuestionForm(data=form_values(q, topic_id=None))
        back, errors = question_from_form(form, q.topic)
    assert errors == {}
    assert content.content_hash(editing.prepare(back)) == content.content_hash(editing.prepare(q))
