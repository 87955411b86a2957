"""What generated examinees chose: the answer rows of single-answer choice items.

Real attempts store, per answered item, the display id of the option picked ("a", "b", …
in the attempt's own option order) as the item's ``answers`` row (``answer_store``); the
layout (``{"options": [stored index, …]}``) maps it back to the bank's option. Generated
attempts do the same so their distractor tables have something in them:

* each choice item gets one of ``VARIANTS`` option orders built as the start path builds
  them (``build_order`` with the exam's shuffle on), so letters differ between attempts;
* an item with credit 1 chose a key (a full-credit option);
* an item with credit 0 was left blank (``BLANK_SHARE``, no row) or chose a distractor
  (a zero-credit option) with a probability ∝ ``exp(weight + slope × ability)``: weights
  make distractors unequally attractive, slopes mostly make weak examinees fall for them,
  and on about one item in ``TEMPTING_EVERY`` one distractor attracts strong examinees
  (a half-true option) — item analysis flags it, as it should.

Non-choice items (short answer, multiple response, …) keep their stored layout and get no
row: their credit is generated without a response.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from app.analytics.exam_versions import CHOICE_QTYPES
from app.exams.items_layout import build_order, letter_id
from app.extensions import db
from app.models import QuestionVersion

VARIANTS = 24  # option orders per question (all of them for four options)
BLANK_SHARE = 0.04  # wrong items left unanswered
TEMPTING_EVERY = 8
TEMPTING_SLOPE = 2.0


@dataclass(frozen=True)
class ChoiceModel:
    """Per pool index (as ``Bank``): its option orders and how examinees choose."""

    question_ids: np.ndarray
    is_choice: np.ndarray  # single-answer choice type: answers are written
    layouts: list[list[str]]  # VARIANTS layout texts per pool index (one for non-choice)
    display: np.ndarray  # [pool, variant, option] display position of each stored option
    keys: np.ndarray  # [pool, option] full-credit options
    distractors: np.ndarray  # [pool, option] zero-credit options
    weight: np.ndarray  # [pool, option] attractiveness of each distractor (log scale)
    slope: np.ndarray  # [pool, option] its change with ability
    responses: tuple[str, ...]  # the stored response (JSON text) of each display position


def _orders(content: dict, version_id: int) -> list[dict]:
    """``VARIANTS`` option orders of a version, as the start path builds them (shuffled)."""
    seeds = (random.Random(version_id * VARIANTS + v) for v in range(VARIANTS))  # noqa: S311
    return [build_order(content, seed, True) for seed in seeds]


def _versions(version_ids: np.ndarray) -> dict[int, tuple[int, str, dict]]:
    rows = db.session.execute(
        sa.select(
            QuestionVersion.id,
            QuestionVersion.question_id,
            QuestionVersion.qtype,
            QuestionVersion.content,
        ).where(QuestionVersion.id.in_(version_ids.tolist()))
    )
    return {vid: (qid, qtype, content) for vid, qid, qtype, content in rows}


def choice_model(version_ids: np.ndarray, layouts: list[str], rng) -> ChoiceModel:
    """The model of the pool ``version_ids`` (``layouts``: their stored orders)."""
    facts = _versions(version_ids)
    width = max(len(c.get("options") or []) for _q, _t, c in facts.values()) or 1
    display = np.full((len(version_ids), VARIANTS, width), -1, dtype=np.int64)
    credit = np.full((len(version_ids), width), np.nan)
    variants = []
    for i, vid in enumerate(version_ids.tolist()):
        _qid, qtype, content = facts[vid]
        options = content.get("options") or []
        if qtype not in CHOICE_QTYPES or not options:
            variants.append([layouts[i]])
            continue
        credit[i, : len(options)] = [float(o.get("credit") or 0.0) for o in options]
        orders = _orders(content, vid)
        for v, order in enumerate(orders):
            display[i, v, order["options"]] = np.arange(len(order["options"]))
        variants.append([json.dumps(order) for order in orders])
    is_choice = ~np.isnan(credit).all(axis=1)
    distractors = credit <= 0.0
    return ChoiceModel(
        question_ids=np.array([facts[v][0] for v in version_ids.tolist()], dtype=np.int64),
        is_choice=is_choice,
        layouts=variants,
        display=display,
        keys=credit >= 1.0,
        distractors=distractors,
        weight=np.log(rng.gamma(1.5, 1.0, credit.shape)),
        slope=_slopes(is_choice, distractors, rng),
        responses=tuple(json.dumps(letter_id(p)) for p in range(width)),
    )


def _slopes(is_choice: np.ndarray, distractors: np.ndarray, rng) -> np.ndarray:
    """Each distractor's pull per unit of ability: mostly negative (weak examinees fall
    for it), ``TEMPTING_SLOPE`` for one distractor of about one item in ``TEMPTING_EVERY``."""
    slope = rng.normal(-0.4, 0.3, distractors.shape)
    candidates = np.flatnonzero(is_choice & distractors.any(axis=1))
    for i in candidates[rng.random(candidates.size) < 1 / TEMPTING_EVERY].tolist():
        slope[i, rng.choice(np.flatnonzero(distractors[i]))] = TEMPTING_SLOPE
    return slope


@dataclass(frozen=True)
class Choices:
    """One chunk's choices, per cell of its forms [attempt, position]."""

    variant: np.ndarray  # option order drawn (0 for non-choice items)
    answered: np.ndarray  # an answers row is written
    position: np.ndarray  # display position chosen (where answered)


def _pick(allowed: np.ndarray, score: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """(index of the highest ``score`` + Gumbel noise among ``allowed``, any allowed) per row
    of the last axis: a draw with probabilities ∝ exp(score) over the allowed options."""
    noisy = np.where(allowed, score + rng.gumbel(size=score.shape), -np.inf)
    return noisy.argmax(axis=-1), allowed.any(axis=-1)


def draw_choices(
    model: ChoiceModel, forms: np.ndarray, credit: np.ndarray, ability: np.ndarray, rng
) -> Choices:
    """What each examinee chose on each item of ``forms`` (pool indices), given the
    ``credit`` (0/1) the logistic model gave and their ``ability``."""
    choice = model.is_choice[forms]
    variant = np.where(choice, rng.integers(0, VARIANTS, forms.shape), 0)
    right = credit >= 1.0
    key, has_key = _pick(model.keys[forms], np.zeros(model.keys[forms].shape), rng)
    score = model.weight[forms] + model.slope[forms] * ability[:, None, None]
    wrong, has_wrong = _pick(model.distractors[forms], score, rng)
    option = np.where(right, key, wrong)
    blank = ~right & (rng.random(forms.shape) < BLANK_SHARE)
    answered = choice & np.where(right, has_key, has_wrong) & ~blank
    position = model.display[forms, variant, option]
    return Choices(variant, answered & (position >= 0), position)


def layout_texts(model: ChoiceModel, forms: np.ndarray, choices: Choices) -> list[str]:
    """The stored layout of every cell (attempt-major), as JSON text."""
    layouts = model.layouts
    return [
        layouts[i][v]
        for i, v in zip(forms.ravel().tolist(), choices.variant.ravel().tolist(), strict=True)
    ]


def exposure_counts(model: ChoiceModel, drawn: np.ndarray) -> dict[int, int]:
    """Question id → attempts that drew it, from ``drawn`` (attempts per pool index)."""
    counts: dict[int, int] = {}
    for qid, n in zip(model.question_ids.tolist(), drawn.tolist(), strict=True):
        if n:
            counts[qid] = counts.get(qid, 0) + int(n)
    return counts
