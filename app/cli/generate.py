"""``flask demo generate``: realistic synthetic data at province scale, for benchmarks.

What it makes, on top of the demo province (loaded first when missing, with its survey
channels and the default questionnaire):

- ``--periods K`` half-year periods before the current one (default 2), one published
  province-wide exam in each, drawn from the approved bank when it has 60 questions open
  to every position, else from a synthetic bank of exactly 60 (see ``generate_bank``);
- ``--attempts N`` finished, scored attempts of 60 items, split evenly over the exams,
  with the answer of every answered choice item (see ``generate_choices``) and the exams'
  exposure counts.
  One attempt per person per exam is a database constraint, so the generator uses the
  existing officers first and adds **synthetic officers** (staff codes ``TH000001`` …,
  spread over the demo desks, each with an assignment) until every exam has enough
  distinct people: ``ceil(N / K)`` in all. The same people sit every period, so HR lists
  (met the requirement twice, failed the latest) have histories to work on;
- ``--responses M`` citizen responses with their answers (see ``generate_surveys``) over
  the same periods, up to today.

Everything is written with the drivers' bulk paths (``bulk.insert_rows``), committed in
chunks, and is deterministic for a given ``--seed`` (except the random response ids).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import sqlalchemy as sa

from app.cli.bulk import insert_rows
from app.cli.demo import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, POSITIONS, load_demo
from app.cli.generate_bank import load_bank
from app.cli.generate_choices import choice_model
from app.cli.generate_exams import create_exam, mark_used, past_periods, sit_exam
from app.cli.generate_surveys import generate_responses
from app.extensions import db
from app.models import Assignment, Person, PersonStatus, utcnow
from app.text import fold, person_sort_key

STAFF_PREFIX = "TH"
PERIOD_GAIN = 0.12  # ability gained per period (training works, a little)
PERSON_COLUMNS = [
    "staff_code",
    "full_name",
    "name_fold",
    "sort_key",
    "date_of_birth",
    "position",
    "unit_id",
    "status",
    "created_at",
    "updated_at",
]


@dataclass
class Generated:
    """What a run made, for the command's summary and the benchmark."""

    periods: list[str] = field(default_factory=list)
    exams: int = 0
    people_added: int = 0
    attempts: int = 0
    items: int = 0
    responses: int = 0
    answers: int = 0
    choices: int = 0  # exam answers (one per answered choice item)
    seconds: float = 0.0


def generate_data(
    attempts: int,
    responses: int,
    *,
    periods: int = 2,
    seed: int = 1354,
    progress: Callable[[str, int], None] | None = None,
) -> Generated:
    """Fill the database (commits as it goes); returns counts. Raises ValueError on bad sizes."""
    if attempts < 0 or responses < 0 or periods < 1:
        raise ValueError("sizes must be positive")
    started = time.monotonic()
    report = progress or (lambda _what, _n: None)
    rng = np.random.default_rng(seed)
    _ensure_demo()
    chosen = past_periods(periods, utcnow().date())
    db.session.commit()
    result = Generated(periods=[p.name for p in chosen])
    if attempts:
        _generate_attempts(attempts, chosen, rng, result, report)
    if responses:
        last = min(chosen[-1].ends_on, utcnow().date())
        result.responses, result.answers = generate_responses(
            responses, chosen[0].starts_on, last, rng, lambda n: report("responses", n)
        )
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _ensure_demo() -> None:
    """The demo province, its survey channels and questionnaire (idempotent)."""
    from app.surveys.demo import load_demo_surveys

    load_demo(with_bank=False)
    load_demo_surveys()
    db.session.commit()


