"""Preparing exams: periods, the exam itself, who must sit it, publishing, retests.

An exam can only be published when every candidate's form can be filled from approved
questions (checked per distinct job position, since topics may be restricted to some).
Functions flush and audit; callers commit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.exams import draw, pool
from app.extensions import db
from app.models import (
    EXAM_TRANSITIONS,
    Attempt,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Period,
    Person,
    PersonStatus,
    Unit,
)


class SetupError(ValueError):
    """The exam cannot be changed this way; the message is shown to the user."""


# --- periods ------------------------------------------------------------------------------


def half_year(day: date) -> tuple[str, date, date]:
    """Name and bounds of the half-year holding ``day`` ("6 tháng đầu năm 2027")."""
    if day.month <= 6:
        return f"6 tháng đầu năm {day.year}", date(day.year, 1, 1), date(day.year, 6, 30)
    return f"6 tháng cuối năm {day.year}", date(day.year, 7, 1), date(day.year, 12, 31)


def period_for(day: date) -> Period:
    """The period containing ``day``; a half-year period is created when none does."""
    found = db.session.scalar(
        sa.select(Period)
        .where(Period.starts_on <= day, Period.ends_on >= day)
        .order_by(Period.starts_on.desc())
    )
    if found is not None:
        return found
    name, start, end = half_year(day)
    period = Period(name=name, starts_on=start, ends_on=end)
    db.session.add(period)
    db.session.flush()
    return period


def create_period(name: str, starts_on: date, ends_on: date) -> Period:
    """A custom period (when a province does not use half-years)."""
    if starts_on > ends_on:
        raise SetupError(_l("Ngày bắt đầu phải trước ngày kết thúc."))
    overlap = db.session.scalar(
        sa.select(Period.name).where(Period.starts_on <= ends_on, Period.ends_on >= starts_on)
    )
    if overlap:
        raise SetupError(_l("Trùng thời gian với kỳ %(overlap)s.", overlap=overlap))
    period = Period(name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    db.session.add(period)
    db.session.flush()
    record_audit("exam.period_create", period, after={"name": period.name})
    return period


# --- exams --------------------------------------------------------------------------------

EDITABLE = (
    "title",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "pass_mark",
    "blueprint",
    "target_unit_ids",
    "target_positions",
    "shuffle_questions",
    "shuffle_options",
    "sequential",
    "one_per_page",
    "review_when",
    "review_score",
    "review_topics",
    "review_answers",
    "room_pin",
)


def _check_fields(fields: dict[str, Any]) -> None:
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if opens is not None and closes is not None and opens >= closes:
        raise SetupError(_l("Giờ đóng phải sau giờ mở."))
    if "pass_mark" in fields and not 0 < fields["pass_mark"] <= 1:
        raise SetupError(_l("Ngưỡng đạt phải trong khoảng (0; 100] %."))
    if "time_limit_minutes" in fields and not 1 <= fields["time_limit_minutes"] <= 600:
        raise SetupError(_l("Thời gian làm bài phải từ 1 đến 600 phút."))
    if "blueprint" in fields:
        try:
            draw.parse_blueprint(fields["blueprint"])
        except draw.BlueprintError as exc:
            raise SetupError(str(exc)) from exc


def create_exam(unit: Unit, period: Period, *, created_by_id: int | None, **fields: Any) -> Exam:
    """A draft exam owned by ``unit`` (its scope) in ``period``."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise SetupError(_l("Trường không hợp lệ: %(fields)s", fields=", ".join(sorted(unknown))))
    _check_fields(fields)
    exam = Exam(unit_id=unit.id, period=period, created_by_id=created_by_id, **fields)
    db.session.add(exam)
    db.session.flush()
    record_audit("exam.create", exam, after={"title": exam.title}, unit_id=unit.id)
    return exam


