"""The marks of finished attempts, from SQL into numpy arrays, for item analysis.

One Core ``select`` over ``attempt_items`` joined to ``attempts`` (finished only: neither
in progress nor annulled), streamed in chunks of tuples straight into arrays — no ORM
objects, so 100,000 attempts × 60 items (6 million rows) stay a few arrays of numbers.

Marks follow ``app.exams.scoring``: an item earns ``credit × mark``; a voided item
(``ItemFix`` kind "void") counts neither in the score nor in the maximum, so its credit is
read as NaN whatever is stored (paper attempts imported before the fix keep a credit the
re-scoring never touched). A re-keyed item's stored credit is already the corrected one.

For single-answer choice questions (single choice, true/false, situational) the query also
returns the stored layout and response as JSON text; they are decoded once per distinct
(layout, response) pair into the option *as stored in the bank* ("A", "B", … like the bank's
question page), because display letters are shuffled per attempt. Paper attempts have no
responses, so they are left out of distractor tables (their choice is ``None``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa

from app.bank.formats.common import letter
from app.bank.render import excerpt
from app.exams.items_layout import TRUE_FALSE_LABELS, letter_id
from app.exams.items_scoring import FULL, credit_of
from app.extensions import db
from app.models import (
    Answer,
    Attempt,
    AttemptItem,
    AttemptState,
    ItemFix,
    Question,
    QuestionVersion,
)

CHOICE_QTYPES = ("single_choice", "true_false", "situational")
CHUNK = 50_000
_UNSEEN = object()


@dataclass(frozen=True)
class ItemRows:
    """One entry per attempt item; ``credit`` is NaN for a voided item, ``choice`` the stored
    option chosen ("" blank) or None where no choice applies. ``score``/``max_score`` are the
    attempts' stored totals (question loads only; zeros for exam loads)."""

    exam: np.ndarray
    attempt: np.ndarray
    position: np.ndarray
    version: np.ndarray
    credit: np.ndarray
    mark: np.ndarray
    score: np.ndarray
    max_score: np.ndarray
    choice: np.ndarray

    def __len__(self) -> int:
        return int(self.attempt.size)

    def take(self, index: np.ndarray | slice) -> ItemRows:
        """The rows selected by ``index`` (a mask, indices or a slice)."""
        return ItemRows(**{name: getattr(self, name)[index] for name in self.__dataclass_fields__})


@dataclass(frozen=True)
class VersionInfo:
    """What a report needs to name a version and mark its key."""

    version_id: int
    question_id: int
    number: int
    qtype: str
    label: str
    stem: str
    options: tuple[str, ...]  # stored option letters of a choice question, else ()
    option_texts: tuple[str, ...]
    keys: tuple[str, ...]  # options with full credit (after any re-key)


# --- decoding choices ---------------------------------------------------------------------


def option_code(layout_text: str, response_text: str | None) -> str:
    """The stored option letter a single-choice response picks ("" when blank or unknown)."""
    try:
        order = json.loads(layout_text).get("options") or []
        response = json.loads(response_text) if response_text else None
    except (ValueError, AttributeError):
        return ""
    if isinstance(response, list):
        response = response[0] if len(response) == 1 else None
    if not isinstance(response, str):
        return ""
    by_display = {letter_id(position): index for position, index in enumerate(order)}
    index = by_display.get(response)
    return "" if not isinstance(index, int) else letter(index)


