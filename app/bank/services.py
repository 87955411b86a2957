"""Review workflow of question versions: submit, approve (four eyes), return, retire.

Functions flush and audit; callers commit. ``ReviewError`` carries a message for the user.
"""

from __future__ import annotations

from app.audit import record_audit
from app.extensions import db
from app.models import TRANSITIONS_BANK as TRANSITIONS
from app.models import QuestionVersion, VersionState, utcnow


class ReviewError(ValueError):
    """The requested move is not allowed; the message is shown to the user."""


def _move(version: QuestionVersion, target: VersionState, *, note: str) -> None:
    if target not in TRANSITIONS[version.state]:
        raise ReviewError(
            f"Không thể chuyển phiên bản từ trạng thái {version.state.value} sang {target.value}."
        )
    before = version.state
    version.state = target
    record_audit(
        f"bank.{target.value}",
        version,
        before={"state": before.value},
        after={"state": target.value},
        reason=note,
    )
    db.session.flush()


def submit_for_review(version: QuestionVersion) -> None:
    """Author hands a draft to the reviewers."""
    _move(version, VersionState.IN_REVIEW, note="")


def approve(version: QuestionVersion, *, reviewer_id: int, note: str = "") -> None:
    """Approve a version in review. Raises ReviewError if the reviewer wrote it."""
    if version.author_id == reviewer_id:
        raise ReviewError("Người thẩm định phải khác người biên soạn phiên bản này.")
    _move(version, VersionState.APPROVED, note=note)
    version.reviewer_id, version.reviewed_at, version.review_note = reviewer_id, utcnow(), note


def return_to_author(version: QuestionVersion, *, reviewer_id: int, note: str) -> None:
    """Send a version back to draft with the reviewer's reason (required)."""
    if not note.strip():
        raise ReviewError("Vui lòng ghi lý do trả lại.")
    _move(version, VersionState.DRAFT, note=note)
    version.review_note = note


def retire(version: QuestionVersion, *, note: str) -> None:
    """Take a version out of future exams; past attempts keep pointing at it."""
    _move(version, VersionState.RETIRED, note=note)
