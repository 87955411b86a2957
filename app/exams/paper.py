"""Paper sittings: import the results of a test taken on paper so those people count like
everybody else.

Two layouts of a CSV or XLSX sheet, told apart by the header:

* totals — ``ma_can_bo``, ``diem``, ``diem_toi_da`` (staff code, score, maximum);
* per-question marks — ``ma_can_bo`` then one column per question external id, each cell a
  credit from 0 to 1.

``plan_paper`` checks every row and writes nothing; ``apply_paper`` writes the whole plan
(finished, ``paper=True`` attempts, scored like online ones) or, if the plan has any error,
nothing at all. Functions flush and audit; the caller commits.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit import record_audit
from app.exams.items_layout import build_order
from app.exams.paper_read import PaperError, read_table
from app.exams.scoring import fixes_for
from app.extensions import db
from app.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Person,
    Question,
    QuestionVersion,
    Topic,
    VersionState,
    utcnow,
)
from app.text import fold

HEADERS = {
    "staff": {"ma_can_bo", "ma_cb", "staff_code"},
    "score": {"diem", "score"},
    "max": {"diem_toi_da", "max", "max_score"},
}
MAX_ROWS = 5000
__all__ = ["PaperError", "PaperPlan", "apply_paper", "plan_paper", "read_table"]


@dataclass
class PaperRow:
    row: int
    person: Person
    score: float = 0.0
    max_score: float = 0.0
    marks: list[float] = field(default_factory=list)  # per question column, 0..1


@dataclass
class PaperColumn:
    external_id: str
    version: QuestionVersion
    topic_id: int


@dataclass
class PaperPlan:
    mode: str = ""  # "totals" | "marks"
    rows: list[PaperRow] = field(default_factory=list)
    columns: list[PaperColumn] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _header_key(title: str) -> str:
    return fold(title).replace(" ", "_")


# --- planning ---------------------------------------------------------------------------------


def _columns(plan: PaperPlan, header: list[str]) -> dict[str, int]:
    """Map the header; sets ``plan.mode`` and ``plan.columns`` (errors on row 1)."""
    found: dict[str, int] = {}
    questions: list[tuple[int, str]] = []
    for index, title in enumerate(header):
        key = next((k for k, names in HEADERS.items() if _header_key(title) in names), None)
        if key is not None:
            found[key] = index
        elif title.strip():
            questions.append((index, title.strip()))
    if "staff" not in found:
        plan.errors.append((1, _("Thiếu cột ma_can_bo (mã cán bộ).")))
    if "score" in found or "max" in found:
        plan.mode = "totals"
        if not ("score" in found and "max" in found):
            plan.errors.append((1, _("Tệp tổng điểm cần hai cột diem và diem_toi_da.")))
        if questions:
            plan.errors.append((1, _("Tệp tổng điểm không được có thêm cột theo câu hỏi.")))
        return found
    plan.mode = "marks"
    if not questions:
        plan.errors.append((1, _("Cần cột diem, diem_toi_da hoặc các cột mã câu hỏi.")))
    _question_columns(plan, questions)
    found.update({f"q{i}": index for i, (index, _t) in enumerate(questions)})
    return found


def _question_columns(plan: PaperPlan, titles: list[tuple[int, str]]) -> None:
    codes = [t for _i, t in titles]
    if len(set(codes)) != len(codes):
        plan.errors.append((1, _("Có cột câu hỏi bị lặp.")))
    newest = (
        sa.select(Question.external_id, sa.func.max(QuestionVersion.id))
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(Question.external_id.in_(codes), QuestionVersion.state == VersionState.APPROVED)
        .group_by(Question.external_id)
    )
    versions = dict(db.session.execute(newest).all())
    for code in codes:
        version = db.session.get(QuestionVersion, versions[code]) if code in versions else None
        if version is None:
            plan.errors.append((1, _("Không có câu hỏi đã duyệt mã %(code)s.", code=code)))
            continue
        plan.columns.append(PaperColumn(code, version, version.question.topic_id))


def _person_error(exam: Exam, person: Person | None, code: str, seen: set[str]) -> str | None:
    if not code:
        return _("thiếu mã cán bộ.")
    if code in seen:
        return _("mã cán bộ %(code)s lặp lại trong tệp.", code=code)
    if person is None:
        return _("không có cán bộ mã %(code)s.", code=code)
    candidate = db.session.scalar(
        sa.select(ExamCandidate).where(
            ExamCandidate.exam_id == exam.id, ExamCandidate.person_id == person.id
        )
    )
    if candidate is None:
        return _(
            "%(name)s (%(code)s) không có trong danh sách dự kiểm tra.",
            name=person.full_name,
            code=code,
        )
    if candidate.status is not CandidateStatus.REQUIRED:
        return _("%(name)s (%(code)s) đang được miễn kiểm tra.", name=person.full_name, code=code)
    if db.session.scalar(
        sa.select(Attempt.id).where(Attempt.exam_id == exam.id, Attempt.person_id == person.id)
    ):
        return _(
            "%(name)s (%(code)s) đã có bài làm cho bài kiểm tra này.",
            name=person.full_name,
            code=code,
        )
    return None


def _marks_error(
    row: PaperRow, cells: list[str], cols: dict[str, int], plan: PaperPlan
) -> str | None:
    if plan.mode == "totals":
        score = _number(_cell(cells, cols.get("score")))
        maximum = _number(_cell(cells, cols.get("max")))
        if score is None or maximum is None:
            return _("điểm và điểm tối đa phải là số.")
        if maximum <= 0 or not 0 <= score <= maximum:
            return _(
                "điểm %(score)g phải nằm trong khoảng 0 đến %(maximum)g (điểm tối đa > 0).",
                score=score,
                maximum=maximum,
            )
        row.score, row.max_score = score, maximum
        return None
    for i, column in enumerate(plan.columns):
        mark = _number(_cell(cells, cols.get(f"q{i}")))
        if mark is None or not 0 <= mark <= 1:
            return _("điểm câu %(code)s phải là số từ 0 đến 1.", code=column.external_id)
        row.marks.append(mark)
    return None


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def plan_paper(
    exam: Exam,
    table: list[tuple[int, list[str]]],
    *,
    in_scope: Callable[[Person], bool] | None = None,
) -> PaperPlan:
    """Check every row of ``table`` against ``exam``; writes nothing."""
    plan = PaperPlan()
    if exam.state is ExamState.CANCELLED:
        plan.errors.append((0, _("Bài kiểm tra đã bị hủy.")))
    if not table:
        plan.errors.append((0, _("Tệp không có dòng nào.")))
        return plan
    if len(table) > MAX_ROWS:
        plan.errors.append((0, _("Tệp có quá %(limit)s dòng.", limit=MAX_ROWS)))
        return plan
    cols = _columns(plan, table[0][1])
    if plan.errors:
        return plan
    seen: set[str] = set()
    for number, cells in table[1:]:
        if not any(c.strip() for c in cells):
            continue
        code = _cell(cells, cols["staff"])
        person = (
            db.session.scalar(sa.select(Person).where(Person.staff_code == code)) if code else None
        )
        error = _person_error(exam, person, code, seen)
        if error is None and in_scope is not None and not in_scope(person):
            error = _(
                "%(name)s (%(code)s) ngoài phạm vi quản lý của bạn.",
                name=person.full_name,
                code=code,
            )
        seen.add(code)
        row = PaperRow(number, person) if person is not None else None
        if error is None:
            error = _marks_error(row, cells, cols, plan)
        if error is not None:
            plan.errors.append((number, error))
        else:
            plan.rows.append(row)
    if not plan.rows and not plan.errors:
        plan.errors.append((0, _("Tệp không có dòng kết quả nào.")))
    return plan


# --- writing ----------------------------------------------------------------------------------


def _finish(attempt: Attempt, exam: Exam, score: float, maximum: float) -> None:
    attempt.score, attempt.max_score = round(score, 4), round(maximum, 4)
    attempt.percent = round(score / maximum, 6) if maximum else 0.0
    attempt.passed = attempt.percent >= exam.pass_mark - 1e-9


def _layout(content: dict) -> dict:
    """The stored option order, unshuffled (a paper has one fixed order)."""
    return build_order(content, random.Random(0), False)  # noqa: S311 - no randomness used


def _items(attempt: Attempt, exam: Exam, row: PaperRow, plan: PaperPlan) -> None:
    """Per-question marks: one item per column, voided questions left out of the maximum."""
    voided = {vid for vid, fix in fixes_for(exam.id).items() if fix.kind == "void"}
    topics: dict[int, list[float]] = {}
    for position, (column, mark) in enumerate(zip(plan.columns, row.marks, strict=True), start=1):
        void = column.version.id in voided
        attempt.items.append(
            AttemptItem(
                position=position,
                version_id=column.version.id,
                topic_id=column.topic_id,
                layout=_layout(column.version.content),
                mark=1.0,
                credit=None if void else mark,
            )
        )
        if not void:
            cell = topics.setdefault(column.topic_id, [0.0, 0.0])
            cell[0], cell[1] = cell[0] + mark, cell[1] + 1.0
    _finish(attempt, exam, sum(s for s, _m in topics.values()), sum(m for _s, m in topics.values()))
    names = dict(
        db.session.execute(sa.select(Topic.id, Topic.name).where(Topic.id.in_(topics))).all()
    )
    attempt.topic_scores = [
        {
            "topic_id": tid,
            "topic": names.get(tid, ""),
            "score": round(s, 4),
            "max": m,
            "percent": round(s / m, 6) if m else 0.0,
        }
        for tid, (s, m) in sorted(topics.items(), key=lambda kv: names.get(kv[0], ""))
    ]


def apply_paper(exam: Exam, plan: PaperPlan, *, source: str = "") -> list[Attempt]:
    """Create the finished paper attempts of ``plan``; ValueError if the plan has errors."""
    if not plan.ok:
        raise ValueError("the paper import plan has errors")
    now = utcnow()
    created = []
    for row in plan.rows:
        attempt = Attempt(
            exam=exam,
            person_id=row.person.id,
            state=AttemptState.FINISHED,
            seed=0,
            seq=0,
            started_at=now,
            deadline=now,
            finished_at=now,
            finished_by="paper",
            paper=True,
            topic_scores=[],
        )
        if plan.mode == "totals":
            _finish(attempt, exam, row.score, row.max_score)
        else:
            _items(attempt, exam, row, plan)
        db.session.add(attempt)
        db.session.flush()
        record_audit(
            "exam.attempt_paper",
            attempt,
            after={
                "row": row.row,
                "score": attempt.score,
                "max": attempt.max_score,
                "passed": attempt.passed,
            },
            unit_id=row.person.unit_id,
        )
        created.append(attempt)
    record_audit(
        "exam.paper_import",
        exam,
        after={"mode": plan.mode, "people": len(created), "source": source[:200]},
    )
    return created
