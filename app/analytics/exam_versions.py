"""What an item report needs to know about question versions: names, option letters, keys
after a re-key, and which (exam, version) pairs were voided (``ItemFix``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from app.bank.formats.common import letter
from app.bank.render import excerpt
from app.exams.items_layout import TRUE_FALSE_LABELS
from app.exams.items_scoring import FULL, credit_of
from app.extensions import db
from app.models import ItemFix, Question, QuestionVersion

CHOICE_QTYPES = ("single_choice", "true_false", "situational")


@dataclass(frozen=True)
class VersionInfo:
    """What a report needs to name a version and mark its key."""

    version_id: int
    question_id: int
    number: int
    qtype: str
    label: str
    stem: str
    options: tuple[str, ...]  # stored option letters of a choice question, else ()
    option_texts: tuple[str, ...]
    keys: tuple[str, ...]  # options with full credit (after any re-key)


def voided_pairs(
    *, exam_ids: Sequence[int] | None = None, version_ids: Sequence[int] | None = None
) -> set[tuple[int, int]]:
    """(exam id, version id) of every void fix for these exams or versions."""
    stmt = sa.select(ItemFix.exam_id, ItemFix.version_id).where(ItemFix.kind == "void")
    if exam_ids is not None:
        stmt = stmt.where(ItemFix.exam_id.in_(list(exam_ids)))
    if version_ids is not None:
        stmt = stmt.where(ItemFix.version_id.in_(list(version_ids)))
    return {(e, v) for e, v in db.session.execute(stmt)}


def rekeyed_content(version_ids: Sequence[int], exam_id: int | None = None) -> dict[int, dict]:
    """Corrected content per version from re-key fixes (the newest fix wins)."""
    stmt = (
        sa.select(ItemFix.version_id, ItemFix.content)
        .where(ItemFix.kind == "rekey", ItemFix.version_id.in_(list(version_ids)))
        .order_by(ItemFix.id)
    )
    if exam_id is not None:
        stmt = stmt.where(ItemFix.exam_id == exam_id)
    return {v: content for v, content in db.session.execute(stmt) if isinstance(content, dict)}


def _keys(content: dict) -> tuple[str, ...]:
    options = content.get("options") or []
    return tuple(letter(i) for i, o in enumerate(options) if credit_of(o) >= FULL)


def version_infos(version_ids: Iterable[int], exam_id: int | None = None) -> dict[int, VersionInfo]:
    """Names, option letters and keys of these versions (keys after an exam's re-key)."""
    ids = sorted({int(v) for v in version_ids})
    if not ids:
        return {}
    fixed = rekeyed_content(ids, exam_id)
    stmt = (
        sa.select(QuestionVersion, Question.external_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.id.in_(ids))
    )
    infos = {}
    for version, external_id in db.session.execute(stmt):
        content = fixed.get(version.id) or version.content or {}
        choice = version.qtype in CHOICE_QTYPES
        options = (content.get("options") or []) if choice else []
        infos[version.id] = VersionInfo(
            version_id=version.id,
            question_id=version.question_id,
            number=version.number,
            qtype=version.qtype,
            label=external_id or f"#{version.question_id}",
            stem=excerpt(version.stem, 100),
            options=tuple(letter(i) for i in range(len(options))),
            option_texts=tuple(_option_text(version.qtype, o) for o in options),
            keys=_keys(content) if choice else (),
        )
    return infos


def _option_text(qtype: str, option: dict) -> str:
    text = str(option.get("text", ""))
    if qtype == "true_false":
        return TRUE_FALSE_LABELS.get(text, text)
    return excerpt(text, 60)
