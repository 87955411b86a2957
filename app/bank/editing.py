"""Writing questions by hand: create, edit (in place or as a new version), and the topic tree.

Every text is NFC-normalised and sanitised (``content.sanitise``) and checked with the same
``validate_question`` the importers use, so a hand-written question obeys the rules of an
imported one. An edit changes the latest version in place only while it is a never-used
draft of the same author; a frozen version (approved, retired or drawn into an attempt)
is never touched: the edit becomes version n+1, a draft. Functions flush and audit;
callers commit.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from app.audit import record_audit
from app.bank import content
from app.bank.formats.common import nfc
from app.bank.formats.model import QuestionData
from app.bank.formats.validate import validate_question
from app.bank.importer import topic_for
from app.extensions import db
from app.models import Account, Question, QuestionVersion, Topic, VersionState
from app.text import squash

# Which part of the editor a validation message belongs to (first match wins).
AREAS = (
    ("nội dung câu hỏi", "stem"),
    ("cặp", "pairs"),
    ("đáp án số", "numeric_answers"),
    ("câu trả lời số", "numeric_answers"),
    ("đúng/sai", "true_false"),
)
MAX_EXTERNAL_ID = 100


class EditError(ValueError):
    """Input the author can fix; ``errors`` maps an editor area ("stem", "options", "topic",
    "external_id", "sources", "form" …) to Vietnamese messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def area_of(message: str) -> str:
    """The editor area a ``validate_question`` message points at."""
    lowered = message.lower()
    return next((area for words, area in AREAS if words in lowered), "options")


def _clean_list(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in (squash(x) for x in values) if v))


def prepare(data: QuestionData) -> QuestionData:
    """``data`` in NFC, sanitised, with tidy lists and topic path."""
    q = content.sanitise(nfc(data))
    topic = "/".join(p.strip() for p in q.topic.split("/") if p.strip())
    return dataclasses.replace(
        q,
        external_id=q.external_id.strip(),
        topic=topic,
        tags=_clean_list(q.tags),
        positions=_clean_list(q.positions),
        sources=[s for s in q.sources if s.document.strip() or s.article.strip()],
        line=0,
        status="",
    )


def check_question(q: QuestionData, question: Question | None = None) -> None:
    """Raise EditError listing everything wrong with ``q`` (``question``: the one edited)."""
    errors: dict[str, list[str]] = {}
    for message in validate_question(q):
        errors.setdefault(area_of(message), []).append(message[:1].upper() + message[1:] + ".")
    if not q.topic:
        errors.setdefault("topic", []).append("Vui lòng chọn hoặc nhập chủ đề.")
    if any(not s.document.strip() for s in q.sources):
        errors.setdefault("sources", []).append("Mỗi nguồn phải có tên văn bản.")
    if len(q.external_id) > MAX_EXTERNAL_ID:
        errors.setdefault("external_id", []).append("Mã câu hỏi dài quá 100 ký tự.")
    elif q.external_id and _external_id_taken(q.external_id, question):
        errors.setdefault("external_id", []).append(f"Mã {q.external_id} đã có câu hỏi khác dùng.")
    if errors:
        raise EditError(errors)


def _external_id_taken(external_id: str, question: Question | None) -> bool:
    stmt = sa.select(Question.id).where(Question.external_id == external_id)
    if question is not None:
        stmt = stmt.where(Question.id != question.id)
    return db.session.scalar(stmt.limit(1)) is not None


def _fill(version: QuestionVersion, q: QuestionData) -> None:
    version.qtype = q.type.value
    version.stem = q.stem
    version.stem_fold = content.stem_key(q.stem)
    version.content = content.to_content(q)
    version.content_hash = content.content_hash(q)
    version.difficulty = q.difficulty.value if q.difficulty else None
    version.tags = list(q.tags)
    version.positions = list(q.positions)
    version.sources = content.sources_json(q)
    version.note = q.note


def _snapshot(version: QuestionVersion) -> dict[str, Any]:
    return {
        "question_id": version.question_id,
        "number": version.number,
        "state": version.state.value,
        "content_hash": version.content_hash,
    }


def _new_version(question: Question, q: QuestionData, author: Account | None) -> QuestionVersion:
    version = QuestionVersion(
        question=question,
        number=len(question.versions) + 1,
        state=VersionState.DRAFT,
        author_id=author.id if author else None,
    )
    _fill(version, q)
    db.session.add(version)
    db.session.flush()
    return version


