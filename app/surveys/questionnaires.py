"""Questionnaire services: load a definition, draft, publish, retire. Callers commit.

A published version is never edited: ``create_draft`` copies it into a new draft, and
responses keep pointing at the version they answered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from app.audit import record_audit
from app.extensions import db
from app.models import (
    Questionnaire,
    QuestionnaireState,
    QuestionnaireVersion,
    utcnow,
)
from app.surveys.definition import (
    check_definition,
    definition_of,
    questions_from_definition,
    sections_from_definition,
)
from app.text import nfc


class QuestionnaireError(ValueError):
    """The definition or the requested change is not allowed; ``errors`` lists why."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _plain(value: Any) -> Any:
    """YAML dates and numbers in ``sources`` become strings (JSON columns, stable output)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, str) else str(value)


def _fill(version: QuestionnaireVersion, data: dict[str, Any]) -> None:
    version.title = nfc(data["title"])
    version.title_en = nfc(data.get("title_en"))
    version.intro = nfc(data.get("intro"))
    version.intro_en = nfc(data.get("intro_en"))
    version.sources = _plain(data.get("sources") or [])
    version.sections = sections_from_definition(data)
    version.questions = questions_from_definition(data)


def latest_version(questionnaire: Questionnaire, *, published: bool = True):
    """The newest (published, by default) version of ``questionnaire``, or None."""
    stmt = sa.select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire.id
    )
    if published:
        stmt = stmt.where(QuestionnaireVersion.state == QuestionnaireState.PUBLISHED)
    return db.session.scalars(stmt.order_by(QuestionnaireVersion.number.desc())).first()


def create_version(questionnaire: Questionnaire, data: dict[str, Any]) -> QuestionnaireVersion:
    """Add a draft version with ``data`` (checked; raises QuestionnaireError)."""
    errors = check_definition(data)
    if errors:
        raise QuestionnaireError(errors)
    number = 1 + (
        db.session.scalar(
            sa.select(sa.func.max(QuestionnaireVersion.number)).where(
                QuestionnaireVersion.questionnaire_id == questionnaire.id
            )
        )
        or 0
    )
    version = QuestionnaireVersion(questionnaire=questionnaire, number=number)
    _fill(version, data)
    db.session.add(version)
    db.session.flush()
    record_audit("survey.version_create", version, after={"number": number})
    return version


def import_questionnaire(data: dict[str, Any], *, publish: bool = True) -> QuestionnaireVersion:
    """Create the questionnaire ``data['code']`` or a new version of it when it changed.

    Idempotent: loading the same definition again returns the current version unchanged.
    """
    errors = check_definition(data)
    code = nfc(data.get("code") if isinstance(data, dict) else "").upper()
    if not code:
        errors.append("Thiếu mã phiếu (code).")
    if errors:
        raise QuestionnaireError(errors)
    questionnaire = db.session.scalar(sa.select(Questionnaire).where(Questionnaire.code == code))
    if questionnaire is None:
        questionnaire = Questionnaire(code=code, title=nfc(data["title"]))
        db.session.add(questionnaire)
        db.session.flush()
        record_audit("survey.questionnaire_create", questionnaire, after={"code": code})
    current = latest_version(questionnaire, published=False)
    if current is not None and _same(current, data):
        return current
    version = create_version(questionnaire, data)
    if publish:
        publish_version(version)
    return version


def _same(version: QuestionnaireVersion, data: dict[str, Any]) -> bool:
    probe = QuestionnaireVersion(number=0)
    _fill(probe, data)
    fields = ("title", "title_en", "intro", "intro_en", "sources", "sections")
    if any(getattr(probe, f) != getattr(version, f) for f in fields):
        return False
    mine = [_question_tuple(q) for q in version.questions]
    return mine == [_question_tuple(q) for q in probe.questions]


def _question_tuple(q) -> tuple:
    return (
        q.key,
        q.section,
        q.qtype,
        q.text,
        q.text_en,
        q.required,
        q.options,
        q.condition,
        q.min_value,
        q.max_value,
        q.factor,
        q.short,
        q.rates_officer,
    )


def load_questionnaire_file(path: Path) -> QuestionnaireVersion:
    """Load one YAML definition file (see question_bank/README.md)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return import_questionnaire(data)


def publish_version(version: QuestionnaireVersion) -> None:
    """Freeze a draft. Older published versions stay answerable until retired."""
    if version.state is not QuestionnaireState.DRAFT:
        raise QuestionnaireError(["Chỉ phiên bản nháp mới được ban hành."])
    version.state = QuestionnaireState.PUBLISHED
    version.published_at = utcnow()
    version.questionnaire.title = version.title
    record_audit("survey.version_publish", version, after={"number": version.number})


def retire_version(version: QuestionnaireVersion) -> None:
    if version.state is not QuestionnaireState.PUBLISHED:
        raise QuestionnaireError(["Chỉ phiên bản đã ban hành mới được ngừng sử dụng."])
    version.state = QuestionnaireState.RETIRED
    record_audit("survey.version_retire", version, after={"number": version.number})


def create_draft(
    questionnaire: Questionnaire, source: QuestionnaireVersion | None = None
) -> QuestionnaireVersion:
    """A new draft copied from ``source`` (default: the latest version).

    A questionnaire has at most one draft: if there is one already, it is returned as is.
    """
    latest = latest_version(questionnaire, published=False)
    if latest is not None and latest.state is QuestionnaireState.DRAFT:
        return latest
    if source is not None and source.questionnaire_id != questionnaire.id:
        raise QuestionnaireError(["Phiên bản nguồn thuộc phiếu khác."])
    return create_version(questionnaire, definition_of(source or latest))


def update_draft(version: QuestionnaireVersion, data: dict[str, Any], change: str = "") -> None:
    """Replace a draft's content; published versions are immutable (QuestionnaireError).

    ``change`` says what was edited (the builder's action), for the audit trail.
    """
    if version.is_frozen:
        raise QuestionnaireError(["Phiên bản đã ban hành không thể sửa; hãy tạo bản nháp mới."])
    errors = check_definition(data)
    if errors:
        raise QuestionnaireError(errors)
    version.questions.clear()
    db.session.flush()
    _fill(version, data)
    after: dict[str, Any] = {"number": version.number}
    if change:
        after["change"] = change
    record_audit("survey.version_update", version, after=after)
