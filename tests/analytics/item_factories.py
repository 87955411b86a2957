"""Finished attempts with known marks, inserted with Core (fast, exact, no scoring path).

``insert_attempts(exam, forms, credits, choices)``: attempt i holds the versions
``forms[i]`` at positions 1..k with ``credits[i][j]`` (a fraction of mark 1) and, for
choice questions, the stored option ``choices[i][j]`` ("A", "B", … or None for blank;
by default the key "A" for credit 1 and "B" otherwise, so re-scoring agrees), written
as the display id of an identity layout, like a real response. The versions used have
their key first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Answer,
    Attempt,
    AttemptItem,
    AttemptState,
    Exam,
    Person,
    QuestionVersion,
    VersionState,
    utcnow,
)


def choice_versions(count: int, qtype: str = "single_choice") -> list[QuestionVersion]:
    """``count`` approved versions of one-key choice questions with 4 options, from the bank."""
    stmt = (
        sa.select(QuestionVersion)
        .where(QuestionVersion.qtype == qtype, QuestionVersion.state == VersionState.APPROVED)
        .order_by(QuestionVersion.id)
    )
    found = []
    for version in db.session.scalars(stmt):
        options = version.content.get("options") or []
        full = [o for o in options if o.get("credit", 0) >= 1]
        if len(options) == 4 and len(full) == 1 and options[0].get("credit", 0) >= 1:
            found.append(version)
        if len(found) == count:
            return found
    raise AssertionError(f"the starter bank has fewer than {count} suitable {qtype} questions")


def people(count: int) -> list[Person]:
    found = list(db.session.scalars(sa.select(Person).order_by(Person.id).limit(count)))
    assert len(found) == count, "not enough demo people"
    return found


def insert_attempts(
    exam: Exam,
    forms: Sequence[Sequence[QuestionVersion]],
    credits: Sequence[Sequence[float | None]],
    choices: Sequence[Sequence[str | None]] | None = None,
    *,
    state: AttemptState = AttemptState.FINISHED,
    first_person: int = 0,
    paper: bool = False,
) -> list[int]:
    """Insert one attempt per row of ``credits``; returns the attempt ids."""
    now = utcnow()
    ids = []
    who = people(first_person + len(credits))[first_person:]
    for i, (form, row) in enumerate(zip(forms, credits, strict=True)):
        earned = sum(c for c in row if c is not None)
        maximum = float(sum(1 for c in row if c is not None))
        attempt_id = db.session.execute(
            sa.insert(Attempt).returning(Attempt.id),
            {
                "exam_id": exam.id,
                "person_id": who[i].id,
                "state": state,
                "seed": i,
                "draw_inputs": {},
                "seq": 1,
                "started_at": now - timedelta(minutes=30),
                "deadline": now + timedelta(minutes=30),
                "finished_at": now - timedelta(seconds=len(credits) - i),
                "score": earned,
                "max_score": maximum,
                "percent": earned / maximum if maximum else 0.0,
                "passed": earned >= maximum / 2,
                "topic_scores": [],
                "paper": paper,
            },
        ).scalar_one()
        ids.append(attempt_id)
        for j, (version, credit) in enumerate(zip(form, row, strict=True)):
            item_id = db.session.execute(
                sa.insert(AttemptItem).returning(AttemptItem.id),
                {
                    "attempt_id": attempt_id,
                    "position": j + 1,
                    "version_id": version.id,
                    "topic_id": version.question.topic_id,
                    "layout": {"options": list(range(len(version.content["options"])))},
                    "mark": 1.0,
                    "credit": credit,
                },
            ).scalar_one()
            chosen = choices[i][j] if choices else _consistent(credit)
            if paper:
                continue  # a paper sitting has marks, no responses
            response = None if chosen is None else "abcdefgh"["ABCDEFGH".index(chosen)]
            db.session.execute(
                sa.insert(Answer), {"item_id": item_id, "response": response, "seq": 1}
            )
    db.session.commit()
    return ids


def _consistent(credit: float | None) -> str | None:
    if credit is None:
        return None
    return "A" if credit >= 1 else "B"
