"""Scoring arithmetic of a sheet: which levels are valid, and the weighted percentage."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.assessments.rounds import AssessError
from app.models import RubricVersion


def check_scores(version: RubricVersion, scores: dict[str, Any]) -> dict[str, int]:
    """Scores as integers; raises AssessError for an unknown criterion or level (blank: skipped)."""
    clean: dict[str, int] = {}
    for key, value in scores.items():
        crit = version.criterion(key)
        if crit is None:
            raise AssessError("bad_criterion", _l("Tiêu chí không có trong phiếu."), {key: value})
        allowed = {lv["score"] for lv in crit["levels"]}
        if value is None or value == "":
            continue
        try:
            level = int(value)
        except (TypeError, ValueError):
            level = -1
        if level not in allowed or isinstance(value, bool):
            raise AssessError("bad_level", _l("Mức điểm không có trong tiêu chí."), {key: value})
        clean[key] = level
    return clean


def weighted_percent(criteria: list[dict[str, Any]], scores: dict[str, int]) -> float:
    """Σ weight·level/max_level ÷ Σ weight, in [0, 1]."""
    total = sum(float(c["weight"]) for c in criteria)
    got = sum(
        float(c["weight"]) * scores[c["key"]] / max(lv["score"] for lv in c["levels"])
        for c in criteria
    )
    return got / total
