"""Storing answers: the everyday save in as few statements as possible, and the writes every
save path shares (the answer upsert and the append-only log row).

Every statement here is built once per dialect with bound parameters, so SQLAlchemy
compiles it once per process (an upsert built afresh on every save is compiled afresh:
about a third of a save's time). The fast save refuses nothing itself: anything unusual
returns None, and ``attempts.save_answer`` decides and explains.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.exams import items
from app.extensions import db
from app.models import (
    Answer,
    AnswerLog,
    Attempt,
    AttemptItem,
    AttemptState,
    Exam,
    QuestionVersion,
    utcnow,
)

IN_PROGRESS = AttemptState.IN_PROGRESS.value


@functools.lru_cache(maxsize=4096)
def version_content(version_id: int, content_hash: str) -> dict:
    """A version's content, cached per process: a version with a given hash never changes
    (keyed by the hash too, so a reused id can never serve stale content)."""
    return db.session.scalar(
        sa.select(QuestionVersion.content).where(QuestionVersion.id == version_id)
    )


@dataclass(frozen=True)
class _Statements:
    row: sa.Select  # the attempt, its exam's navigation, the item and its version's hash
    advance: sa.Update  # the seq guard: seq + 1 only if it still equals :seq
    upsert: sa.TextClause  # the item's latest answer
    log: sa.Insert  # the append-only save log
    guarded: sa.TextClause  # PostgreSQL: advance, log and upsert in one statement


@functools.cache
def _statements() -> _Statements:
    a, e = Attempt.__table__, Exam.__table__
    i, v = AttemptItem.__table__, QuestionVersion.__table__
    row = (
        sa.select(a.c.person_id, a.c.state, a.c.deadline, e.c.sequential)
        .add_columns(i.c.layout, i.c.version_id, i.c.flagged, v.c.content_hash)
        .select_from(a.join(e, e.c.id == a.c.exam_id))
        .join(i, sa.and_(i.c.attempt_id == a.c.id, i.c.id == sa.bindparam("item")))
        .join(v, v.c.id == i.c.version_id)
        .where(a.c.id == sa.bindparam("attempt"))
    )
    advance = (
        a.update()
        .where(a.c.id == sa.bindparam("attempt"), a.c.seq == sa.bindparam("seq"))
        .where(a.c.state == IN_PROGRESS)
        .values(seq=a.c.seq + 1, last_saved_at=sa.bindparam("now", type_=a.c.last_saved_at.type))
    )
    # Written out: SQLAlchemy cannot cache a compiled ON CONFLICT built from ``insert()``.
    # The same text suits SQLite (3.24+) and PostgreSQL.
    answers = Answer.__table__
    upsert = sa.text(
        "INSERT INTO answers (item_id, response, seq, saved_at)"
        " VALUES (:item_id, :response, :seq, :saved_at)"
        " ON CONFLICT (item_id) DO UPDATE SET response = excluded.response,"
        " seq = excluded.seq, saved_at = excluded.saved_at"
    ).bindparams(
        sa.bindparam("response", type_=answers.c.response.type),
        sa.bindparam("saved_at", type_=answers.c.saved_at.type),
    )
    return _Statements(row, advance, upsert, AnswerLog.__table__.insert(), _guarded())


def _guarded() -> sa.TextClause:
    """The seq guard and both writes as one PostgreSQL statement (data-modifying CTEs):
    nothing is written unless the guard moved ``seq``; one round trip instead of three.
    Its row count is 1 when the answer was stored, 0 when the guard refused."""
    answers = Answer.__table__
    return sa.text(
        "WITH moved AS (UPDATE attempts SET seq = seq + 1, last_saved_at = :saved_at"
        " WHERE id = :attempt_id AND seq = :seq - 1 AND state = 'in_progress' RETURNING id),"
        " logged AS (INSERT INTO answer_log (attempt_id, item_id, seq, response, saved_at)"
        " SELECT id, :item_id, :seq, :response, :saved_at FROM moved)"
        " INSERT INTO answers (item_id, response, seq, saved_at)"
        " SELECT :item_id, :response, :seq, :saved_at FROM moved"
        " ON CONFLICT (item_id) DO UPDATE SET response = excluded.response,"
        " seq = excluded.seq, saved_at = excluded.saved_at"
    ).bindparams(
        sa.bindparam("response", type_=answers.c.response.type),
        sa.bindparam("saved_at", type_=answers.c.saved_at.type),
        sa.bindparam("attempt_id", type_=sa.Integer()),
        sa.bindparam("item_id", type_=sa.Integer()),
        sa.bindparam("seq", type_=sa.Integer()),
    )


def write_answer(attempt_id: int, item_id: int, response, seq: int, now: datetime) -> None:
    """Upsert the item's answer and append to the save log (two statements, no read)."""
    built = _statements()
    values = {"item_id": item_id, "response": response, "seq": seq, "saved_at": now}
    db.session.execute(built.upsert, values)
    db.session.execute(built.log, {**values, "attempt_id": attempt_id})


def save_answer_fast(
    attempt_id: int,
    person_id: int | None,
    item_id: int,
    raw: object,
    seq: int,
    *,
    keep_response: bool = False,
    flagged: bool | None = None,
) -> tuple[int, datetime] | None:
    """The everyday save: one read, then the guarded writes (one statement on PostgreSQL,
    three on SQLite). Returns (new seq, saved at), or None when anything is unusual (not
    the caller's, over, overdue, sequential, stale, bad shape): the caller then takes
    ``attempts.save_answer``, which handles and reports each case."""
    now = utcnow()
    built = _statements()
    row = db.session.execute(built.row, {"attempt": attempt_id, "item": item_id}).first()
    if row is None or not _is_plain_save(row, person_id, now):
        return None
    response = None
    if not keep_response:
        try:
            content = version_content(row.version_id, row.content_hash)
            response = items.validate_response(content, row.layout, raw)
        except items.ResponseError:
            return None
    if not _advance_and_store(attempt_id, item_id, response, seq, now, keep_response):
        return None
    if flagged is not None and bool(flagged) != row.flagged:
        db.session.execute(
            AttemptItem.__table__.update()
            .where(AttemptItem.__table__.c.id == item_id)
            .values(flagged=bool(flagged))
        )
    return seq + 1, now


def _advance_and_store(
    attempt_id: int, item_id: int, response, seq: int, now: datetime, keep_response: bool
) -> bool:
    """Move the seq guard and store the answer; False (nothing written) when it is stale."""
    built = _statements()
    if keep_response or db.session.get_bind().dialect.name != "postgresql":
        moved = db.session.execute(built.advance, {"attempt": attempt_id, "seq": seq, "now": now})
        if moved.rowcount != 1:
            return False
        if not keep_response:
            write_answer(attempt_id, item_id, response, seq + 1, now)
        return True
    values = {"attempt_id": attempt_id, "item_id": item_id, "seq": seq + 1, "saved_at": now}
    return db.session.execute(built.guarded, {**values, "response": response}).rowcount == 1


def _is_plain_save(row, person_id: int | None, now: datetime) -> bool:
    """The caller's own attempt, in progress, free navigation, before deadline + grace."""
    grace = timedelta(seconds=current_app.config.get("EXAM_GRACE_SECONDS", 30))
    return (
        row.person_id == person_id
        and row.state == IN_PROGRESS
        and not row.sequential
        and now <= _aware(row.deadline) + grace
    )


def _aware(moment: datetime) -> datetime:
    """Core reads of a UTC column on SQLite come back naive."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
