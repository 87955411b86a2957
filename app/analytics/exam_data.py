"""The marks of finished attempts, from SQL into numpy arrays, for item analysis.

Two Core ``select``s over ``attempt_items`` joined to ``attempts`` (finished only: neither in
progress nor annulled), run on the driver's own cursor and turned into arrays chunk by
chunk with ``np.fromiter`` — no ORM objects and no Python statement per row, so 100,000
attempts × 60 items (6 million rows) stay a few arrays of numbers:

* the **marks**: attempt, position, version, credit and mark of every item (and, for
  question loads, the exam and the attempt's stored totals);
* the **choices**: for single-answer choice questions (single choice, true/false,
  situational) answered online, the stored layout and response as JSON text, decoded once
  per distinct (layout, response) pair into the option *as stored in the bank* ("A", "B", …
  like the bank's question page), because display letters are shuffled per attempt.

Marks follow ``app.exams.scoring``: an item earns ``credit × mark``; a voided item
(``ItemFix`` kind "void") counts neither in the score nor in the maximum, so its credit is
read as NaN whatever is stored (paper attempts imported before the fix keep a credit the
re-scoring never touched); an item not yet scored (NULL credit) is read as NaN too. A
re-keyed item's stored credit is already the corrected one.

Choices are integer codes (:data:`CHOICE_NONE` where no choice applies — another question
type or a paper attempt, which has no responses and is left out of distractor tables;
:data:`CHOICE_BLANK` for an unanswered choice question; ``i + 1`` for the stored option
``i``), so a distractor table is a ``bincount``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np
import sqlalchemy as sa

from app.analytics.exam_versions import CHOICE_QTYPES, VersionInfo, version_infos, voided_pairs
from app.analytics.sql_arrays import numeric_columns, tuple_chunks
from app.bank.formats.common import letter
from app.exams.items_layout import letter_id
from app.extensions import db
from app.models import Answer, Attempt, AttemptItem, AttemptState, QuestionVersion

__all__ = [  # the version facts are re-exported for the modules that read them from here
    "CHOICE_QTYPES",
    "ItemRows",
    "VersionInfo",
    "load_exam_rows",
    "load_question_rows",
    "version_infos",
    "voided_pairs",
]
CHOICE_NONE, CHOICE_BLANK = -1, 0
SLOTS = 1 << 16  # positions per attempt in a slot key
GROUP_ATTEMPTS = 256  # attempts whose items PostgreSQL packs into one row (see sql_arrays)
NULL_CREDIT = -1.0e300  # a NULL credit as fetched (``np.fromiter`` takes no None): NaN


@dataclass(frozen=True)
class ItemRows:
    """One entry per attempt item; ``credit`` is NaN for a voided or unscored item,
    ``choice`` the option code (see the module docstring). ``score``/``max_score`` are the
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


# --- decoding choices ---------------------------------------------------------------------


def option_index(layout_text: str, response_text: str | None) -> int | None:
    """The stored option index a single-choice response picks (None when blank or unknown)."""
    try:
        order = json.loads(layout_text).get("options") or []
        response = json.loads(response_text) if response_text else None
    except (ValueError, AttributeError):
        return None
    if isinstance(response, list):
        response = response[0] if len(response) == 1 else None
    if not isinstance(response, str):
        return None
    by_display = {letter_id(position): index for position, index in enumerate(order)}
    index = by_display.get(response)
    return index if isinstance(index, int) and index >= 0 else None


def option_code(layout_text: str, response_text: str | None) -> str:
    """The stored option letter a single-choice response picks ("" when blank or unknown)."""
    index = option_index(layout_text, response_text)
    return "" if index is None else letter(index)


def choice_name(code: int) -> str:
    """The option letter of a choice code ("" for blank)."""
    return "" if code <= CHOICE_BLANK else letter(code - 1)


class _ChoiceCodes(dict):
    """(layout, response) texts → choice code, each distinct pair decoded once."""

    def __missing__(self, pair: tuple[str, str | None]) -> int:
        index = option_index(*pair)
        code = self[pair] = CHOICE_BLANK if index is None else index + 1
        return code


# --- the queries ------------------------------------------------------------------------------


def _finished(where: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select()
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.state == AttemptState.FINISHED, where)
    )


def _slot_key() -> sa.ColumnElement[int]:
    """attempt id × SLOTS + position: one value per row instead of two (a fifth less to
    fetch and convert; positions stay far below ``SLOTS``, an exam has a few hundred)."""
    return sa.cast(AttemptItem.attempt_id, sa.BigInteger) * SLOTS + AttemptItem.position


