"""Simulated answers to a questionnaire version, vectorised over many responses.

Each response has a latent satisfaction ``s`` (its unit's level, the rated officer's, a
slow improvement over time, and the citizen's own mood). A 5-level item is ``s`` plus
item noise cut at fixed thresholds, which gives about 80 % "satisfied" (levels 4–5) on
average, lower for weak units and officers. The seed indicators are modelled on their own:
indifferent staff (``attitude = tho_o``) about 6 %, two or more supplements about 10 %,
late results about 8 % and an apology in about 40 % of those (the 2015 survey found 21.2 %,
25 % and "rarely"). Questions the model does not know get plain answers by type, so
another questionnaire version can be filled too.

``simulate`` returns, per question key, which responses answered it and the value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.models import QuestionType

CUTS = np.array([-1.5, -0.6, 0.2, 1.6])  # latent → levels 1..5
COMMENTS = (
    "Cán bộ hướng dẫn tận tình, dễ hiểu.",
    "Nên bố trí thêm ghế ngồi chờ vào buổi sáng.",
    "Thời gian chờ lấy số còn lâu.",
    "Đề nghị niêm yết rõ hơn các khoản phí, lệ phí.",
    "Máy tra cứu thủ tục hay bị treo.",
    "Tôi phải đi lại nhiều lần mới đủ hồ sơ.",
    "Rất hài lòng, cảm ơn bộ phận một cửa.",
    "Cần hướng dẫn nộp hồ sơ trực tuyến cho người lớn tuổi.",
)


@dataclass
class Answered:
    """Which responses answered a question (``mask``) and what (``values``, all rows)."""

    mask: np.ndarray
    values: np.ndarray  # ints (scale, number, yes/no as 0/1), str (single), tuples (multi)


def levels(latent: np.ndarray) -> np.ndarray:
    return 1 + np.searchsorted(CUTS, latent)


def simulate(questions, short: np.ndarray, s: np.ndarray, officer: np.ndarray, rng):
    """Answers of ``len(s)`` responses; ``short``: answered the short (kiosk) form,
    ``officer``: the rated officer's own level (0 when nobody is rated)."""
    n = len(s)
    sections = sorted({q.section for q in questions})
    takes = {sec: rng.random(n) < 0.75 for sec in sections}  # full form: sections answered
    given: dict[str, Answered] = {}
    for q in questions:
        in_form = np.ones(n, bool) if q.short else ~short
        answer_rate = 1.0 if q.required else (0.9 if q.short else 0.95)
        mask = in_form & (rng.random(n) < answer_rate)
        if not q.required and not q.short:
            mask &= takes[q.section]
        mask &= _shown(q, given, n)
        values = _values(q, s + (officer if q.factor == "C" else 0.3 * officer), rng)
        if q.qtype is QuestionType.TEXT:
            mask &= rng.random(n) < 0.04
        given[q.key] = Answered(mask, values)
    return given


def _shown(q, given: dict[str, Answered], n: int) -> np.ndarray:
    cond = q.condition
    if not cond:
        return np.ones(n, bool)
    source = given.get(cond["question"])
    if source is None:
        return np.zeros(n, bool)
    values = source.values
    if "in" in cond:
        wanted = {str(v) for v in cond["in"]}
        keys = np.array([str(v) for v in values.tolist()], dtype=object)
        return source.mask & np.isin(keys, list(wanted))
    if values.dtype.kind not in "iu":
        return np.zeros(n, bool)
    low, high = cond.get("min", -(10**9)), cond.get("max", 10**9)
    return source.mask & (values >= low) & (values <= high)


def _values(q, s: np.ndarray, rng) -> np.ndarray:
    n = len(s)
    special = SPECIAL.get(q.key)
    if special is not None:
        return special(q, s, rng)
    if q.qtype is QuestionType.SCALE5:
        return levels(s + rng.normal(0, 0.8, n))
    if q.qtype is QuestionType.YES_NO:
        return (rng.random(n) < 0.1).astype(int)
    if q.qtype is QuestionType.NUMBER:
        low, high = q.min_value or 0, q.max_value or 0
        return np.clip(rng.poisson(1.0, n) + low, low, high)
    if q.qtype is QuestionType.SINGLE:
        return np.array([o["value"] for o in q.options], dtype=object)[
            rng.integers(0, len(q.options), n)
        ]
    if q.qtype is QuestionType.MULTI:
        return _multi([o["value"] for o in q.options], [0.5] * len(q.options), rng, n)
    return np.array(rng.choice(COMMENTS, n), dtype=object)


def _multi(options: list[str], rates: list[float], rng, n: int) -> np.ndarray:
    """Sets of chosen options (at least one each), as sorted tuples."""
    chosen = rng.random((n, len(options))) < np.array(rates)
    chosen[~chosen.any(axis=1), int(np.argmax(rates))] = True
    out = np.empty(n, dtype=object)
    out[:] = [tuple(sorted(o for o, c in zip(options, row, strict=True) if c)) for row in chosen]
    return out


def _choice(q, probs: np.ndarray, rng) -> np.ndarray:
    """One option per response; ``probs`` has one row per response, one column per option."""
    cumulative = probs.cumsum(axis=1)
    picks = (rng.random(len(probs))[:, None] > cumulative).sum(axis=1)
    values = np.array([o["value"] for o in q.options], dtype=object)
    return values[np.minimum(picks, len(values) - 1)]


def _attitude(q, s, rng):
    x = s + rng.normal(0, 0.8, len(s))
    return np.where(x < -0.6, "tho_o", np.where(x < 0.3, "binh_thuong", "than_thien")).astype(
        object
    )


def _supplements(q, s, rng):
    times = rng.poisson(np.exp(-0.7 - 0.5 * (s - 1.1)))
    return np.clip(times, q.min_value or 0, q.max_value or 20)


def _supplement_reason(q, s, rng):
    return _multi([o["value"] for o in q.options], [0.45, 0.5, 0.2], rng, len(s))


def _rare_yes(q, s, rng):
    return (rng.random(len(s)) < np.where(s < 0.3, 0.12, 0.03)).astype(int)


def _late(q, s, rng):
    n = len(s)
    late = np.where(s < 0.3, 0.18, 0.06)
    return _choice(q, np.column_stack([1 - late - 0.15, late, np.full(n, 0.15)]), rng)


def _apology(q, s, rng):
    return (rng.random(len(s)) < 0.4).astype(int)


def _misconduct(q, s, rng):
    n = len(s)
    bad = np.where(s < -0.2, 0.08, 0.01)
    return _choice(q, np.column_stack([1 - bad - 0.045, bad, np.full(n, 0.045)]), rng)


SPECIAL = {
    "attitude": _attitude,
    "supplement_times": _supplements,
    "supplement_reason": _supplement_reason,
    "extra_papers": _rare_yes,
    "late": _late,
    "late_apology": _apology,
    "c_harassment": _misconduct,
    "c_informal_payment": _misconduct,
}