def _generate_attempts(total: int, periods, rng, result: Generated, report) -> None:
    bank = load_bank(rng)
    model = choice_model(bank.version_ids, bank.layouts, rng)
    per_exam = [total // len(periods) + (k < total % len(periods)) for k in range(len(periods))]
    people, units = ensure_people(max(per_exam), rng, result)
    unit_level = {u: rng.normal(0, 0.35) for u in np.unique(units).tolist()}
    ability = np.array([unit_level[u] for u in units.tolist()]) + rng.normal(0.4, 1, len(people))
    exams = [create_exam(period, bank) for period in periods]
    mark_used(bank)
    db.session.commit()
    for k, (exam, size) in enumerate(zip(exams, per_exam, strict=True)):
        chosen = np.sort(rng.choice(len(people), size, replace=False))
        attempts, answered = sit_exam(
            exam,
            people[chosen],
            ability[chosen] + PERIOD_GAIN * k,
            bank,
            model,
            rng,
            lambda n: report("attempts", n),
        )
        result.attempts += attempts
        result.choices += answered
    result.exams = len(exams)
    result.items = result.attempts * 60


def ensure_people(needed: int, rng, result: Generated) -> tuple[np.ndarray, np.ndarray]:
    """(ids, unit ids) of at least ``needed`` active people, adding synthetic officers."""
    rows = db.session.execute(
        sa.select(Person.id, Person.unit_id)
        .where(Person.status == PersonStatus.ACTIVE)
        .order_by(Person.id)
    ).all()
    missing = needed - len(rows)
    if missing > 0:
        desks = sorted({unit for _id, unit in rows})
        if not desks:
            raise ValueError("no active people to add colleagues to")
        _add_people(missing, desks, rng)
        result.people_added = missing
        return ensure_people(needed, rng, result)
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def _add_people(count: int, desks: list[int], rng) -> None:
    taken = db.session.scalar(
        sa.select(sa.func.count(Person.id)).where(Person.staff_code.like(STAFF_PREFIX + "%"))
    )
    now = utcnow()
    shares = rng.gamma(2.0, 1.0, len(desks))
    units = rng.choice(desks, count, p=shares / shares.sum())
    born = rng.integers(date(1968, 1, 1).toordinal(), date(1999, 12, 31).toordinal(), count)
    people = []
    for i in range(count):
        name = _name(rng)
        people.append(
            (
                f"{STAFF_PREFIX}{taken + i + 1:06d}",
                name,
                fold(name),
                person_sort_key(name),
                date.fromordinal(int(born[i])),
                POSITIONS[0]
                if rng.random() < 0.7
                else POSITIONS[int(rng.integers(len(POSITIONS)))],
                int(units[i]),
                PersonStatus.ACTIVE.value,
                now,
                now,
            )
        )
    conn = db.session.connection()
    insert_rows(conn, Person.__table__, PERSON_COLUMNS, people)
    _add_assignments(conn)
    db.session.commit()


def _add_assignments(conn: sa.Connection) -> None:
    """Each synthetic person's first assignment, in one INSERT … SELECT."""
    person, assignment = Person.__table__, Assignment.__table__
    source = sa.select(
        person.c.id,
        person.c.unit_id,
        person.c.position,
        sa.literal(date(2023, 1, 1), sa.Date),
        sa.literal("Dữ liệu tổng hợp"),
        sa.literal(""),
        sa.literal(utcnow(), assignment.c.created_at.type),
    ).where(
        person.c.staff_code.like(STAFF_PREFIX + "%"),
        ~sa.exists().where(assignment.c.person_id == person.c.id),
    )
    conn.execute(
        assignment.insert().from_select(
            [
                "person_id",
                "unit_id",
                "position",
                "start_date",
                "reason",
                "decision_ref",
                "created_at",
            ],
            source,
        )
    )


def _name(rng) -> str:
    male = rng.random() < 0.5
    parts = (FAMILY, MIDDLE_M, GIVEN_M) if male else (FAMILY, MIDDLE_F, GIVEN_F)
    return " ".join(str(p[int(rng.integers(len(p)))]) for p in parts)


def describe(result: Generated) -> list[str]:
    """Vietnamese summary lines for the command."""
    return [
        f"Kỳ: {', '.join(result.periods)}; {result.exams} bài kiểm tra.",
        f"Cán bộ tổng hợp thêm: {result.people_added:,}.",
        f"Lượt làm bài: {result.attempts:,} ({result.items:,} câu, "
        f"{result.choices:,} câu trắc nghiệm đã trả lời).",
        f"Phiếu khảo sát: {result.responses:,} ({result.answers:,} câu trả lời).",
        f"Thời gian: {result.seconds} s.",
    ]
