"""Comments and complaints: received → in progress → answered, with time to answer.

Contact details are accepted only with the citizen's explicit consent; a feedback item is
never linked to a rating. Callers commit.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from app.audit import record_audit
from app.extensions import db
from app.models import (
    FEEDBACK_TRANSITIONS,
    Account,
    Feedback,
    FeedbackState,
    Unit,
    utcnow,
)
from app.surveys.answers import DEFAULT_TEXT_MAX
from app.text import nfc, squash

KINDS = ("comment", "complaint")


class FeedbackError(ValueError):
    """Invalid feedback or transition; ``details`` maps field names to messages."""

    def __init__(self, details: dict[str, str]):
        super().__init__("; ".join(details.values()))
        self.details = details


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def create_feedback(
    unit: Unit,
    body: str,
    *,
    kind: str = "comment",
    consent: bool = False,
    contact_name: str = "",
    contact: str = "",
    officer_id: int | None = None,
) -> Feedback:
    """Record a citizen's comment or complaint for the unit head (FeedbackError)."""
    body = nfc(body)
    limit = current_app.config.get("SURVEY_TEXT_MAX", DEFAULT_TEXT_MAX)
    details: dict[str, str] = {}
    if not body:
        details["body"] = "Vui lòng nhập nội dung góp ý."
    elif len(body) > limit:
        details["body"] = f"Nội dung dài quá {limit} ký tự."
    if kind not in KINDS:
        details["kind"] = "Loại góp ý không hợp lệ."
    if (contact_name or contact) and not consent:
        details["consent"] = "Chỉ ghi thông tin liên hệ khi Ông/Bà đồng ý để cơ quan liên hệ lại."
    if consent and not squash(contact):
        details["contact"] = "Vui lòng ghi số điện thoại hoặc email để cơ quan liên hệ lại."
    if details:
        raise FeedbackError(details)
    item = Feedback(
        unit_id=unit.id,
        officer_id=officer_id,
        kind=kind,
        body=body,
        consent=consent,
        contact_name=squash(contact_name)[:200] if consent else "",
        contact=squash(contact)[:200] if consent else "",
        received_at=_hour(utcnow()),
    )
    db.session.add(item)
    db.session.flush()
    return item


def move_feedback(item: Feedback, state: FeedbackState, by: Account, answer: str = "") -> None:
    """Advance along received → in progress → answered; an answer needs its text."""
    if state not in FEEDBACK_TRANSITIONS[item.state]:
        raise FeedbackError({"state": "Không thể chuyển sang trạng thái này."})
    answer = nfc(answer)
    if state is FeedbackState.ANSWERED and not answer:
        raise FeedbackError({"answer": "Vui lòng ghi nội dung trả lời."})
    before = {"state": item.state.value}
    item.state = state
    item.handled_by_id = by.id
    if state is FeedbackState.ANSWERED:
        item.answer = answer
        item.answered_at = utcnow()
    record_audit("survey.feedback_move", item, before=before, after={"state": state.value})


def hours_to_answer(item: Feedback) -> float | None:
    """Hours from receipt (to the hour) to the answer; None while unanswered."""
    if item.answered_at is None:
        return None
    return round((item.answered_at - item.received_at).total_seconds() / 3600, 1)
