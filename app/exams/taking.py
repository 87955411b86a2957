"""What the test taker's pages and the attempts API share: my exams, my attempt, its view.

``attempt_view`` is the only way an in-progress attempt is shown: it goes through
``items.public_view``, so no key, credit or feedback can reach a browser before review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app
from flask_login import current_user
from sqlalchemy.orm import defer, joinedload

from app.exams import items
from app.exams.answer_store import version_content
from app.extensions import db
from app.models import (
    Answer,
    Attempt,
    AttemptItem,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Person,
    QuestionVersion,
    utcnow,
)


@dataclass
class MyExam:
    exam: Exam
    candidate: ExamCandidate
    attempt: Attempt | None

    def status(self, now: datetime) -> str:
        """open / upcoming / closed, from the taker's point of view."""
        if self.attempt is not None and self.attempt.state is not AttemptState.IN_PROGRESS:
            return "closed"
        if now < self.exam.opens_at:
            return "upcoming"
        if now >= self.exam.closes_at and (self.attempt is None or now > self.attempt.deadline):
            return "closed"
        return "open"


def current_person() -> Person:
    """The signed-in account's staff profile (403 when the account has none)."""
    person_id = current_user.person_id
    person = db.session.get(Person, person_id) if person_id else None
    if person is None:
        abort(403)
    return person


def my_exams(person_id: int, now: datetime | None = None) -> list[MyExam]:
    """Published exams listing the person as required, newest window first."""
    now = now or utcnow()
    stmt = (
        sa.select(Exam, ExamCandidate, Attempt)
        .join(ExamCandidate, ExamCandidate.exam_id == Exam.id)
        .outerjoin(Attempt, sa.and_(Attempt.exam_id == Exam.id, Attempt.person_id == person_id))
        .where(
            ExamCandidate.person_id == person_id,
            ExamCandidate.status == CandidateStatus.REQUIRED,
            Exam.state == ExamState.PUBLISHED,
        )
        .order_by(Exam.opens_at.desc())
    )
    return [MyExam(e, c, a) for e, c, a in db.session.execute(stmt)]


def own_attempt_or_404(attempt_id: int) -> Attempt:
    """The caller's own attempt; anyone else's answers 404 (ids reveal nothing)."""
    attempt = db.session.scalar(
        sa.select(Attempt)
        .options(
            joinedload(Attempt.exam).defer(Exam.blueprint),
            defer(Attempt.draw_inputs),
            defer(Attempt.topic_scores),
        )
        .where(Attempt.id == attempt_id)
    )
    if attempt is None or attempt.person_id != current_user.person_id:
        abort(404)
    return attempt


def exam_for_taker_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None or exam.state is not ExamState.PUBLISHED:
        abort(404)
    return exam


def local_iso(moment: datetime) -> str:
    """ISO 8601 with the deployment's offset (+07:00 in Viet Nam)."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).isoformat()


def attempt_view(attempt: Attempt) -> dict:
    """The attempt for its taker: questions without keys, saved answers, flags, clock.

    Two queries whatever the number of questions (items with their versions' hashes, then
    the answers); contents come from the per-process cache of immutable versions.
    """
    exam = attempt.exam
    return {
        "attempt_id": attempt.id,
        "exam_id": exam.id,
        "title": exam.title,
        "state": attempt.state.value,
        "deadline": local_iso(attempt.deadline),
        "deadline_at": attempt.deadline,  # for pages; the API schema leaves it out
        "server_time": local_iso(utcnow()),
        "seq": attempt.seq,
        "sequential": exam.sequential,
        "one_per_page": exam.one_per_page,
        "questions": _question_views(attempt.id),
    }


def _question_views(attempt_id: int) -> list[dict]:
    rows = db.session.execute(
        sa.select(
            AttemptItem.id,
            AttemptItem.position,
            AttemptItem.version_id,
            AttemptItem.layout,
            AttemptItem.flagged,
            QuestionVersion.content_hash,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.attempt_id == attempt_id)
        .order_by(AttemptItem.position)
    ).all()
    responses = dict(
        db.session.execute(
            sa.select(Answer.item_id, Answer.response)
            .join(AttemptItem, AttemptItem.id == Answer.item_id)
            .where(AttemptItem.attempt_id == attempt_id)
        ).all()
    )
    return [
        {
            "item_id": row.id,
            "position": row.position,
            **items.public_view(version_content(row.version_id, row.content_hash), row.layout),
            "response": responses.get(row.id),
            "flagged": row.flagged,
        }
        for row in rows
    ]


def form_response(question: dict, form) -> object:
    """The raw response a plain HTML form carries for one question of ``attempt_view``.

    Field names: ``r-<item>`` (radio, checkboxes, text) and ``r-<item>-<prompt>`` (matching
    selects). Shapes match what ``items.validate_response`` expects.
    """
    name = f"r-{question['item_id']}"
    if question.get("prompts"):
        chosen = {p["id"]: form.get(f"{name}-{p['id']}", "") for p in question["prompts"]}
        return {k: v for k, v in chosen.items() if v}
    if question.get("multiple"):
        return form.getlist(name)
    return form.get(name, "")


def changed_items(view: dict, form) -> list[tuple[dict, object, bool | None]]:
    """(question, response, flag) for each question on the submitted page that changed."""
    shown = {int(i) for i in form.getlist("items") if i.isdigit()}
    out = []
    for question in view["questions"]:
        if question["item_id"] not in shown:
            continue
        response = form_response(question, form)
        flag = form.get(f"f-{question['item_id']}") == "1"
        empty = response in ("", [], {}, None)
        same = (empty and question["response"] in (None, "", [], {})) or _same(
            response, question["response"]
        )
        if not same or flag != question["flagged"]:
            out.append((question, response, flag))
    return out


def _same(submitted: object, stored: object) -> bool:
    if isinstance(submitted, list) and isinstance(stored, list):
        return sorted(submitted) == sorted(stored)
    if isinstance(stored, float) and isinstance(submitted, str):
        try:
            return float(submitted.replace(",", ".").strip()) == stored
        except ValueError:
            return False
    return submitted == stored
