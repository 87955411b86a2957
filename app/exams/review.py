"""What a person may see of a finished attempt, and when (the exam's review policy).

Before the policy allows, nothing about correctness leaves the server: pages and JSON
get ``items.public_view`` only. After, the parts the exam chose (score, per-topic
breakdown, correct answers with feedback) become visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.exams import items
from app.exams.taking import local_iso
from app.models import Attempt, AttemptState, ReviewWhen, utcnow


@dataclass(frozen=True)
class Visible:
    score: bool = False
    topics: bool = False
    answers: bool = False

    @property
    def anything(self) -> bool:
        return self.score or self.topics or self.answers


def visible(attempt: Attempt, now: datetime | None = None) -> Visible:
    """The parts of ``attempt`` its owner may see at ``now``."""
    now = now or utcnow()
    exam = attempt.exam
    if attempt.state is not AttemptState.FINISHED or exam.review_when is ReviewWhen.NEVER:
        return Visible()
    if exam.review_when is ReviewWhen.AFTER_CLOSE and now < exam.closes_at:
        return Visible()
    return Visible(exam.review_score, exam.review_topics, exam.review_answers)


def result_payload(attempt: Attempt, now: datetime | None = None) -> dict:
    """The finished attempt as the review policy allows (always says it finished)."""
    shown = visible(attempt, now)
    body: dict = {
        "attempt_id": attempt.id,
        "state": attempt.state.value,
        "finished_at": local_iso(attempt.finished_at) if attempt.finished_at else None,
        "review_available": shown.anything,
    }
    if shown.score:
        body.update(
            score=attempt.score,
            max_score=attempt.max_score,
            percent=attempt.percent,
            passed=attempt.passed,
        )
    if shown.topics:
        body["topics"] = attempt.topic_scores
    if shown.answers:
        body["questions"] = [
            {
                "item_id": item.id,
                "position": item.position,
                **items.review_view(
                    item.version.content,
                    item.layout,
                    item.answer.response if item.answer else None,
                ),
            }
            for item in attempt.items
        ]
    return body
