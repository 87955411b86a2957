"""The demo's exam: open now (and for the next two months) for every demo officer.

One blueprint row per top-level topic of the starter bank. The civil-status topic is
restricted to civil-status officers, so their forms carry its questions and others' don't.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.exams import setup
from app.extensions import db
from app.models import Exam, ExamState, ReviewWhen, Topic, Unit, utcnow

DEMO_TITLE = "Kiểm tra kiến thức định kỳ (dữ liệu mẫu)"
CIVIL_STATUS = ("Nghiệp vụ chuyên ngành", ["Công chức tư pháp - hộ tịch"])


def load_demo_exam() -> Exam:
    """Create (once) and publish the demo exam; returns it."""
    found = db.session.scalar(sa.select(Exam).where(Exam.title == DEMO_TITLE))
    if found is not None:
        return found
    name, positions = CIVIL_STATUS
    roots = db.session.scalars(
        sa.select(Topic).where(Topic.parent_id.is_(None)).order_by(Topic.full_path)
    ).all()
    rows = []
    for topic in roots:
        if topic.name == name:
            topic.positions = positions
        rows.append({"topic": topic.id, "count": 3 if topic.name == name else 4, "mix": None})
    province = db.session.scalar(sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    now = utcnow().replace(second=0, microsecond=0)
    exam = setup.create_exam(
        province,
        setup.period_for(now.date()),
        created_by_id=None,
        title=DEMO_TITLE,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=60),
        time_limit_minutes=30,
        blueprint={"rows": rows, "fixed": []},
        target_unit_ids=[province.id],
        review_when=ReviewWhen.IMMEDIATELY,
        review_answers=True,
    )
    setup.build_candidates(exam)
    setup.move_exam(exam, ExamState.PUBLISHED, reason="Dữ liệu mẫu")
    return exam
