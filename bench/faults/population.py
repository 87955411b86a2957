"""The people and devices of a load run, made in-process before the server starts, and the
checks made on the database afterwards (lost and duplicated writes).

``prepare(url, officers)`` builds a fresh database: the demo province with its open exam,
history for the HR lists, survey kiosks and QR channels, plus ``officers`` extra officers
registered for the exam, each with an API token, and an admin token for the readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.harness import add_officers


@dataclass
class Population:
    exam_id: int
    officer_tokens: list[str]
    reader_token: str
    qr_codes: list[str]
    kiosk_tokens: list[str]
    baseline: dict[str, int] = field(default_factory=dict)  # row counts before the run


def _app(url: str):
    from app import create_app
    from app.config import Config

    return create_app(Config, {"SQLALCHEMY_DATABASE_URI": url})


def prepare(url: str, officers: int, *, hr_history: bool = True) -> Population:
    """Fresh schema and data at ``url``; returns who may call what."""
    import sqlalchemy as sa

    from app.auth.services import issue_token
    from app.cli.demo import load_demo
    from app.extensions import db
    from app.models import Account
    from app.surveys.demo import load_demo_surveys

    app = _app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo(with_hr_history=hr_history)
        surveys = load_demo_surveys()
        exam_id = db.session.scalar(sa.text("SELECT min(id) FROM exams"))
        tokens = add_officers(exam_id, officers, prefix="load")
        admin = db.session.scalar(sa.select(Account).where(Account.username == "admin"))
        reader = issue_token(admin, name="load-reader")[0]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    population = Population(
        exam_id=exam_id,
        officer_tokens=tokens,
        reader_token=reader,
        qr_codes=[code for _unit, code in surveys.qr],
        kiosk_tokens=[token for _unit, _code, token in surveys.kiosks],
    )
    population.baseline = counts(url)
    return population


def _engine(url: str):
    import sqlalchemy as sa

    return sa.create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})


COUNTED = ("answer_log", "answers", "attempts", "survey_responses", "survey_submission_keys")


def counts(url: str) -> dict[str, int]:
    """Rows of the tables a load run writes to."""
    import sqlalchemy as sa

    engine = _engine(url)
    with engine.connect() as conn:
        result = {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED
        }
    engine.dispose()
    return result


@dataclass
class Acked:
    """Writes the server acknowledged (2xx), and what each attempt meant to write."""

    # (attempt, seq, response, monotonic time of the acknowledgement)
    answers: list[tuple[int, int, object, float]] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)  # attempts
    intended: dict[int, int] = field(default_factory=dict)  # attempt -> saves meant
    citizen_keys: list[tuple[str, float]] = field(default_factory=list)  # (key, time)

    def before(self, moment: float) -> Acked:
        """Only what was acknowledged before ``moment`` (for a backup started then)."""
        return Acked(
            answers=[a for a in self.answers if a[3] < moment],
            citizen_keys=[k for k in self.citizen_keys if k[1] < moment],
        )


def check_writes(url: str, acked: Acked, baseline: dict[str, int]) -> dict[str, int]:
    """Lost and duplicated writes: every acknowledged save, finish and citizen response
    must be in the database, once."""
    import sqlalchemy as sa

    from app.models import AnswerLog

    t = AnswerLog.__table__
    engine = _engine(url)
    with engine.connect() as conn:
        log = conn.execute(sa.select(t.c.attempt_id, t.c.seq, t.c.response)).all()
        states = dict(conn.execute(sa.text("SELECT id, state FROM attempts")).all())
        keys = {k for (k,) in conn.execute(sa.text("SELECT key FROM survey_submission_keys"))}
    engine.dispose()
    stored = {(a, s): r for a, s, r in log}
    per_attempt: dict[int, int] = {}
    for a, _s, _r in log:
        per_attempt[a] = per_attempt.get(a, 0) + 1
    now = counts(url)
    responses = now["survey_responses"] - baseline.get("survey_responses", 0)
    new_keys = now["survey_submission_keys"] - baseline.get("survey_submission_keys", 0)
    return {
        "acked_answers": len(acked.answers),
        "lost_answers": sum(1 for a, s, r, _t in acked.answers if stored.get((a, s)) != r),
        "duplicate_answers": sum(
            max(0, per_attempt.get(a, 0) - n) for a, n in acked.intended.items()
        ),
        "acked_finishes": len(acked.finished),
        "lost_finishes": sum(1 for a in acked.finished if states.get(a) != "finished"),
        "acked_citizen_responses": len(acked.citizen_keys),
        "lost_citizen_responses": sum(1 for k, _t in acked.citizen_keys if k not in keys),
        "duplicate_citizen_responses": max(0, responses - new_keys),
    }


def integrity_ok(url: str) -> bool:
    """``PRAGMA integrity_check`` on SQLite; PostgreSQL has no such check (True)."""
    if not url.startswith("sqlite"):
        return True
    import sqlite3

    conn = sqlite3.connect(url.split("///", 1)[1], timeout=30)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
