"""Generated knowledge tests: one published exam per half-year, finished and scored attempts.

Each person sits each exam at most once (the database's unique constraint), so ``N``
attempts over ``K`` periods need ``ceil(N / K)`` people; ``generate`` makes enough synthetic
officers. An attempt's credits come from a two-parameter logistic model — the person's
ability (their unit's level plus their own, a little better each period) against each
item's difficulty and discrimination — so facility, discrimination and reliability look
like a real test's. Scores, percentages, pass/fail and topic sub-scores are stored as
``score_attempt`` would store them (every item has mark 1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import sqlalchemy as sa

from app.cli.bulk import bulk_load, insert_rows, move_sequence, next_id
from app.cli.generate_bank import Bank, draw_forms
from app.cli.generate_choices import (
    ChoiceModel,
    Choices,
    draw_choices,
    exposure_counts,
    layout_texts,
)
from app.exams import setup
from app.extensions import db
from app.models import (
    Answer,
    Attempt,
    AttemptItem,
    Exam,
    ExamCandidate,
    ExamExposure,
    ExamState,
    Period,
    QuestionVersion,
    Unit,
    utcnow,
)

CHUNK = 2_000  # attempts generated and inserted together (120,000 items)
PASS_MARK = 0.5
TIME_LIMIT = 60
TITLE = "Kiểm tra kiến thức định kỳ {period} (dữ liệu tổng hợp)"
ATTEMPT_COLUMNS = [
    "id",
    "exam_id",
    "person_id",
    "state",
    "seed",
    "draw_inputs",
    "seq",
    "started_at",
    "deadline",
    "extended_minutes",
    "last_saved_at",
    "finished_at",
    "finished_by",
    "paper",
    "score",
    "max_score",
    "percent",
    "passed",
    "topic_scores",
]
ITEM_COLUMNS = [
    "id",
    "attempt_id",
    "position",
    "version_id",
    "topic_id",
    "layout",
    "mark",
    "credit",
    "flagged",
]
CANDIDATE_COLUMNS = ["exam_id", "person_id", "status", "reason", "extra_minutes", "created_at"]
ANSWER_COLUMNS = ["item_id", "response", "seq", "saved_at"]


@dataclass(frozen=True)
class Sitting:
    """What the attempt rows need of their exam (plain values: the session commits often)."""

    exam_id: int
    opens_at: datetime
    pass_mark: float


def past_periods(count: int, today: date) -> list[Period]:
    """The ``count`` half-years before the one holding ``today``, oldest first."""
    year, half = today.year, 0 if today.month <= 6 else 1
    days = []
    for _ in range(count):
        year, half = (year, 0) if half == 1 else (year - 1, 1)
        days.append(date(year, 3 if half == 0 else 9, 15))
    return [setup.period_for(day) for day in reversed(days)]


def create_exam(period: Period, bank: Bank) -> Exam:
    """A published province-wide exam in the middle of ``period``."""
    province = db.session.scalar(sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    title = TITLE.format(period=period.name)
    taken = db.session.scalar(sa.select(sa.func.count(Exam.id)).where(Exam.title.like(title + "%")))
    opens = datetime.combine(period.starts_on + timedelta(days=75), time(1, 0), UTC)
    exam = setup.create_exam(
        province,
        period,
        created_by_id=None,
        title=title + (f" #{taken + 1}" if taken else ""),
        opens_at=opens,
        closes_at=opens + timedelta(days=21),
        time_limit_minutes=TIME_LIMIT,
        pass_mark=PASS_MARK,
        blueprint=bank.blueprint,
        target_unit_ids=[province.id],
    )
    exam.state = ExamState.PUBLISHED  # candidates' forms are filled by construction
    db.session.flush()
    return exam


def sit_exam(
    exam: Exam,
    person_ids: np.ndarray,
    ability: np.ndarray,
    bank: Bank,
    model: ChoiceModel,
    rng: np.random.Generator,
    progress: Callable[[int], None],
) -> tuple[int, int]:
    """Candidates, finished attempts, their items and answers for ``person_ids``, and the
    exam's exposure counts as the starts would have left them; returns (attempts, answers)."""
    created = utcnow()
    sitting = Sitting(exam.id, exam.opens_at, exam.pass_mark)
    tables = [ExamCandidate.__table__, Attempt.__table__, AttemptItem.__table__, Answer.__table__]
    drawn = np.zeros(len(bank.version_ids), dtype=np.int64)
    done = chosen = 0
    with bulk_load(tables) as checkpoint:
        insert_rows(
            db.session.connection(),
            ExamCandidate.__table__,
            CANDIDATE_COLUMNS,
            ((sitting.exam_id, int(p), "required", "", 0, created) for p in person_ids),
        )
        for start in range(0, len(person_ids), CHUNK):
            conn = db.session.connection()
            people = person_ids[start : start + CHUNK]
            chunk = Chunk(people, ability[start : start + CHUNK], bank, model)
            forms, answered = _write_chunk(conn, sitting, chunk, rng)
            drawn += np.bincount(forms.ravel(), minlength=drawn.size)
            chosen += answered
            checkpoint()
            done += len(people)
            progress(len(people))
        for table in (Attempt.__table__, AttemptItem.__table__):
            move_sequence(db.session.connection(), table)
    _write_exposure(sitting.exam_id, exposure_counts(model, drawn))
    return done, chosen


@dataclass(frozen=True)
class Chunk:
    """The examinees written together and what their answers are drawn from."""

    people: np.ndarray
    ability: np.ndarray
    bank: Bank
    model: ChoiceModel


