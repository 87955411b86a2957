"""``flask analytics refresh [--exam ID] [--force]``: precompute the cached item analyses
and bring the satisfaction rollups up to date; ``flask analytics rollups``: the rollups
only.

Run ``refresh`` after a test day (or nightly from cron): the exam reports, the per-question
pages and the bank browser's "Thống kê" column then read ready rows. Only analyses whose
attempts changed are recomputed unless ``--force``. ``rollups`` adds every closed day
(up to yesterday) to the satisfaction rollups and rebuilds the days that changed; pages
never do that work (they count the days not built from the raw tables), so it runs on a
timer (deploy/systemd/onestop-rollups.timer: hourly) as well as in the nightly job.
Registered on the ``analytics`` group by ``app.analytics.cli``.
"""

from __future__ import annotations

import time

import click
import sqlalchemy as sa

from app.analytics import item_cache
from app.analytics.cli import analytics_cli
from app.analytics.satisfaction_rollup import closed_through, refresh_rollups
from app.extensions import db
from app.models import Attempt, AttemptState, Exam


@analytics_cli.command("refresh")
@click.option(
    "--exam", "exam_id", type=int, default=None, help="Only this exam (and its questions)."
)
@click.option("--force", is_flag=True, help="Recompute even if nothing changed.")
def refresh_command(exam_id: int | None, force: bool) -> None:
    """Recompute the item analyses of exams and questions whose attempts changed."""
    started = time.perf_counter()
    if exam_id is not None:
        if db.session.get(Exam, exam_id) is None:
            raise click.ClickException(f"Không có bài kiểm tra #{exam_id} (no such exam).")
        exam_ids = [exam_id]
    else:
        stmt = sa.select(Attempt.exam_id).where(Attempt.state == AttemptState.FINISHED)
        exam_ids = sorted(db.session.scalars(stmt.distinct()))
    try:
        exams = item_cache.refresh_exams(exam_ids, force=force)
        db.session.commit()
        question_ids = item_cache.questions_of_exams(exam_ids)
        questions = item_cache.refresh_questions(question_ids, force=force)
        db.session.commit()
        if exam_id is None:
            _rollups()
    except Exception:
        db.session.rollback()
        raise
    click.echo(
        f"Đã tính lại {exams}/{len(exam_ids)} bài kiểm tra và {questions}/{len(question_ids)} "
        f"câu hỏi trong {time.perf_counter() - started:.1f} giây "
        f"(recomputed exams / questions whose attempts changed)."
    )


def _rollups() -> int:
    """Bring the satisfaction rollups up to date and commit; returns the months changed."""
    months = refresh_rollups(force=True)
    db.session.commit()
    return months


@analytics_cli.command("rollups")
def rollups_command() -> None:
    """Add the closed days to the satisfaction rollups; rebuild the days that changed."""
    started = time.perf_counter()
    try:
        months = _rollups()
    except Exception:
        db.session.rollback()
        raise
    click.echo(
        f"Đã cập nhật {months} tháng số liệu hài lòng đến hết ngày "
        f"{closed_through():%d/%m/%Y} trong {time.perf_counter() - started:.1f} giây "
        f"(satisfaction rollup months updated, through the last closed day)."
    )
