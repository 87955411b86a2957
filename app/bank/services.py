"""Review workflow of versioned content: submit, approve (four eyes), return, retire.

Written for question versions and shared by rubric versions (``app.assessments``): any
version with ``state``, ``author_id``, ``reviewer_id``, ``reviewed_at`` and ``review_note``
follows the same moves (``TRANSITIONS_BANK``); ``audit_prefix`` names the audit actions
(``bank.approved``, ``assess.rubric.approved`` …).
Functions flush and audit; callers commit. ``ReviewError`` carries a message for the user.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.extensions import db
from app.models import TRANSITIONS_BANK as TRANSITIONS
from app.models import QuestionVersion, RubricVersion, VersionState, utcnow

Reviewable = QuestionVersion | RubricVersion


class ReviewError(ValueError):
    """The requested move is not allowed; the message is shown to the user."""


def _move(version: Reviewable, target: VersionState, *, note: str, prefix: str) -> None:
    if target not in TRANSITIONS[version.state]:
        raise ReviewError(
            _l(
                "Không thể chuyển phiên bản từ trạng thái %(before)s sang %(after)s.",
                before=version.state.value,
                after=target.value,
            )
        )
    before = version.state
    version.state = target
    record_audit(
        f"{prefix}.{target.value}",
        version,
        before={"state": before.value},
        after={"state": target.value},
        reason=note,
    )
    db.session.flush()


def submit_for_review(version: Reviewable, *, audit_prefix: str = "bank") -> None:
    """Author hands a draft to the reviewers."""
    _move(version, VersionState.IN_REVIEW, note="", prefix=audit_prefix)


def approve(
    version: Reviewable, *, reviewer_id: int, note: str = "", audit_prefix: str = "bank"
) -> None:
    """Approve a version in review. Raises ReviewError if the reviewer wrote it."""
    if version.author_id == reviewer_id:
        raise ReviewError(_l("Người thẩm định phải khác người biên soạn phiên bản này."))
    _move(version, VersionState.APPROVED, note=note, prefix=audit_prefix)
    version.reviewer_id, version.reviewed_at, version.review_note = reviewer_id, utcnow(), note


def return_to_author(
    version: Reviewable, *, reviewer_id: int, note: str, audit_prefix: str = "bank"
) -> None:
    """Send a version back to draft with the reviewer's reason (required)."""
    if not note.strip():
        raise ReviewError(_l("Vui lòng ghi lý do trả lại."))
    _move(version, VersionState.DRAFT, note=note, prefix=audit_prefix)
    version.review_note = note


def retire(version: Reviewable, *, note: str, audit_prefix: str = "bank") -> None:
    """Take a version out of future use; past attempts and rounds keep pointing at it."""
    _move(version, VersionState.RETIRED, note=note, prefix=audit_prefix)
