"""Bulk loading keeps every constraint: re-created and re-checked on PostgreSQL, enforced
row by row on SQLite; a bad row stores nothing."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import sqlalchemy as sa

from app.cli.bulk import bulk_load, insert_rows
from app.cli.generate import generate_data
from app.cli.generate_exams import ITEM_COLUMNS
from app.extensions import db
from app.models import Attempt, AttemptItem, SurveyAnswer, SurveyResponse

TABLES = (
    "attempts",
    "attempt_items",
    "answers",
    "exam_candidates",
    "survey_responses",
    "survey_answers",
)
INTEGRITY = (sa.exc.IntegrityError, sqlite3.IntegrityError, psycopg.errors.IntegrityError)


def _schema() -> set[tuple]:
    """Constraint and index names of the loaded tables."""
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(
            sa.text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'")
        )
    else:
        rows = db.session.execute(
            sa.text(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint"
                " UNION SELECT tablename, indexname FROM pg_indexes"
                " WHERE schemaname = current_schema()"
            )
        )
    return {tuple(r) for r in rows if r[0] in TABLES}


def test_generation_leaves_the_constraints_in_place(demo):
    before = _schema()
    assert len(before) >= 8
    generate_data(60, 40, periods=1)
    assert _schema() == before
    attempt = db.session.scalars(sa.select(Attempt)).first()
    db.session.add(
        Attempt(
            exam_id=attempt.exam_id, person_id=attempt.person_id, seed=1, deadline=attempt.deadline
        )
    )
    with pytest.raises(sa.exc.IntegrityError):  # one attempt per person per exam
        db.session.flush()
    db.session.rollback()


def test_a_bad_row_aborts_the_whole_load(demo):
    generate_data(0, 30, periods=1)
    before = _schema()
    answers = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer))
    orphans = [(p + 1, 1, p, 1, 1, "{}", 1.0, 1.0, False) for p in range(3)]  # no attempt 1
    loading = bulk_load([AttemptItem.__table__, SurveyResponse.__table__])
    with pytest.raises(INTEGRITY), loading:
        insert_rows(db.session.connection(), AttemptItem.__table__, ITEM_COLUMNS, orphans)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttemptItem)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == answers
    assert _schema() == before