def _marks(
    where: sa.ColumnElement[bool], with_totals: bool, ordered: bool
) -> dict[str, np.ndarray]:
    """The marks columns of the selected items (exam, score and max score with totals),
    sorted by slot key if ``ordered`` (and not already so)."""
    columns: dict[str, Any] = {
        "key": _slot_key(),
        "version": AttemptItem.version_id,
        "credit": sa.func.coalesce(AttemptItem.credit, NULL_CREDIT),
        "mark": AttemptItem.mark,
    }
    if with_totals:
        columns["exam"] = Attempt.exam_id
        columns["score"] = sa.func.coalesce(Attempt.score, 0.0)
        columns["max_score"] = sa.func.coalesce(Attempt.max_score, 0.0)
    stmt = _finished(where).add_columns(*columns.values())
    data = numeric_columns(stmt, group_by=AttemptItem.attempt_id // GROUP_ATTEMPTS)
    out = dict(zip(columns, data, strict=True))
    if ordered and not _increasing(out["key"]):
        order = np.argsort(out["key"], kind="stable")  # sorted runs: a merge, mostly
        out = {name: values[order] for name, values in out.items()}
    for name in ("key", "version", "exam"):
        if name in out:
            out[name] = out[name].astype(np.int64)
    out["attempt"], out["position"] = np.divmod(out["key"], SLOTS)
    out["credit"][out["credit"] == NULL_CREDIT] = np.nan
    return out


def _answered_choices(
    where: sa.ColumnElement[bool], versions: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """(slot keys, choice codes) of every answered item of these single-answer choice
    ``versions`` in an online attempt."""
    stmt = (
        _finished(where)
        .join(Answer, Answer.item_id == AttemptItem.id)
        .where(AttemptItem.version_id.in_(versions), Attempt.paper.is_(False))
        .add_columns(
            _slot_key(), sa.cast(AttemptItem.layout, sa.Text), sa.cast(Answer.response, sa.Text)
        )
    )
    decode = _ChoiceCodes().__getitem__
    keys, codes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int32)]
    for chunk in tuple_chunks(stmt):
        keys.append(np.fromiter(map(itemgetter(0), chunk), dtype=np.int64, count=len(chunk)))
        pairs = map(itemgetter(1, 2), chunk)
        codes.append(np.fromiter(map(decode, pairs), dtype=np.int32, count=len(chunk)))
    return np.concatenate(keys), np.concatenate(codes)


def _member(values: np.ndarray, ids: Iterable[int]) -> np.ndarray:
    """``values`` (non-negative ints) that are among ``ids``, as a mask."""
    known = np.fromiter(ids, dtype=np.int64)
    if not known.size or not values.size:
        return np.zeros(values.size, dtype=bool)
    return np.isin(values, known, kind="table")


def _choice_versions(version_ids: np.ndarray) -> list[int]:
    stmt = sa.select(QuestionVersion.id).where(
        QuestionVersion.id.in_(version_ids.tolist()), QuestionVersion.qtype.in_(CHOICE_QTYPES)
    )
    return list(db.session.scalars(stmt))


def _paper_attempts(exam_ids: np.ndarray) -> list[int]:
    stmt = sa.select(Attempt.id).where(
        Attempt.exam_id.in_(exam_ids.tolist()),
        Attempt.paper.is_(True),
        Attempt.state == AttemptState.FINISHED,
    )
    return list(db.session.scalars(stmt))


def _choices(
    rows: dict[str, np.ndarray], key: np.ndarray, where: sa.ColumnElement[bool]
) -> np.ndarray:
    """The choice code of every row: blank where a choice applies, then the answers."""
    versions = _choice_versions(np.unique(rows["version"]))
    applies = _member(rows["version"], versions)
    applies &= ~_member(rows["attempt"], _paper_attempts(np.unique(rows["exam"])))
    choice = np.where(applies, CHOICE_BLANK, CHOICE_NONE).astype(np.int32)
    if versions:
        keys, codes = _answered_choices(where, versions)
        at = _locate(key, keys)
        found = at >= 0
        choice[at[found]] = codes[found]
    return choice


def _locate(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index in ``keys`` (unique) of every ``wanted`` key, -1 where absent."""
    if not keys.size:
        return np.full(wanted.size, -1)
    order = None if _increasing(keys) else np.argsort(keys, kind="stable")
    ordered = keys if order is None else keys[order]
    at = np.minimum(np.searchsorted(ordered, wanted), ordered.size - 1)
    hit = ordered[at] == wanted
    at = at if order is None else order[at]
    return np.where(hit, at, -1)


def _increasing(keys: np.ndarray) -> bool:
    return bool(keys.size < 2 or (keys[1:] > keys[:-1]).all())


def _item_rows(where: sa.ColumnElement[bool], with_totals: bool, exam_id: int = 0) -> ItemRows:
    rows = _marks(where, with_totals, ordered=not with_totals)
    key = rows.pop("key")
    n = key.size
    if not with_totals:
        rows["exam"] = np.full(n, exam_id, dtype=np.int64)
        rows["score"] = rows["max_score"] = np.zeros(n)
    rows["choice"] = _choices(rows, key, where) if n else np.zeros(0, dtype=np.int32)
    return ItemRows(**rows)


def _void(rows: ItemRows, voided: Iterable[tuple[int, int]]) -> ItemRows:
    """``rows`` with the credit of every (exam, version) in ``voided`` set to NaN."""
    for exam_id, version_id in set(voided):
        rows.credit[(rows.exam == exam_id) & (rows.version == version_id)] = np.nan
    return rows


def load_exam_rows(exam_id: int) -> ItemRows:
    """Every item of the exam's finished attempts, ordered by attempt and position (sorted
    here only if the database did not return them so: numpy sorts 6 million keys faster
    than the database's temporary B-tree, and usually they come in that order anyway)."""
    rows = _item_rows(Attempt.exam_id == exam_id, with_totals=False, exam_id=exam_id)
    return _void(rows, voided_pairs(exam_ids=[exam_id]))


def load_question_rows(version_ids: Sequence[int]) -> ItemRows:
    """Every finished attempt item holding one of ``version_ids``, with the attempt's totals
    (in no particular order: the analysis groups them)."""
    rows = _item_rows(AttemptItem.version_id.in_(list(version_ids)), with_totals=True)
    return _void(rows, voided_pairs(version_ids=version_ids))
