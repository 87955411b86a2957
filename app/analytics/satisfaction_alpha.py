"""Cronbach's alpha of each multi-item SIPAS factor for the satisfaction report.

Alpha needs the respondent × item matrix: it is pivoted in SQL (one row per response) on a
random sample of about ``ALPHA_SAMPLE`` responses when there are more (response ids are
random hex, so an id range is a simple random sample).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import sqlalchemy as sa

from app.analytics.intervals import cronbach_alpha
from app.extensions import db
from app.models import QuestionType, SurveyAnswer, SurveyResponse, Unit
from app.surveys.queries import ResponseFilter, response_conditions

if TYPE_CHECKING:
    from app.analytics.satisfaction import Question

ALPHA_SAMPLE = 5_000


def _dated(f: ResponseFilter) -> list[sa.ColumnElement[bool]]:
    """The filter's dates, written so that no index on ``day`` is used: the id range of the
    sample is far more selective, and SQLite would otherwise walk the whole date range."""
    day = sa.func.coalesce(SurveyResponse.day, SurveyResponse.day)
    return ([day >= f.start] if f.start else []) + ([day <= f.end] if f.end else [])


def factor_alphas(f: ResponseFilter, questions: list[Question], n: int) -> tuple[dict, bool]:
    """Cronbach's alpha per factor with 2+ scale items; and whether a sample was used."""
    items = [q for q in questions if q.qtype is QuestionType.SCALE5 and q.factor]
    factors = defaultdict(list)
    for i, q in enumerate(items):
        factors[q.factor].append(i)
    factors = {k: v for k, v in factors.items() if len(v) >= 2}
    if not factors or n == 0:
        return {}, False
    a, r = SurveyAnswer, SurveyResponse
    columns = [  # the pivot: one row per response, one column per item (0: no answer)
        sa.func.max(sa.case((a.question_id.in_(q.ids), a.number), else_=0)) for q in items
    ]
    stmt = (
        sa.select(*columns)
        .select_from(a)
        .join(r, r.id == a.response_id)
        .join(Unit, Unit.id == r.unit_id)
        .where(*response_conditions(replace(f, start=None, end=None)), *_dated(f))
        .where(a.question_id.in_([i for q in items for i in q.ids]))
        .group_by(a.response_id)
    )
    sampled = n > ALPHA_SAMPLE
    if sampled:  # ids are random hex: an id range is a simple random sample
        below = format(math.ceil(ALPHA_SAMPLE / n * 16**6), "06x")
        stmt = stmt.where(a.response_id < below, r.id < below)  # both: either table leads
    rows = [tuple(row) for row in db.session.execute(stmt)]
    matrix = np.array(rows, dtype=float).reshape(len(rows), len(items))
    matrix[matrix < 1] = np.nan  # not answered: cronbach_alpha keeps the complete rows
    return {k: cronbach_alpha(matrix[:, cols]) for k, cols in factors.items()}, sampled
