"""Generated citizen responses for the default questionnaire, spread like real ones.

Channels: 55 % kiosk (the short form, rating the officer on duty), 25 % QR code (the full
form, nobody rated), 20 % dossier code (the full form, verified, rating the officer who
received the dossier). Units get unequal shares (busy and quiet desks); ratings go to each
unit's first 25 officers — the people who staff the desk — so officer-level figures rest
on hundreds of ratings, and about 6 % of officers are clearly worse than their colleagues.
Days are spread evenly over the given range. Responses are stored in the order of their
random ids (the primary key), which keeps SQLite's index writes sequential.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa

from app.cli.bulk import bulk_load, insert_rows
from app.cli.generate_answers import simulate
from app.extensions import db
from app.models import (
    ChannelKind,
    Person,
    PersonStatus,
    Questionnaire,
    QuestionnaireState,
    QuestionnaireVersion,
    QuestionType,
    SurveyAnswer,
    SurveyChannel,
    SurveyResponse,
)

CHUNK = 20_000
QUESTIONNAIRE = "SIPAS-MC"
CHANNELS = (("kiosk", 0.55), ("qr", 0.25), ("dossier", 0.20))
DESK_OFFICERS = 25
RESPONSE_COLUMNS = [
    "id",
    "version_id",
    "channel_kind",
    "channel_id",
    "unit_id",
    "officer_id",
    "day",
    "verified",
    "flagged",
    "paper_batch_id",
    "paper_form_no",
]
ANSWER_COLUMNS = ["response_id", "question_id", "choice", "number", "text"]


class Desks:
    """Per unit: its kiosk and QR channels, desk officers, share of responses and level."""

    def __init__(self, rng: np.random.Generator):
        channels: dict[int, dict[str, SurveyChannel]] = {}
        for ch in db.session.scalars(
            sa.select(SurveyChannel).where(SurveyChannel.active.is_(True))
        ):
            channels.setdefault(ch.unit_id, {}).setdefault(ch.kind.value, ch)
        self.unit_ids = np.array(
            sorted(u for u, c in channels.items() if {"kiosk", "qr"} <= set(c))
        )
        if not len(self.unit_ids):
            raise ValueError("no unit has both a kiosk and a QR channel")
        self.kiosk = np.array([channels[u]["kiosk"].id for u in self.unit_ids])
        self.kiosk_short = np.array([channels[u]["kiosk"].short_form for u in self.unit_ids])
        self.qr = np.array([channels[u]["qr"].id for u in self.unit_ids])
        self.qr_short = np.array([channels[u]["qr"].short_form for u in self.unit_ids])
        self.officers = [self._officers(int(u)) for u in self.unit_ids]
        shares = rng.gamma(2.0, 1.0, len(self.unit_ids))
        self.share = shares / shares.sum()
        self.level = rng.normal(0, 0.3, len(self.unit_ids))
        self.officer_level = {
            int(p): (-1.1 if rng.random() < 0.06 else rng.normal(0, 0.3))
            for people in self.officers
            for p in people
        }

    @staticmethod
    def _officers(unit_id: int) -> np.ndarray:
        return np.array(
            db.session.scalars(
                sa.select(Person.id)
                .where(Person.unit_id == unit_id, Person.status == PersonStatus.ACTIVE)
                .order_by(Person.id)
                .limit(DESK_OFFICERS)
            ).all(),
            dtype=np.int64,
        )


@dataclass(frozen=True)
class _Question:
    """The fields the simulation needs, detached from the session (it commits per chunk)."""

    id: int
    key: str
    section: str
    qtype: QuestionType
    required: bool
    short: bool
    factor: str
    options: list
    condition: dict | None
    min_value: int | None
    max_value: int | None

    @classmethod
    def of(cls, q) -> _Question:
        return cls(**{name: getattr(q, name) for name in cls.__dataclass_fields__})


def current_version() -> QuestionnaireVersion:
    """The newest published version of the default questionnaire."""
    version = db.session.scalar(
        sa.select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(
            Questionnaire.code == QUESTIONNAIRE,
            QuestionnaireVersion.state == QuestionnaireState.PUBLISHED,
        )
        .order_by(QuestionnaireVersion.number.desc())
    )
    if version is None:
        raise ValueError(f"questionnaire {QUESTIONNAIRE} has no published version")
    return version


def generate_responses(
    count: int,
    first_day: date,
    last_day: date,
    rng: np.random.Generator,
    progress: Callable[[int], None],
) -> tuple[int, int]:
    """Store ``count`` responses with their answers; returns (responses, answer rows)."""
    version = current_version()
    version_id, questions = version.id, [_Question.of(q) for q in version.questions]
    desks = Desks(rng)
    db.session.commit()
    raw = os.urandom(16 * count).hex()
    ids = sorted(raw[i : i + 32] for i in range(0, 32 * count, 32))
    days = [first_day + timedelta(days=d) for d in range((last_day - first_day).days + 1)]
    answers = 0
    with bulk_load([SurveyResponse.__table__, SurveyAnswer.__table__]) as checkpoint:
        for start in range(0, count, CHUNK):
            chunk_ids = ids[start : start + CHUNK]
            conn = db.session.connection()
            answers += _write_chunk(conn, version_id, questions, desks, chunk_ids, days, rng)
            checkpoint()
            progress(len(chunk_ids))
    return count, answers


def _write_chunk(conn, version_id, questions, desks: Desks, ids, days, rng) -> int:
    n = len(ids)
    unit = rng.choice(len(desks.unit_ids), n, p=desks.share)
    kind = rng.choice([k for k, _p in CHANNELS], n, p=[p for _k, p in CHANNELS])
    officer = _officers(desks, unit, kind, rng)
    day = rng.integers(0, len(days), n)
    own = np.array([desks.officer_level.get(int(o), 0.0) for o in officer])
    s = 1.1 + desks.level[unit] + own + 0.3 * day / max(1, len(days) - 1)
    s = s + rng.normal(0, 0.7, n)
    short = np.where(kind == "kiosk", desks.kiosk_short[unit], False)
    short |= (kind == "qr") & desks.qr_short[unit]
    channel = np.where(kind == "kiosk", desks.kiosk[unit], desks.qr[unit])
    rows = [
        (
            ids[i],
            version_id,
            kind[i],
            None if kind[i] == "dossier" else int(channel[i]),
            int(desks.unit_ids[unit[i]]),
            int(officer[i]) or None,
            days[day[i]],
            bool(kind[i] == "dossier"),
            False,
            None,
            None,
        )
        for i in range(n)
    ]
    insert_rows(conn, SurveyResponse.__table__, RESPONSE_COLUMNS, rows)
    given = simulate(questions, short, s, own, rng)
    return insert_rows(
        conn, SurveyAnswer.__table__, ANSWER_COLUMNS, _answer_rows(ids, questions, given)
    )


def _officers(desks: Desks, unit: np.ndarray, kind: np.ndarray, rng) -> np.ndarray:
    """The rated officer of each response (0: none — QR codes rate nobody)."""
    out = np.zeros(len(unit), dtype=np.int64)
    for u in np.unique(unit):
        staff = desks.officers[u]
        rated = (unit == u) & (kind != ChannelKind.QR.value)
        if len(staff) and rated.any():
            out[rated] = staff[rng.integers(0, len(staff), int(rated.sum()))]
    return out


def _answer_rows(ids: list[str], questions, given) -> list[tuple]:
    """Answer rows in primary-key order (response, question id, choice)."""
    ordered = sorted(questions, key=lambda q: q.id)
    width = 1 + max((len(q.options) for q in ordered), default=0)
    id_array = np.array(ids, dtype=object)
    keys, rows = [], []
    for rank, q in enumerate(ordered):
        answered = given[q.key]
        index = np.flatnonzero(answered.mask)
        if q.qtype is QuestionType.MULTI:
            index, choice, slot = _spread(index, answered.values)
        else:
            choice, slot = answered.values[index], np.zeros(len(index), dtype=np.int64)
        keys.append((index * len(ordered) + rank) * width + slot)
        rows.extend(_rows_of(q, id_array[index].tolist(), choice.tolist()))
    order = np.argsort(np.concatenate(keys) if keys else np.array([]), kind="stable")
    return [rows[k] for k in order.tolist()]


def _spread(index: np.ndarray, values: np.ndarray):
    """One entry per chosen option of a multiple-choice answer: (index, option, slot)."""
    chosen = [(i, option, slot) for i in index.tolist() for slot, option in enumerate(values[i])]
    if not chosen:
        return np.array([], dtype=np.int64), np.array([], dtype=object), np.array([], np.int64)
    i, options, slots = zip(*chosen, strict=True)
    return np.array(i), np.array(options, dtype=object), np.array(slots)


def _rows_of(q, response_ids: list[str], values: list) -> list[tuple]:
    n = len(response_ids)
    if q.qtype in (QuestionType.MULTI, QuestionType.SINGLE):
        return list(zip(response_ids, [q.id] * n, values, [None] * n, [None] * n, strict=True))
    if q.qtype is QuestionType.TEXT:
        return list(zip(response_ids, [q.id] * n, [""] * n, [None] * n, values, strict=True))
    numbers = [int(v) for v in values]
    return list(zip(response_ids, [q.id] * n, [""] * n, numbers, [None] * n, strict=True))
