"""``flask exams sweep`` and ``flask exams paper-import`` through the real CLI runner."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.exams import attempts
from app.extensions import db
from app.models import Attempt, AttemptState, utcnow
from tests.exams.admin_helpers import make_exam, people_of


def test_sweep_finishes_overdue_attempts_and_prints_the_count(app, demo_bank):
    now = utcnow()
    exam = make_exam(opens_at=now - timedelta(hours=2))
    late, early, on_time = people_of("ST-LH")[:3]
    for person in (late, early):
        attempts.start_attempt(exam, person, now=now - timedelta(minutes=31, seconds=40))
    attempts.start_attempt(exam, on_time, now=now)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["exams", "sweep"])
    assert result.exit_code == 0, result.output
    assert "2" in result.output
    db.session.expire_all()
    states = dict(db.session.execute(sa.select(Attempt.person_id, Attempt.state)).all())
    assert states == {
        late.id: AttemptState.FINISHED,
        early.id: AttemptState.FINISHED,
        on_time.id: AttemptState.IN_PROGRESS,
    }
    finished = db.session.scalar(sa.select(Attempt).where(Attempt.person_id == late.id))
    assert finished.finished_by == "sweep" and finished.score == 0
    again = app.test_cli_runner().invoke(args=["exams", "sweep"])
    assert again.exit_code == 0 and "0" in again.output


def test_paper_import_dry_run_then_for_real(app, demo_bank, tmp_path):
    exam = make_exam()
    people = people_of("ST-LH")
    path = tmp_path / "ket-qua.csv"
    path.write_text(
        f"ma_can_bo,diem,diem_toi_da\n{people[0].staff_code},6,10\n{people[1].staff_code},3,10\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["exams", "paper-import", str(exam.id), str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 người" in dry.output
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0
    real = runner.invoke(args=["exams", "paper-import", str(exam.id), str(path)])
    assert real.exit_code == 0, real.output
    db.session.expire_all()
    results = dict(db.session.execute(sa.select(Attempt.person_id, Attempt.passed)).all())
    assert results == {people[0].id: True, people[1].id: False}


def test_paper_import_reports_row_errors_and_writes_nothing(app, demo_bank, tmp_path):
    exam = make_exam()
    people = people_of("ST-LH")
    path = tmp_path / "ket-qua.csv"
    path.write_text(
        f"ma_can_bo,diem,diem_toi_da\n{people[0].staff_code},6,10\nCB9999,3,10\n", encoding="utf-8"
    )
    result = app.test_cli_runner().invoke(args=["exams", "paper-import", str(exam.id), str(path)])
    assert result.exit_code != 0
    assert "Dòng 3" in result.output and "CB9999" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0
    missing = app.test_cli_runner().invoke(args=["exams", "paper-import", "999999", str(path)])
    assert missing.exit_code != 0 and "999999" in missing.output
