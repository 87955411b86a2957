"""Read-only snapshots of published questionnaire versions, cached per process.

A published version never changes (only its state may move to "retired", which the
callers check in the database), so the hot path of a citizen's submission can validate
answers without loading 30 question rows per request. Which version is current is still
asked of the database every time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import QuestionnaireState, QuestionnaireVersion, QuestionType

_CACHE: dict[int, VersionSpec] = {}
_LOCK = threading.Lock()
MAX_CACHED = 200


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    key: str
    section: str
    qtype: QuestionType
    text: str
    text_en: str
    required: bool
    options: list[dict[str, Any]]
    condition: dict[str, Any] | None
    min_value: int | None
    max_value: int | None
    factor: str
    short: bool
    rates_officer: bool


@dataclass(frozen=True)
class VersionSpec:
    """What a form needs of a version: the same attribute names as the model."""

    id: int
    questionnaire_id: int
    code: str
    number: int
    state: QuestionnaireState
    title: str
    title_en: str
    intro: str
    intro_en: str
    sections: list[dict[str, str]]
    questions: tuple[QuestionSpec, ...]


def forget_all() -> None:
    """Drop every cached snapshot (tests: their database is wiped, so ids come again)."""
    with _LOCK:
        _CACHE.clear()


def _snapshot(version: QuestionnaireVersion) -> VersionSpec:
    questions = tuple(
        QuestionSpec(**{name: getattr(q, name) for name in QuestionSpec.__dataclass_fields__})
        for q in version.questions
    )
    return VersionSpec(
        id=version.id,
        questionnaire_id=version.questionnaire_id,
        code=version.questionnaire.code,
        number=version.number,
        state=version.state,
        title=version.title,
        title_en=version.title_en,
        intro=version.intro,
        intro_en=version.intro_en,
        sections=list(version.sections),
        questions=questions,
    )


def version_spec(version_id: int) -> VersionSpec | None:
    """The snapshot of a published (or retired) version; drafts are never cached."""
    spec = _CACHE.get(version_id)
    if spec is not None:
        return spec
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None:
        return None
    spec = _snapshot(version)
    if version.state is not QuestionnaireState.DRAFT:
        with _LOCK:
            if len(_CACHE) >= MAX_CACHED:
                _CACHE.clear()
            _CACHE[version_id] = spec
    return spec


def current_version_id(questionnaire_id: Any) -> sa.ScalarSelect:
    """Scalar subquery: the newest published version of a questionnaire (id or column)."""
    return (
        sa.select(QuestionnaireVersion.id)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.state == QuestionnaireState.PUBLISHED,
        )
        .order_by(QuestionnaireVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )


def current_spec(questionnaire_id: int) -> VersionSpec | None:
    """The newest published version of a questionnaire (one indexed query + the cache)."""
    version_id = db.session.scalar(sa.select(current_version_id(questionnaire_id)))
    return version_spec(version_id) if version_id is not None else None
