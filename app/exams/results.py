"""Results of one exam for HR: everyone required, their scores, the summary and the
per-topic weaknesses, and the XLSX export.

Rows are read in one scoped query (the person's unit inside the caller's RESULTS_VIEW
scope); the summary is plain arithmetic over those rows. Every text cell of the export goes
through ``neutralise_cell`` so a name like "=HYPERLINK(…)" stays inert in Excel.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from statistics import fmean

import openpyxl
import sqlalchemy as sa
from flask_babel import gettext as _

from app.access import Perm, scope_clause
from app.bank.formats.tabular import neutralise_cell
from app.bank.formats.tabular_xlsx import clean_for_xlsx, fill_sheet
from app.extensions import db
from app.i18n import format_datetime
from app.models import (
    Attempt,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    Person,
    Unit,
    utcnow,
)


@dataclass
class ResultRow:
    person: Person
    unit_name: str
    candidate: ExamCandidate
    attempt: Attempt | None

    @property
    def status(self) -> str:
        """exempt / absent / in_progress / finished / annulled."""
        if self.candidate.status is CandidateStatus.EXEMPT:
            return "exempt"
        if self.attempt is None:
            return "absent"
        return {
            AttemptState.IN_PROGRESS: "in_progress",
            AttemptState.FINISHED: "finished",
            AttemptState.ABANDONED: "annulled",
        }[self.attempt.state]

    @property
    def finished(self) -> Attempt | None:
        """The attempt when it is finished (so it has a score), else None."""
        return self.attempt if self.status == "finished" else None

    def topic_percents(self) -> dict[int, float]:
        done = self.finished
        if done is None:
            return {}
        return {t["topic_id"]: t["percent"] for t in done.topic_scores or [] if t.get("max")}


@dataclass
class TopicMean:
    topic_id: int
    name: str
    mean: float  # mean of the per-attempt percentages, 0..1
    attempts: int


@dataclass
class Summary:
    listed: int = 0
    required: int = 0
    exempt: int = 0
    sat: int = 0
    absent: int = 0
    in_progress: int = 0
    annulled: int = 0
    passed: int = 0
    mean_percent: float | None = None
    topics: list[TopicMean] = field(default_factory=list)  # weakest first

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.sat if self.sat else None


def status_labels(exam: Exam) -> dict[str, str]:
    """Labels of ``ResultRow.status``; nobody is "absent" before the exam closes."""
    closed = utcnow() >= exam.closes_at
    return {
        "exempt": _("Miễn"),
        "absent": _("Không dự thi") if closed else _("Chưa thi"),
        "in_progress": _("Đang làm"),
        "finished": _("Đã thi"),
        "annulled": _("Bài bị hủy"),
    }


def result_rows(exam: Exam, perm: Perm | None = Perm.RESULTS_VIEW) -> list[ResultRow]:
    """Everyone listed for ``exam`` whose unit is in the caller's scope for ``perm`` (None:
    unscoped, for the command line and tests), with their attempt."""
    stmt = (
        sa.select(Person, Unit.name, ExamCandidate, Attempt)
        .select_from(ExamCandidate)
        .join(Person, Person.id == ExamCandidate.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .outerjoin(
            Attempt,
            sa.and_(Attempt.exam_id == ExamCandidate.exam_id, Attempt.person_id == Person.id),
        )
        .where(ExamCandidate.exam_id == exam.id)
        .order_by(Unit.path, Person.sort_key, Person.id)
    )
    if perm is not None:
        stmt = stmt.where(scope_clause(perm, Unit.path))
    return [ResultRow(*row) for row in db.session.execute(stmt)]


def topic_columns(rows: list[ResultRow]) -> list[tuple[int, str]]:
    """(topic id, name) of every topic scored in the rows, by name."""
    names: dict[int, str] = {}
    for row in rows:
        for topic in (row.finished.topic_scores or []) if row.finished else []:
            names.setdefault(topic["topic_id"], topic.get("topic", ""))
    return sorted(names.items(), key=lambda kv: (kv[1], kv[0]))


def summarise(rows: list[ResultRow]) -> Summary:
    """Counts, pass rate, mean percentage and per-topic means (weakest topic first)."""
    summary = Summary(listed=len(rows))
    for row in rows:
        setattr(summary, _COUNTER[row.status], getattr(summary, _COUNTER[row.status]) + 1)
    summary.required = summary.listed - summary.exempt
    done = [r.finished for r in rows if r.finished is not None]
    summary.passed = sum(1 for a in done if a.passed)
    if done:
        summary.mean_percent = fmean(a.percent or 0.0 for a in done)
    per_topic: dict[int, list[float]] = {}
    for row in rows:
        for topic_id, percent in row.topic_percents().items():
            per_topic.setdefault(topic_id, []).append(percent)
    names = dict(topic_columns(rows))
    summary.topics = sorted(
        (TopicMean(tid, names.get(tid, ""), fmean(v), len(v)) for tid, v in per_topic.items()),
        key=lambda t: (t.mean, t.name),
    )
    return summary


_COUNTER = {
    "exempt": "exempt",
    "absent": "absent",
    "in_progress": "in_progress",
    "finished": "sat",
    "annulled": "annulled",
}


# --- XLSX --------------------------------------------------------------------------------


def _cell(value):
    return neutralise_cell(clean_for_xlsx(value))


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _row_cells(
    index: int, row: ResultRow, topics: list[tuple[int, str]], labels: dict[str, str]
) -> list:
    from app.exams.forms import FINISHED_BY_LABELS

    done = row.finished
    percents = row.topic_percents()
    verdict = "" if done is None else (_("Đạt") if done.passed else _("Không đạt"))
    return [
        index,
        row.person.staff_code or "",
        row.person.full_name,
        row.unit_name,
        row.person.position,
        labels[row.status],
        row.candidate.reason if row.status == "exempt" else "",
        done.score if done else None,
        done.max_score if done else None,
        _pct(done.percent) if done else None,
        verdict,
        *(_pct(percents.get(tid)) for tid, _name in topics),
        str(FINISHED_BY_LABELS.get(row.attempt.finished_by, "")) if row.attempt else "",
        format_datetime(row.attempt.finished_at) if row.attempt else "",
    ]


def _summary_cells(exam: Exam, summary: Summary) -> list[list]:
    rows: list[list] = [
        [_("Chỉ tiêu"), _("Giá trị")],
        [_("Bài kiểm tra"), exam.title],
        [_("Kỳ"), exam.period.name],
        [_("Trong danh sách"), summary.listed],
        [_("Phải dự kiểm tra"), summary.required],
        [_("Được miễn"), summary.exempt],
        [_("Đã thi"), summary.sat],
        [_("Không dự thi"), summary.absent],
        [_("Đang làm"), summary.in_progress],
        [_("Bài bị hủy"), summary.annulled],
        [_("Đạt"), summary.passed],
        [_("Tỉ lệ đạt (%)"), _pct(summary.pass_rate)],
        [_("Điểm trung bình (%)"), _pct(summary.mean_percent)],
        [],
        [_("Chủ đề (yếu nhất trước)"), _("Trung bình (%)")],
    ]
    return rows + [[t.name, _pct(t.mean)] for t in summary.topics]


def export_xlsx(exam: Exam, rows: list[ResultRow], summary: Summary) -> bytes:
    """A workbook: "Kết quả" (one row per person) and "Tổng hợp" (counts and topics)."""
    topics = topic_columns(rows)
    header = [
        _("STT"),
        _("Mã cán bộ"),
        _("Họ và tên"),
        _("Đơn vị"),
        _("Chức danh"),
        _("Tình trạng"),
        _("Lý do miễn"),
        _("Điểm"),
        _("Điểm tối đa"),
        _("Tỉ lệ (%)"),
        _("Kết quả"),
        *(f"{name} (%)" for _tid, name in topics),
        _("Hình thức nộp"),
        _("Nộp lúc"),
    ]
    labels = status_labels(exam)
    table = [header] + [_row_cells(i, r, topics, labels) for i, r in enumerate(rows, start=1)]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Kết quả")
    fill_sheet(sheet, [[_cell(c) for c in line] for line in table], {3: 28, 4: 30, 5: 28})
    fill_sheet(
        workbook.create_sheet(_("Tổng hợp")),
        [[_cell(c) for c in line] for line in _summary_cells(exam, summary)],
        {1: 40},
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