class _Choices:
    """Decodes (layout, response) texts, each distinct pair once."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str | None], str] = {}

    def codes(self, layouts: Sequence[str | None], responses: Sequence[str | None]) -> np.ndarray:
        out = np.empty(len(layouts), dtype=object)
        seen = self._seen
        for i, (layout, response) in enumerate(zip(layouts, responses, strict=True)):
            if layout is None:
                continue  # not a single-answer choice question, or a paper attempt
            code = seen.get((layout, response), _UNSEEN)
            if code is _UNSEEN:
                code = seen[(layout, response)] = option_code(layout, response)
            out[i] = code
        return out


# --- the query ------------------------------------------------------------------------------


NUMERIC = ("exam", "attempt", "position", "version", "credit", "mark", "score", "max_score")


def _columns(with_totals: bool) -> list[sa.ColumnElement[Any]]:
    single = sa.and_(QuestionVersion.qtype.in_(CHOICE_QTYPES), Attempt.paper.is_(False))
    zero = sa.literal(0.0)
    return [
        Attempt.exam_id,
        AttemptItem.attempt_id,
        AttemptItem.position,
        AttemptItem.version_id,
        AttemptItem.credit,
        AttemptItem.mark,
        sa.func.coalesce(Attempt.score, 0.0) if with_totals else zero,
        sa.func.coalesce(Attempt.max_score, 0.0) if with_totals else zero,
        sa.case((single, sa.cast(AttemptItem.layout, sa.Text)), else_=sa.null()),
        sa.case((single, sa.cast(Answer.response, sa.Text)), else_=sa.null()),
    ]


def _select(where: sa.ColumnElement[bool], with_totals: bool) -> sa.Select:
    return (
        sa.select(*_columns(with_totals))
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .outerjoin(Answer, Answer.item_id == AttemptItem.id)
        .where(Attempt.state == AttemptState.FINISHED, where)
    )


def _chunks(stmt: sa.Select) -> Iterator[list[tuple]]:
    """Plain tuples of ``stmt``, ``CHUNK`` at a time, from the driver's own cursor.

    SQLAlchemy's Row objects cost more per row than the database does at this scale, so
    the statement is compiled with its (integer and enum) values inlined and run on the
    session's DBAPI connection, inside its transaction: a named, server-side cursor on
    PostgreSQL (streams), a plain cursor on SQLite (steps lazily).
    """
    connection = db.session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    raw = connection.connection.driver_connection
    postgres = connection.dialect.name == "postgresql"
    cursor = raw.cursor(name=f"item_rows_{secrets.token_hex(6)}") if postgres else raw.cursor()
    try:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(CHUNK):
            yield chunk
    finally:
        cursor.close()


def _stream(stmt: sa.Select) -> ItemRows:
    """Run ``stmt`` and gather its chunks of tuples into arrays."""
    numbers: list[np.ndarray] = []
    choices: list[np.ndarray] = []
    decoder = _Choices()
    for chunk in _chunks(stmt):
        columns = list(zip(*chunk, strict=True))
        numbers.append(np.array(columns[: len(NUMERIC)], dtype=float))
        choices.append(decoder.codes(columns[-2], columns[-1]))
    data = np.concatenate(numbers, axis=1) if numbers else np.zeros((len(NUMERIC), 0))
    floats = ("credit", "mark", "score", "max_score")
    arrays = {
        name: data[i] if name in floats else data[i].astype(np.int64)
        for i, name in enumerate(NUMERIC)
    }
    choice = np.concatenate(choices) if choices else np.empty(0, dtype=object)
    return ItemRows(**arrays, choice=choice)


def _void(rows: ItemRows, voided: Iterable[tuple[int, int]]) -> ItemRows:
    """``rows`` with the credit of every (exam, version) in ``voided`` set to NaN."""
    for exam_id, version_id in set(voided):
        rows.credit[(rows.exam == exam_id) & (rows.version == version_id)] = np.nan
    return rows


def load_exam_rows(exam_id: int) -> ItemRows:
    """Every item of the exam's finished attempts, ordered by attempt and position (sorted
    here: numpy sorts 6 million keys faster than the database's temporary B-tree)."""
    rows = _stream(_select(Attempt.exam_id == exam_id, with_totals=False))
    rows = rows.take(np.lexsort((rows.position, rows.attempt)))
    return _void(rows, voided_pairs(exam_ids=[exam_id]))


def load_question_rows(version_ids: Sequence[int]) -> ItemRows:
    """Every finished attempt item holding one of ``version_ids``, with the attempt's totals
    (in no particular order: the analysis groups them)."""
    stmt = _select(AttemptItem.version_id.in_(list(version_ids)), with_totals=True)
    return _void(_stream(stmt), voided_pairs(version_ids=version_ids))


# --- fixes and version facts ----------------------------------------------------------------


def voided_pairs(
    *, exam_ids: Sequence[int] | None = None, version_ids: Sequence[int] | None = None
) -> set[tuple[int, int]]:
    """(exam id, version id) of every void fix for these exams or versions."""
    stmt = sa.select(ItemFix.exam_id, ItemFix.version_id).where(ItemFix.kind == "void")
    if exam_ids is not None:
        stmt = stmt.where(ItemFix.exam_id.in_(list(exam_ids)))
    if version_ids is not None:
        stmt = stmt.where(ItemFix.version_id.in_(list(version_ids)))
    return {(e, v) for e, v in db.session.execute(stmt)}


def rekeyed_content(version_ids: Sequence[int], exam_id: int | None = None) -> dict[int, dict]:
    """Corrected content per version from re-key fixes (the newest fix wins)."""
    stmt = (
        sa.select(ItemFix.version_id, ItemFix.content)
        .where(ItemFix.kind == "rekey", ItemFix.version_id.in_(list(version_ids)))
        .order_by(ItemFix.id)
    )
    if exam_id is not None:
        stmt = stmt.where(ItemFix.exam_id == exam_id)
    return {v: content for v, content in db.session.execute(stmt) if isinstance(content, dict)}


def _keys(content: dict) -> tuple[str, ...]:
    options = content.get("options") or []
    return tuple(letter(i) for i, o in enumerate(options) if credit_of(o) >= FULL)


def version_infos(version_ids: Iterable[int], exam_id: int | None = None) -> dict[int, VersionInfo]:
    """Names, option letters and keys of these versions (keys after an exam's re-key)."""
    ids = sorted({int(v) for v in version_ids})
    if not ids:
        return {}
    fixed = rekeyed_content(ids, exam_id)
    stmt = (
        sa.select(QuestionVersion, Question.external_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.id.in_(ids))
    )
    infos = {}
    for version, external_id in db.session.execute(stmt):
        content = fixed.get(version.id) or version.content or {}
        choice = version.qtype in CHOICE_QTYPES
        options = (content.get("options") or []) if choice else []
        infos[version.id] = VersionInfo(
            version_id=version.id,
            question_id=version.question_id,
            number=version.number,
            qtype=version.qtype,
            label=external_id or f"#{version.question_id}",
            stem=excerpt(version.stem, 100),
            options=tuple(letter(i) for i in range(len(options))),
            option_texts=tuple(_option_text(version.qtype, o) for o in options),
            keys=_keys(content) if choice else (),
        )
    return infos


def _option_text(qtype: str, option: dict) -> str:
    text = str(option.get("text", ""))
    if qtype == "true_false":
        return TRUE_FALSE_LABELS.get(text, text)
    return excerpt(text, 60)
