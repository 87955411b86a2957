"""Writing rubrics by hand (editor form or API) and their four-eyes review.

A hand-written rubric obeys the rules of a rubric file: both go through
:func:`app.assessments.rubrics.validate_rubric`. An edit changes the latest version in
place only while it is a never-used draft of the same author; a frozen version (approved,
retired or used by a round) is never touched: the edit becomes version n+1, a draft.
While the latest version is in review, editing is refused.

Review moves are those of question versions (``app.bank.services``: draft → in review →
approved → retired, reviewer ≠ author, a reason to return or retire), audited as
``assess.rubric.<state>``. Functions flush and audit; callers commit.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.assessments.rubrics import RubricError, content_hash, validate_rubric
from app.audit import record_audit
from app.bank import services as review
from app.bank.services import ReviewError
from app.extensions import db
from app.models import Account, Rubric, RubricVersion, VersionState

AUDIT_PREFIX = "assess.rubric"

__all__ = [
    "ReviewError",
    "RubricError",
    "approve_rubric",
    "create_rubric",
    "edit_rubric",
    "retire_rubric",
    "return_rubric",
    "submit_rubric",
]


def _fill(version: RubricVersion, data: dict[str, Any]) -> None:
    version.criteria = data["criteria"]
    version.content_hash = content_hash(data)
    version.pass_threshold = float(data.get("pass_threshold", 0.5))
    version.disagreement_levels = int(data.get("disagreement_levels", 2))
    version.sources = data.get("sources") or []


def _snapshot(version: RubricVersion) -> dict[str, Any]:
    return {
        "rubric_id": version.rubric_id,
        "number": version.number,
        "state": version.state.value,
        "content_hash": version.content_hash,
    }


def _new_version(rubric: Rubric, data: dict[str, Any], author: Account | None) -> RubricVersion:
    latest = rubric.versions[-1] if rubric.versions else None
    version = RubricVersion(
        rubric=rubric,
        number=latest.number + 1 if latest else 1,
        state=VersionState.DRAFT,
        author_id=author.id if author else None,
    )
    _fill(version, data)
    db.session.add(version)
    db.session.flush()
    return version


def create_rubric(data: dict[str, Any], author: Account | None) -> RubricVersion:
    """A new rubric with version 1, a draft by ``author``; returns the version.

    Raises :class:`RubricError` listing every problem (also a code already taken).
    """
    clean = validate_rubric(data)
    if db.session.scalar(sa.select(Rubric.id).where(Rubric.code == clean["code"])):
        raise RubricError([_("mã phiếu %(code)s đã được dùng", code=clean["code"])])
    rubric = Rubric(code=clean["code"], name=clean["name"])
    db.session.add(rubric)
    version = _new_version(rubric, clean, author)
    record_audit("assess.rubric_create", version, after=_snapshot(version))
    return version


def is_editable_in_place(version: RubricVersion, author: Account | None) -> bool:
    """A never-used draft stays editable by its own author."""
    return (
        version.state is VersionState.DRAFT
        and not version.is_frozen
        and author is not None
        and version.author_id == author.id
    )


def edit_rubric(rubric: Rubric, data: dict[str, Any], author: Account | None) -> RubricVersion:
    """Save ``data`` as the rubric's latest content; return the version holding it.

    Unchanged content returns the latest version untouched (the name may still change).
    Raises :class:`RubricError` for invalid content or while the latest is in review.
    """
    clean = validate_rubric({**data, "code": rubric.code})
    latest = rubric.versions[-1]
    if latest.state is VersionState.IN_REVIEW:
        raise RubricError([_("phiên bản mới nhất đang chờ thẩm định; chưa thể sửa")])
    rubric.name = clean["name"]
    before = _snapshot(latest)
    if content_hash(clean) == latest.content_hash:
        db.session.flush()
        return latest
    if is_editable_in_place(latest, author):
        _fill(latest, clean)
        db.session.flush()
        record_audit("assess.rubric_edit", latest, before=before, after=_snapshot(latest))
        return latest
    version = _new_version(rubric, clean, author)
    record_audit("assess.rubric_new_version", version, before=before, after=_snapshot(version))
    return version


def submit_rubric(version: RubricVersion) -> None:
    """Hand a draft to the reviewers; raises :class:`ReviewError`."""
    review.submit_for_review(version, audit_prefix=AUDIT_PREFIX)


def approve_rubric(version: RubricVersion, reviewer_id: int, note: str = "") -> None:
    """Approve a version in review; raises :class:`ReviewError` if the reviewer wrote it."""
    review.approve(version, reviewer_id=reviewer_id, note=note, audit_prefix=AUDIT_PREFIX)


def return_rubric(version: RubricVersion, reviewer_id: int, note: str) -> None:
    """Send a version in review back to draft; the reason is required."""
    review.return_to_author(version, reviewer_id=reviewer_id, note=note, audit_prefix=AUDIT_PREFIX)


def retire_rubric(version: RubricVersion, note: str) -> None:
    """No new round may use this version; rounds already on it keep it. Reason required."""
    if not note.strip():
        raise ReviewError(_l("Vui lòng ghi lý do ngừng sử dụng."))
    review.retire(version, note=note, audit_prefix=AUDIT_PREFIX)
