"""Survey data as downloadable tables (XLSX / CSV): responses, and answers per question.

Both are in the caller's scope, filtered like the overview (``since``, verified only) and
without responses flagged for review. Anonymous by construction and once more on the way
out: no response id (it would link rows across downloads and to the JSON API), no channel
(a counter's kiosk), the date coarsened to the month, rows ordered by month, unit and the
random id (so not by time), free text masked. The officer rated is kept: that is the
point of the survey. Counts are computed in SQL (GROUP BY), never by loading ORM rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa

from app.exports.tables import Table
from app.extensions import db
from app.models import (
    Person,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    SurveyAnswer,
    SurveyQuestion,
    Unit,
)
from app.surveys.masking import mask_personal_data
from app.surveys.present import SCALE_VI
from app.surveys.queries import responses_in_scope

# openpyxl writes ~600 rows of 35 cells a second here: a request must stay short
MAX_RESPONSES = {"xlsx": 10_000, "csv": 100_000}
KIND_VI = {"kiosk": "Máy tại quầy", "qr": "Mã QR", "dossier": "Mã hồ sơ", "paper": "Phiếu giấy"}


def _scoped(verified_only: bool, since: date | None) -> sa.Subquery:
    return responses_in_scope(verified_only=verified_only, since=since).subquery()


def questions_of_versions(version_ids: Iterable[int]) -> list[tuple[str, SurveyQuestion]]:
    """(version label, question) for the given versions, newest version first."""
    stmt = (
        sa.select(Questionnaire.code, QuestionnaireVersion.number, SurveyQuestion)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == SurveyQuestion.version_id)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .where(SurveyQuestion.version_id.in_(list(version_ids)))
        .order_by(Questionnaire.code, QuestionnaireVersion.number.desc(), SurveyQuestion.position)
    )
    return [(f"{code} v{number}", q) for code, number, q in db.session.execute(stmt)]


def _label(q: SurveyQuestion, choice: str, number: int | None) -> str:
    if q.qtype is QuestionType.SCALE5 and number is not None and 1 <= number <= 5:
        return f"{number}. {SCALE_VI[number - 1]}"
    if q.qtype is QuestionType.YES_NO:
        return "Có" if number else "Không"
    if q.qtype in (QuestionType.SINGLE, QuestionType.MULTI):
        return next((o["label"] for o in q.options if o["value"] == choice), choice)
    return "" if number is None else str(number)


def _value(q: SurveyQuestion, choice: str, number: int | None, text: str | None) -> Any:
    if text is not None:
        return mask_personal_data(text)
    if q.qtype in (QuestionType.SCALE5, QuestionType.NUMBER):
        return number
    return _label(q, choice, number)


# --- responses: one row per response, one column per question key -----------------------


def response_select(r: sa.Subquery) -> sa.Select:
    """One row per response of ``r`` with its unit and officer, newest months first."""
    month = (sa.extract("year", r.c.day), sa.extract("month", r.c.day))
    return (
        sa.select(
            r.c.id,
            r.c.day,
            r.c.version_id,
            r.c.channel_kind,
            r.c.verified,
            Unit.name,
            Person.staff_code,
            Person.full_name,
        )
        .join(Unit, Unit.id == r.c.unit_id)
        .outerjoin(Person, Person.id == r.c.officer_id)
        .order_by(month[0].desc(), month[1].desc(), Unit.path, r.c.id)
    )


def answers_of(ids: list[str]) -> dict[str, list[sa.Row]]:
    out: dict[str, list[sa.Row]] = {}
    for chunk in range(0, len(ids), 5000):
        stmt = sa.select(
            SurveyAnswer.response_id,
            SurveyAnswer.question_id,
            SurveyAnswer.choice,
            SurveyAnswer.number,
            SurveyAnswer.text,
        ).where(SurveyAnswer.response_id.in_(ids[chunk : chunk + 5000]))
        for row in db.session.execute(stmt):
            out.setdefault(row.response_id, []).append(row)
    return out


def responses_table(
    *, verified_only: bool = False, since: date | None = None, fmt: str = "xlsx"
) -> list[Table]:
    """The responses table, and a second table naming each question key.

    At most ``MAX_RESPONSES[fmt]`` responses, the newest months first; a note says so.
    """
    limit = MAX_RESPONSES.get(fmt, MAX_RESPONSES["xlsx"])
    rows = list(db.session.execute(response_select(_scoped(verified_only, since)).limit(limit + 1)))
    notes = []
    if len(rows) > limit:
        rows = rows[:limit]
        notes.append(
            f"Chỉ xuất {limit} phiếu của những tháng gần nhất; hãy lọc theo ngày "
            f"hoặc tải CSV (tối đa {MAX_RESPONSES['csv']} phiếu) để xuất phần còn lại."
        )
    layout = ResponseLayout(questions_of_versions({row.version_id for row in rows}))
    answers = answers_of([row.id for row in rows])
    body = [layout.cells(row, answers.get(row.id, [])) for row in rows]
    return [
        Table("Phiếu trả lời", layout.head, body, notes=notes),
        Table("Câu hỏi", LEGEND_HEAD, layout.legend),
    ]


LEGEND_HEAD = ["Phiên bản phiếu", "Khóa", "Loại", "Nội dung"]


class ResponseLayout:
    """The columns of the responses table for a set of questions (one column per question
    key, shared by versions), and how a response row and its answers fill them."""

    def __init__(self, questions: list[tuple[str, SurveyQuestion]]):
        self.by_id = {q.id: q for _v, q in questions}
        self.keys = list(dict.fromkeys(q.key for _v, q in questions))
        self.head = ["Tháng", "Đơn vị", "Kênh", "Đã xác thực", "Công chức được đánh giá"]
        self.head += self.keys
        self.legend = [(version, q.key, q.qtype.value, q.text) for version, q in questions]

    def cells(self, row: sa.Row, answers: list[sa.Row]) -> list[Any]:
        by_key: dict[str, list[Any]] = {}
        for a in answers:
            q = self.by_id[a.question_id]
            by_key.setdefault(q.key, []).append(_value(q, a.choice, a.number, a.text))
        return [
            row.day.strftime("%m/%Y"),
            row.name,
            KIND_VI.get(str(row.channel_kind), str(row.channel_kind)),
            bool(row.verified),
            " ".join(p for p in (row.staff_code, row.full_name) if p),
            *[_cell(by_key.get(key)) for key in self.keys],
        ]


def _cell(values: list[Any] | None) -> Any:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return "; ".join(str(v) for v in values)


# --- distribution: counts per question and answer ------------------------------------------


def distribution_table(*, verified_only: bool = False, since: date | None = None) -> Table:
    """Per question and answer value: count, and percent of those who answered the question."""
    r = _scoped(verified_only, since)
    counts = db.session.execute(
        sa.select(
            SurveyAnswer.question_id,
            SurveyAnswer.choice,
            SurveyAnswer.number,
            sa.func.count().label("n"),
        )
        .join(r, r.c.id == SurveyAnswer.response_id)
        .where(SurveyAnswer.text.is_(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.choice, SurveyAnswer.number)
    ).all()
    answered = dict(
        db.session.execute(
            sa.select(
                SurveyAnswer.question_id, sa.func.count(sa.distinct(SurveyAnswer.response_id))
            )
            .join(r, r.c.id == SurveyAnswer.response_id)
            .group_by(SurveyAnswer.question_id)
        ).all()
    )
    per_question: dict[int, list[sa.Row]] = {}
    for row in counts:
        per_question.setdefault(row.question_id, []).append(row)
    body = []
    for version, q in questions_of_versions(_versions_of(answered)):
        total = answered.get(q.id, 0)
        for choice, number, n in _ordered(q, per_question.get(q.id, []), total):
            pct = round(100 * n / total, 1) if total else None
            body.append(
                [version, q.key, q.text, _label(q, choice, number) or choice, n, total, pct]
            )
    head = [
        "Phiên bản phiếu",
        "Khóa",
        "Câu hỏi",
        "Câu trả lời",
        "Số lượt",
        "Số người trả lời câu",
        "Tỷ lệ (%)",
    ]
    return Table("Phân bố câu trả lời", head, body)


def _versions_of(question_counts: dict[int, int]) -> set[int]:
    if not question_counts:
        return set()
    stmt = sa.select(sa.distinct(SurveyQuestion.version_id)).where(
        SurveyQuestion.id.in_(list(question_counts))
    )
    return set(db.session.scalars(stmt))


def _ordered(q: SurveyQuestion, rows: list[sa.Row], total: int) -> list[tuple[str, Any, int]]:
    """(choice, number, count) in the questionnaire's order; free text as one line."""
    if q.qtype is QuestionType.TEXT:
        return [("(ý kiến)", None, total)] if total else []
    if q.qtype in (QuestionType.SINGLE, QuestionType.MULTI):
        order = {o["value"]: i for i, o in enumerate(q.options)}
        rows = sorted(rows, key=lambda row: order.get(row.choice, len(order)))
    else:
        rows = sorted(
            rows,
            key=lambda row: -(row.number or 0)
            if q.qtype is QuestionType.YES_NO
            else row.number or 0,
        )
    return [(row.choice, row.number, row.n) for row in rows]
