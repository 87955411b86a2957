"""Generated attempts answer like real ones: an answers row per answered choice item,
consistent with its credit, read back by item analysis; exposure counts as starts keep them."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from app.analytics.exam_data import option_code
from app.analytics.exam_versions import CHOICE_QTYPES
from app.analytics.item_cache import compute_exam
from app.cli.generate import generate_data
from app.extensions import db
from app.models import Answer, Attempt, AttemptItem, Exam, ExamExposure, QuestionVersion


def _answered_items() -> list[tuple]:
    """(attempt, credit, qtype, content, stored option chosen, seq) of every answer."""
    stmt = (
        sa.select(
            AttemptItem.attempt_id,
            AttemptItem.credit,
            QuestionVersion.qtype,
            QuestionVersion.content,
            sa.cast(AttemptItem.layout, sa.Text),
            sa.cast(Answer.response, sa.Text),
            Answer.seq,
        )
        .join(Answer, Answer.item_id == AttemptItem.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
    )
    return [
        (attempt, credit, qtype, content, option_code(layout, response), seq)
        for attempt, credit, qtype, content, layout, response, seq in db.session.execute(stmt)
    ]


def _check_answers_agree_with_credits() -> None:
    answered = _answered_items()
    assert answered
    saves: Counter[int] = Counter()
    for attempt, credit, qtype, content, chosen, _seq in answered:
        assert qtype in CHOICE_QTYPES and chosen != ""  # decodes to a stored option
        credits = {chr(ord("A") + i): o["credit"] for i, o in enumerate(content["options"])}
        assert credits[chosen] >= 1.0 if credit == 1.0 else credits[chosen] <= 0.0
        saves[attempt] += 1
    # every attempt's seq counts its saves, and its answers carry seq 1..n
    seqs: dict[int, list[int]] = {}
    for attempt, *_rest, seq in answered:
        seqs.setdefault(attempt, []).append(seq)
    for attempt in db.session.scalars(sa.select(Attempt)):
        assert attempt.seq == saves[attempt.id]
        assert sorted(seqs.get(attempt.id, [])) == list(range(1, saves[attempt.id] + 1))
    # some wrong choice items were left blank: no row, as a real unanswered item
    choice_items = db.session.scalar(
        sa.select(sa.func.count(AttemptItem.id))
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(QuestionVersion.qtype.in_(CHOICE_QTYPES))
    )
    assert 0.9 * choice_items < len(answered) < choice_items


def _check_exposure() -> None:
    """Each exam's exposure = how many of its attempts drew each question."""
    drawn = db.session.execute(
        sa.select(Attempt.exam_id, QuestionVersion.question_id, sa.func.count())
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .group_by(Attempt.exam_id, QuestionVersion.question_id)
    ).all()
    kept = db.session.execute(
        sa.select(ExamExposure.exam_id, ExamExposure.question_id, ExamExposure.drawn)
    ).all()
    assert drawn and sorted(kept) == sorted(tuple(row) for row in drawn)


def test_generated_answers_fill_the_distractor_tables(demo):
    result = generate_data(300, 0, periods=1)
    assert result.choices == db.session.scalar(sa.select(sa.func.count(Answer.id))) > 0
    _check_answers_agree_with_credits()
    _check_exposure()
    exam_id = db.session.scalar(sa.select(Exam.id))
    payload = compute_exam(exam_id)
    questions = payload["questions"]
    assert len(questions) == 60
    for question in questions:
        table = question["distractors"]
        assert table is not None and table["n"] == 300 and table["keys"] == ["A"]
        shares = {o["option"]: o["overall_share"] for o in table["options"]}
        # one key, chosen exactly by the items that earned the credit
        assert abs(shares["A"] - question["facility"]) < 1e-12
        assert abs(sum(shares.values()) - 1.0) < 1e-12
        assert set(shares) <= {"A", "B", "C", "D", ""}
        wrong = sorted((shares[o] for o in "BCD"), reverse=True)
        assert wrong[0] > 0
    # distractors are unequally attractive, and some pull the strong examinees: flagged
    flags = [f for q in questions for f in q["flags"]]
    assert any("phương án nhiễu" in f for f in flags)
    blanks = [q for q in questions if any(o["option"] == "" for o in q["distractors"]["options"])]
    assert len(blanks) > 30


def test_generated_answers_on_the_starter_bank(demo_bank):
    """Mixed question types: only single-answer choice items get rows, each consistent."""
    before_attempt = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Attempt.id), 0)))
    assert before_attempt == 0  # the demo's open exam has no attempts: everything is new
    generate_data(60, 0, periods=2)
    _check_answers_agree_with_credits()
    _check_exposure()
    other = db.session.scalar(
        sa.select(sa.func.count(AttemptItem.id))
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(QuestionVersion.qtype.not_in(CHOICE_QTYPES))
    )
    assert other > 0  # the starter bank has other types; they get no answers row
