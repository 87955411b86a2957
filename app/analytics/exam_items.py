"""Item analysis of one exam with per-person random forms, as Moodle does for random questions.

* **Test level** (mean, SD, skewness, kurtosis, alpha, error ratio, standard error, and per
  position facility, discrimination, effective weight, alpha if deleted) is computed over
  *positions*: column j holds what each attempt earned at its j-th question, whichever
  question that was — Moodle's "slots". Every attempt of an exam normally has the same
  number of positions; attempts of another length (a blueprint row restricted to some job
  positions, a paper sitting with another form) are left out of the test level and counted.
* **Question level** (facility, SD, discrimination index = correlation with the rest of the
  test, discriminative efficiency, distractors, flags) is computed per question *version*
  over the attempts that saw it, the rest of the test being the attempt's total minus this
  item. Credits are fractions of the item's mark, so facility = mean credit.

The statistics are those of :mod:`app.analytics.items` and :mod:`app.analytics.distractors`;
this module only builds their inputs and turns their dataclasses into a JSON payload.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from app.analytics.distractors import (
    DistractorAnalysis,
    OptionCounts,
    Thirds,
    counted_distractor_analysis,
    thirds,
)
from app.analytics.exam_columns import (
    QuestionColumn,
    attempt_index,
    earned_marks,
    question_columns,
    slot_matrix,
    sorted_rows,
)
from app.analytics.exam_data import CHOICE_BLANK, CHOICE_QTYPES, ItemRows, VersionInfo, choice_name
from app.analytics.items import ItemStats, analyse_items, flag_item, item_against_rest

ALGORITHM = "items-1"  # change to recompute every cached payload after a change here
QUESTION_KEYS = ("facility", "sd", "discrimination_index", "discriminative_efficiency")


def item_vs_rest(credit: np.ndarray, rest: np.ndarray, name: str) -> ItemStats:
    """Moodle's per-item statistics of ``credit`` (fractions of the mark) against ``rest``.

    The discrimination index of column 0 of ``[credit, rest]`` is corr(item, total - item)
    = corr(credit, rest): exactly Moodle's definition for a question in the attempts that
    saw it. Effective weight and alpha-if-deleted of this two-column matrix mean nothing and
    are not computed.
    """
    return item_against_rest(credit, rest, name)


def distractors_of(
    info: VersionInfo, codes: np.ndarray, totals: np.ndarray, groups: Thirds | None = None
) -> DistractorAnalysis | None:
    """Upper/lower-third shares per option of a single-answer choice question (None for
    other types or when no online attempt answered it). ``codes`` are choice codes
    (``exam_data``); ``groups`` is ``thirds(totals)`` when the caller has it already.
    Several full-credit options leave the key unset, so no option is flagged as a
    distractor."""
    if info.qtype not in CHOICE_QTYPES:
        return None
    answered = codes >= CHOICE_BLANK
    if answered.all():
        return _coded(info, codes, totals, groups)
    if not answered.any():
        return None
    return _coded(info, codes[answered], totals[answered], None)


def _coded(
    info: VersionInfo, codes: np.ndarray, totals: np.ndarray, groups: Thirds | None
) -> DistractorAnalysis:
    upper, lower, reason = thirds(totals) if groups is None else groups
    size = int(codes.max()) + 1
    by_code = OptionCounts(
        np.bincount(codes, minlength=size),
        np.bincount(codes[upper], minlength=size),
        np.bincount(codes[lower], minlength=size),
    )
    return counted_distractors(info, by_code, (upper, lower, reason))


def counted_distractors(
    info: VersionInfo, by_code: OptionCounts, groups: Thirds
) -> DistractorAnalysis | None:
    """:func:`distractors_of` from the counts of each choice code (0 = blank) among
    everyone and in the thirds ``groups`` (None when nobody answered)."""
    seen = np.flatnonzero(by_code.every)
    if not seen.size:
        return None
    # Report the bank's options, then any other option seen, then the blank answer —
    # the order distractor_analysis gives the same choices as letters.
    listed = list(info.options)
    extra = sorted({choice_name(int(c)) for c in seen if c > CHOICE_BLANK} - set(listed))
    names = listed + extra + ([""] if seen[0] == CHOICE_BLANK else [])
    position = {name: i for i, name in enumerate(names)}
    at = np.array([position[choice_name(code)] for code in seen.tolist()], dtype=np.intp)

    def by_name(counts: np.ndarray) -> np.ndarray:
        return np.bincount(at, weights=counts[seen], minlength=len(names)).astype(np.int64)

    counts = OptionCounts(*(by_name(c) for c in by_code))
    key = info.keys[0] if len(info.keys) == 1 else None
    upper, lower, reason = groups
    sizes = (int(upper.sum()), int(lower.sum()))
    return counted_distractor_analysis(counts, names, key, sizes, reason)


def distractor_payload(analysis: DistractorAnalysis | None, info: VersionInfo) -> dict | None:
    """``analysis`` as JSON, every key marked and every option with its (short) text."""
    if analysis is None:
        return None
    texts = dict(zip(info.options, info.option_texts, strict=True))
    data = asdict(analysis)
    data["keys"] = list(info.keys)
    for option in data["options"]:
        option["is_key"] = option["option"] in info.keys
        option["text"] = texts.get(option["option"], "")
    return data


def question_entry(
    info: VersionInfo,
    credit: np.ndarray,
    rest: np.ndarray,
    codes: np.ndarray,
    totals: np.ndarray,
    min_n: int,
) -> dict[str, Any]:
    """The statistics, distractors and flags of one version over the given attempts.

    ``credit`` is NaN where the item was voided; such rows are left out. Flags are raised
    only from ``min_n`` attempts on (fewer make the indices noise) and ``few`` says so.
    """
    entry = _entry_head(info)
    valid = ~np.isnan(credit)
    entry["n"] = int(valid.sum())
    entry["voided"] = not valid.any()
    if entry["voided"]:
        empty = {"reasons": {}, "distractors": None, "flags": [], "few": False}
        return {**entry, **dict.fromkeys(QUESTION_KEYS), **empty}
    stats = item_vs_rest(credit[valid], rest[valid], info.label)
    distractors = distractors_of(info, codes[valid], totals[valid])
    return _entry_end(entry, stats, distractors, info, min_n)


def known_question_entry(info: VersionInfo, column: QuestionColumn, min_n: int) -> dict[str, Any]:
    """:func:`question_entry` of a version whose statistics over these attempts (none
    voided) are known already (``column.known``), as are the thirds of their totals and,
    where every attempt answered online, the counts of each choice code."""
    stats, groups = column.known
    entry = _entry_head(info)
    entry["n"], entry["voided"] = int(column.totals.size), False
    if info.qtype not in CHOICE_QTYPES:
        distractors = None
    elif column.by_code is not None:
        distractors = counted_distractors(info, column.by_code, groups)
    else:
        distractors = distractors_of(info, column.codes, column.totals, groups)
    return _entry_end(entry, stats, distractors, info, min_n)


def _entry_head(info: VersionInfo) -> dict[str, Any]:
    return {
        "version_id": info.version_id,
        "question_id": info.question_id,
        "number": info.number,
        "label": info.label,
        "stem": info.stem,
        "qtype": info.qtype,
    }


def _entry_end(
    entry: dict[str, Any],
    stats: ItemStats,
    distractors: DistractorAnalysis | None,
    info: VersionInfo,
    min_n: int,
) -> dict[str, Any]:
    """``entry`` with the statistics, flags and distractor table."""
    few = entry["n"] < min_n
    flags = [] if few else list(flag_item(stats, distractors))
    entry.update({key: getattr(stats, key) for key in QUESTION_KEYS})
    reasons = {k: v for k, v in stats.reasons.items() if k in QUESTION_KEYS}
    entry.update(reasons=reasons, flags=flags, few=few)
    entry["distractors"] = distractor_payload(distractors, info)
    return entry


# --- the exam -------------------------------------------------------------------------------


def _test_level(
    rows: ItemRows, earned: np.ndarray, index: np.ndarray, n_attempts: int
) -> tuple[dict[str, Any], dict[int, ItemStats]]:
    """The test-level payload and the statistics of each position kept in it."""
    marks, slot_max, positions, left_out = slot_matrix(rows, index, n_attempts, earned)
    out: dict[str, Any] = {"positions_left_out": left_out, "test": None, "slots": []}
    if not positions:
        return out, {}
    analysis = analyse_items(marks, slot_max, [str(p) for p in positions])
    out["test"] = asdict(analysis.test)
    pairs = zip(positions, analysis.items, strict=True)
    out["slots"] = [{"position": p, **asdict(s)} for p, s in pairs]
    return out, dict(zip(positions, analysis.items, strict=True))


def _questions(
    rows: ItemRows,
    earned: np.ndarray,
    totals: np.ndarray,
    index: np.ndarray,
    infos: dict[int, VersionInfo],
    positions: dict[int, ItemStats],
    min_n: int,
) -> list[dict[str, Any]]:
    """One entry per version; ``totals`` per attempt, ``index`` the attempt of each row,
    ``positions`` the test level's statistics of each position (a fixed form's questions
    take theirs)."""
    entries = []
    for c in question_columns(rows, earned, totals, index, positions):
        if c.known is not None:
            entry = known_question_entry(infos[c.version], c, min_n)
        else:
            rest = c.totals - c.earned
            entry = question_entry(infos[c.version], c.credit, rest, c.codes, c.totals, min_n)
        entries.append(entry)
    return sorted(entries, key=lambda e: (e["label"], e["number"]))


def analyse_exam(rows: ItemRows, infos: dict[int, VersionInfo], *, min_n: int) -> dict[str, Any]:
    """The JSON payload of an exam's item analysis (see the module docstring).

    ``rows`` come from :func:`app.analytics.exam_data.load_exam_rows`, ``infos`` name every
    version in them. Statistics that cannot be computed are ``None`` with a reason.
    """
    rows = sorted_rows(rows)
    index = attempt_index(rows.attempt)
    n_attempts = int(index[-1]) + 1 if index.size else 0
    earned = earned_marks(rows)
    totals = np.bincount(index, weights=earned, minlength=n_attempts)
    payload: dict[str, Any] = {"algorithm": ALGORITHM, "n_attempts": n_attempts, "min_n": min_n}
    test_level, positions = _test_level(rows, earned, index, n_attempts)
    payload.update(test_level)
    payload["questions"] = _questions(rows, earned, totals, index, infos, positions, min_n)
    payload["flagged"] = sum(1 for q in payload["questions"] if q["flags"])
    return payload