def _write_chunk(conn, exam: Sitting, chunk: Chunk, rng) -> tuple[np.ndarray, int]:
    """Attempts, items and answers of ``chunk``; returns its forms (pool indices) and the
    number of answers."""
    bank, n = chunk.bank, len(chunk.people)
    forms = draw_forms(bank, n, rng)
    logits = bank.a[forms] * (chunk.ability[:, None] - bank.b[forms])
    credit = (rng.random(forms.shape) < 1 / (1 + np.exp(-logits))).astype(float)
    choices = draw_choices(chunk.model, forms, credit, chunk.ability, rng)
    first = next_id(conn, Attempt.__table__)
    ids = np.arange(first, first + n)
    answered = choices.answered.sum(axis=1)
    attempts = _attempt_rows(exam, ids, chunk.people, forms, credit, bank, rng, answered)
    insert_rows(conn, Attempt.__table__, ATTEMPT_COLUMNS, attempts)
    width = forms.shape[1]
    first_item = next_id(conn, AttemptItem.__table__)
    items = zip(
        range(first_item, first_item + n * width),
        np.repeat(ids, width).tolist(),
        np.tile(np.arange(1, width + 1), n).tolist(),
        bank.version_ids[forms].ravel().tolist(),
        bank.topic_ids[forms].ravel().tolist(),
        layout_texts(chunk.model, forms, choices),
        [1.0] * (n * width),
        credit.ravel().tolist(),
        [False] * (n * width),
        strict=True,
    )
    insert_rows(conn, AttemptItem.__table__, ITEM_COLUMNS, items)
    answers = _answer_rows(attempts, first_item, choices, chunk.model.responses)
    insert_rows(conn, Answer.__table__, ANSWER_COLUMNS, answers)
    return forms, int(answered.sum())


def _answer_rows(
    attempts: list[tuple], first_item: int, choices: Choices, texts: tuple[str, ...]
) -> Iterator[tuple]:
    """(item id, response, seq, saved at) of every answered item: the attempt's saves in
    position order, spread evenly between its start and its finish (as ``answer_store``
    writes them; ``texts`` are the responses of each display position)."""
    width = choices.answered.shape[1]
    cells = np.flatnonzero(choices.answered.ravel())
    row = cells // width
    seq = np.cumsum(choices.answered, axis=1).ravel()[cells]
    started = [attempt[7] for attempt in attempts]
    spent = np.array([(a[11] - a[7]).total_seconds() for a in attempts])
    offset = spent[row] * seq / np.maximum(choices.answered.sum(axis=1)[row], 1)
    for item, r, s, code, seconds in zip(
        (first_item + cells).tolist(),
        row.tolist(),
        seq.tolist(),
        choices.position.ravel()[cells].tolist(),
        offset.tolist(),
        strict=True,
    ):
        yield item, texts[code], s, started[r] + timedelta(seconds=seconds)


def _write_exposure(exam_id: int, counts: dict[int, int]) -> None:
    """The exam's ``exam_exposure`` rows: what ``pool.count_exposure`` adds up per start."""
    if counts:
        db.session.execute(
            ExamExposure.__table__.insert(),
            [{"exam_id": exam_id, "question_id": q, "drawn": n} for q, n in sorted(counts.items())],
        )
    db.session.commit()


def _attempt_rows(
    exam: Sitting, ids, people, forms, credit, bank: Bank, rng, saves: np.ndarray
) -> list[tuple]:
    """The attempt rows; ``saves`` is each attempt's number of saved answers (its ``seq``)."""
    n, width = forms.shape
    score = credit.sum(axis=1)
    percent = np.round(score / width, 6)
    started = [
        exam.opens_at + timedelta(days=int(d), minutes=int(m))
        for d, m in zip(rng.integers(0, 20, n), rng.integers(60, 600, n), strict=True)
    ]
    minutes = rng.integers(15, TIME_LIMIT - 1, n)
    topics = _topic_scores(forms, credit, bank)
    seeds = rng.integers(1, 2**62, n)
    return [
        (
            int(ids[i]),
            exam.exam_id,
            int(people[i]),
            "finished",
            int(seeds[i]),
            "{}",
            int(saves[i]),
            started[i],
            started[i] + timedelta(minutes=TIME_LIMIT),
            0,
            started[i] + timedelta(minutes=int(minutes[i])),
            started[i] + timedelta(minutes=int(minutes[i])),
            "person",
            False,
            float(score[i]),
            float(width),
            float(percent[i]),
            bool(percent[i] >= exam.pass_mark - 1e-9),
            topics[i],
        )
        for i in range(n)
    ]


def _topic_scores(forms: np.ndarray, credit: np.ndarray, bank: Bank) -> list[str]:
    """Each attempt's topic sub-scores as ``score_attempt`` stores them (JSON text)."""
    topic_of = bank.topic_ids[forms]
    columns = []
    for tid in sorted(set(topic_of.ravel().tolist()), key=lambda t: bank.topic_names[t]):
        mask = topic_of == tid
        columns.append((tid, bank.topic_names[tid], (credit * mask).sum(1), mask.sum(1)))
    rows = []
    for i in range(forms.shape[0]):
        cells = [
            {
                "topic_id": tid,
                "topic": name,
                "score": float(scores[i]),
                "max": float(maxima[i]),
                "percent": round(float(scores[i] / maxima[i]), 6),
            }
            for tid, name, scores, maxima in columns
            if maxima[i]
        ]
        rows.append(json.dumps(cells, ensure_ascii=False))
    return rows


def mark_used(bank: Bank) -> None:
    """Versions drawn into attempts are frozen, as after a real sitting."""
    db.session.execute(
        sa.update(QuestionVersion)
        .where(QuestionVersion.id.in_(bank.version_ids.tolist()))
        .values(used=True)
    )