def update_exam(exam: Exam, **fields: Any) -> None:
    """Change settings of a draft exam (publish locks the blueprint and the window start)."""
    if exam.state is not ExamState.DRAFT:
        raise SetupError(
            _l("Chỉ sửa được bài kiểm tra ở trạng thái nháp. Hãy chuyển về nháp trước.")
        )
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise SetupError(_l("Trường không hợp lệ: %(fields)s", fields=", ".join(sorted(unknown))))
    merged = {"opens_at": exam.opens_at, "closes_at": exam.closes_at, **fields}
    _check_fields(merged)
    before = {k: _plain(getattr(exam, k)) for k in fields}
    for key, value in fields.items():
        setattr(exam, key, value)
    db.session.flush()
    record_audit(
        "exam.update", exam, before=before, after={k: _plain(v) for k, v in fields.items()}
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def check_exam(exam: Exam) -> list[str]:
    """Problems that stop ``exam`` from opening (empty list: it can open)."""
    problems: list[str] = []
    try:
        blueprint = draw.parse_blueprint(exam.blueprint)
    except draw.BlueprintError as exc:
        return [str(exc)]
    positions = set(
        db.session.scalars(
            sa.select(Person.position)
            .join(ExamCandidate, ExamCandidate.person_id == Person.id)
            .where(
                ExamCandidate.exam_id == exam.id,
                ExamCandidate.status == CandidateStatus.REQUIRED,
            )
        )
    )
    if not positions:
        problems.append(_("Chưa có người nào phải dự kiểm tra."))
    topics = pool.row_topics(blueprint)
    names = {tid: t.name for tid, t in topics.items()}
    versions = pool.approved_versions()
    for position in sorted(positions):
        own = pool.rows_for_position(blueprint, topics, position)
        for shortfall in draw.check_blueprint(own, pool.candidates_for(own, position, versions)):
            who = position or _("(chưa ghi chức danh)")
            problems.append(f"{who}: {shortfall.message_for(names)}")
    return problems


def move_exam(exam: Exam, target: ExamState, *, reason: str = "") -> None:
    """Publish (after ``check_exam``), return to draft, or cancel."""
    if target not in EXAM_TRANSITIONS[exam.state]:
        raise SetupError(_l("Không thể chuyển trạng thái bài kiểm tra như vậy."))
    if target is ExamState.PUBLISHED:
        problems = check_exam(exam)
        if problems:
            raise SetupError(
                _l("Chưa thể mở bài kiểm tra: %(problems)s", problems="; ".join(problems))
            )
    if target is ExamState.DRAFT and _has_attempts(exam):
        raise SetupError(_l("Đã có người làm bài; không thể chuyển về nháp."))
    before = exam.state
    exam.state = target
    db.session.flush()
    record_audit(
        f"exam.{target.value}",
        exam,
        before={"state": before.value},
        after={"state": target.value},
        reason=reason,
    )


def _has_attempts(exam: Exam) -> bool:
    return (
        db.session.scalar(sa.select(Attempt.id).where(Attempt.exam_id == exam.id).limit(1))
        is not None
    )


# --- candidates -------------------------------------------------------------------------


def build_candidates(exam: Exam) -> int:
    """Add every active person of the target units (with sub-trees) and positions; returns
    how many were added. People already listed keep their status."""
    units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(exam.target_unit_ids or []))).all()
    if not units:
        raise SetupError(_l("Chọn ít nhất một đơn vị dự kiểm tra."))
    stmt = (
        sa.select(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(
            Person.status == PersonStatus.ACTIVE,
            sa.or_(*(Unit.path.startswith(u.path, autoescape=True) for u in units)),
        )
    )
    listed = set(
        db.session.scalars(
            sa.select(ExamCandidate.person_id).where(ExamCandidate.exam_id == exam.id)
        )
    )
    wanted = {pool.fold_position(p) for p in exam.target_positions or [] if p.strip()}
    added = 0
    for person in db.session.scalars(stmt):
        if person.id in listed or (wanted and pool.fold_position(person.position) not in wanted):
            continue
        db.session.add(ExamCandidate(exam_id=exam.id, person_id=person.id))
        added += 1
    db.session.flush()
    record_audit("exam.candidates_build", exam, after={"added": added})
    return added


def add_candidate(exam: Exam, person: Person, *, reason: str = "") -> ExamCandidate:
    if candidate_row(exam, person) is not None:
        raise SetupError(_l("%(full_name)s đã có trong danh sách.", full_name=person.full_name))
    row = ExamCandidate(exam_id=exam.id, person_id=person.id, reason=reason)
    db.session.add(row)
    db.session.flush()
    record_audit("exam.candidate_add", row, after={"person": person.id}, reason=reason)
    return row


def candidate_row(exam: Exam, person: Person) -> ExamCandidate | None:
    return db.session.scalar(
        sa.select(ExamCandidate).where(
            ExamCandidate.exam_id == exam.id, ExamCandidate.person_id == person.id
        )
    )


def remove_candidate(exam: Exam, person: Person, *, reason: str) -> None:
    row = _listed(exam, person)
    if _attempt_of(exam, person) is not None:
        raise SetupError(_l("Người này đã làm bài; không thể xóa khỏi danh sách."))
    db.session.delete(row)
    db.session.flush()
    record_audit("exam.candidate_remove", exam, before={"person": person.id}, reason=reason)


def set_exemption(exam: Exam, person: Person, *, exempt: bool, reason: str) -> None:
    """Exempt (leave, illness, …) or require again; a reason is always needed."""
    row = _listed(exam, person)
    if not reason.strip():
        raise SetupError(_l("Vui lòng ghi lý do."))
    if exempt and _attempt_of(exam, person) is not None:
        raise SetupError(_l("Người này đã bắt đầu làm bài; không thể miễn."))
    before = row.status.value
    row.status = CandidateStatus.EXEMPT if exempt else CandidateStatus.REQUIRED
    row.reason = reason.strip()
    db.session.flush()
    record_audit(
        "exam.candidate_status",
        row,
        before={"status": before},
        after={"status": row.status.value},
        reason=reason,
    )


def set_extra_time(exam: Exam, person: Person, *, minutes: int, reason: str) -> None:
    """An accommodation: personal extra minutes, applied when the person starts."""
    row = _listed(exam, person)
    if not reason.strip():
        raise SetupError(_l("Vui lòng ghi lý do."))
    if not 0 <= minutes <= 240:
        raise SetupError(_l("Thời gian cộng thêm phải từ 0 đến 240 phút."))
    before = row.extra_minutes
    row.extra_minutes = minutes
    db.session.flush()
    record_audit(
        "exam.extra_time",
        row,
        before={"minutes": before},
        after={"minutes": minutes},
        reason=reason,
    )


def _listed(exam: Exam, person: Person) -> ExamCandidate:
    row = candidate_row(exam, person)
    if row is None:
        raise SetupError(_l("%(full_name)s không có trong danh sách.", full_name=person.full_name))
    return row


def _attempt_of(exam: Exam, person: Person) -> Attempt | None:
    return db.session.scalar(
        sa.select(Attempt).where(Attempt.exam_id == exam.id, Attempt.person_id == person.id)
    )


# --- retests ------------------------------------------------------------------------------


def create_retest(
    exam: Exam, *, title: str, opens_at: datetime, closes_at: datetime, created_by_id: int | None
) -> Exam:
    """A new draft exam linked to ``exam`` for everyone who failed it (or whose attempt was
    annulled); same blueprint and settings, new window."""
    fields = {k: getattr(exam, k) for k in EDITABLE}
    fields.update(title=title, opens_at=opens_at, closes_at=closes_at, room_pin=None)
    retest = create_exam(
        db.session.get(Unit, exam.unit_id), exam.period, created_by_id=created_by_id, **fields
    )
    retest.retest_of_id = exam.id
    failed = db.session.scalars(
        sa.select(Attempt.person_id).where(
            Attempt.exam_id == exam.id,
            sa.or_(
                sa.and_(Attempt.state == AttemptState.FINISHED, Attempt.passed.is_(False)),
                Attempt.state == AttemptState.ABANDONED,
            ),
        )
    ).all()
    for person_id in failed:
        db.session.add(ExamCandidate(exam_id=retest.id, person_id=person_id))
    db.session.flush()
    record_audit("exam.retest", retest, after={"retest_of": exam.id, "people": len(failed)})
    return retest