def create_question(data: QuestionData, author: Account | None) -> QuestionVersion:
    """A new question with version 1 (a draft by ``author``). Raises EditError."""
    q = prepare(data)
    check_question(q)
    question = Question(external_id=q.external_id or None, topic=topic_for(q.topic))
    db.session.add(question)
    version = _new_version(question, q, author)
    record_audit("bank.create", version, after=_snapshot(version))
    return version


def is_editable_in_place(version: QuestionVersion, author: Account | None) -> bool:
    """A never-used draft stays editable by its own author."""
    return (
        version.state is VersionState.DRAFT
        and not version.is_frozen
        and author is not None
        and version.author_id == author.id
    )


def edit_question(
    question: Question, data: QuestionData, author: Account | None
) -> QuestionVersion:
    """Save ``data`` as the question's latest content and return the version holding it.

    Edits the latest version in place when it is a never-used draft of ``author``; else adds
    version n+1 as a draft (the old one is left byte-identical). Unchanged content returns
    the latest version untouched. Raises EditError (also while the latest is in review).
    """
    q = prepare(data)
    check_question(q, question)
    latest = question.latest
    if latest.state is VersionState.IN_REVIEW:
        raise EditError({"form": ["Phiên bản mới nhất đang chờ thẩm định; chưa thể sửa."]})
    before = {**_snapshot(latest), "topic": question.topic.full_path}
    question.topic = topic_for(q.topic)
    question.external_id = q.external_id or None
    if content.content_hash(q) == latest.content_hash:
        return latest
    if is_editable_in_place(latest, author):
        _fill(latest, q)
        db.session.flush()
        record_audit("bank.edit", latest, before=before, after=_snapshot(latest))
        return latest
    version = _new_version(question, q, author)
    record_audit("bank.new_version", version, before=before, after=_snapshot(version))
    return version


def near_duplicates(version: QuestionVersion) -> list[str]:
    """Warnings naming other questions whose stem folds to the same key (empty: none)."""
    stmt = (
        sa.select(Question.id, Question.external_id)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(QuestionVersion.stem_fold == version.stem_fold)
        .where(Question.id != version.question_id)
        .distinct()
        .order_by(Question.id)
        .limit(5)
    )
    return [
        f"Nội dung gần trùng với câu hỏi số {qid}" + (f" (mã {ext})" if ext else "") + "."
        for qid, ext in db.session.execute(stmt)
    ]


# --- topics ----------------------------------------------------------------------------


def _topic_name(name: str) -> str:
    name = squash(name)
    if not name or "/" in name or len(name) > 200:
        raise EditError({"name": ["Tên chủ đề không được trống, quá 200 ký tự hay chứa dấu /."]})
    return name


def create_topic(path: str, positions: list[str] | None = None) -> Topic:
    """The topic at ``path`` ("A/B"), parents created as needed. Raises EditError if it exists."""
    parts = [_topic_name(p) for p in path.split("/") if p.strip()]
    if not parts:
        raise EditError({"path": ["Vui lòng nhập tên chủ đề."]})
    full = "/".join(parts)
    if db.session.scalar(sa.select(Topic.id).where(Topic.full_path == full)) is not None:
        raise EditError({"path": [f"Chủ đề {full} đã có."]})
    topic = topic_for(full)
    topic.positions = _clean_list(positions or [])
    db.session.flush()
    record_audit("bank.topic_create", topic, after={"path": full, "positions": topic.positions})
    return topic


def rename_topic(topic: Topic, name: str) -> None:
    """Rename ``topic``; its sub-topics' paths follow. Raises EditError on a name clash."""
    name = _topic_name(name)
    old = topic.full_path
    new = "/".join([*old.split("/")[:-1], name])
    if new == old:
        return
    if db.session.scalar(sa.select(Topic.id).where(Topic.full_path == new)) is not None:
        raise EditError({"name": [f"Chủ đề {new} đã có."]})
    below = sa.select(Topic).where(Topic.full_path.startswith(old + "/", autoescape=True))
    for child in db.session.scalars(below):
        child.full_path = new + child.full_path[len(old) :]
    topic.name, topic.full_path = name, new
    db.session.flush()
    record_audit("bank.topic_rename", topic, before={"path": old}, after={"path": new})


def set_topic_positions(topic: Topic, positions: list[str]) -> None:
    """Restrict ``topic`` to these job positions (empty: every position)."""
    before = list(topic.positions or [])
    topic.positions = _clean_list(positions)
    db.session.flush()
    record_audit(
        "bank.topic_positions",
        topic,
        before={"positions": before},
        after={"positions": topic.positions},
    )
