"""Rubric files (question_bank/rubrics/*.yaml): validation and loading as approved versions.

A file is checked whole before anything is written: every criterion needs a unique key,
a title, a positive weight and levels with consecutive integer scores from 0, each with a
descriptor. Loading is idempotent: a file whose content is already the latest version of
its rubric returns that version; changed content adds a new version (approved versions are
immutable, so an edit never rewrites one).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from app.audit import record_audit
from app.extensions import db
from app.models import Account, Rubric, RubricVersion, VersionState, utcnow
from app.text import nfc


class RubricError(ValueError):
    """The rubric file is invalid; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _clean(value: Any) -> Any:
    """NFC strings, ISO dates: the shape JSON columns can store."""
    if isinstance(value, str):
        return nfc(value).strip()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    return value


def _criterion_errors(index: int, crit: Any) -> list[str]:
    where = f"tiêu chí {index + 1}"
    if not isinstance(crit, dict):
        return [f"{where}: phải là một mục có key, title, weight, levels"]
    errors = []
    if not crit.get("key") or not crit.get("title"):
        errors.append(f"{where}: thiếu key hoặc title")
    weight = crit.get("weight")
    if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
        errors.append(f"{where}: trọng số (weight) phải là số dương")
    levels = crit.get("levels") or []
    scores = [lv.get("score") for lv in levels if isinstance(lv, dict)]
    if len(levels) < 2 or scores != list(range(len(levels))):
        errors.append(f"{where}: các mức phải là 0, 1, 2, … liên tiếp (ít nhất 2 mức)")
    if any(not (isinstance(lv, dict) and lv.get("descriptor")) for lv in levels):
        errors.append(f"{where}: mỗi mức cần một câu mô tả (descriptor)")
    return errors


def validate_rubric(data: Any) -> dict[str, Any]:
    """Return the cleaned rubric dict; raise :class:`RubricError` listing every problem."""
    if not isinstance(data, dict):
        raise RubricError(["tệp phải là một bảng (mapping) YAML"])
    data = _clean(data)
    errors = [f"thiếu trường {k}" for k in ("code", "name", "criteria") if not data.get(k)]
    criteria = data.get("criteria") or []
    for i, crit in enumerate(criteria):
        errors.extend(_criterion_errors(i, crit))
    keys = [c.get("key") for c in criteria if isinstance(c, dict)]
    if len(keys) != len(set(keys)):
        errors.append("các tiêu chí phải có key khác nhau")
    threshold = data.get("pass_threshold", 0.5)
    if not isinstance(threshold, int | float) or not 0 < threshold <= 1:
        errors.append("pass_threshold phải trong khoảng (0, 1]")
    levels = data.get("disagreement_levels", 2)
    if not isinstance(levels, int) or levels < 1:
        errors.append("disagreement_levels phải là số nguyên ≥ 1")
    if errors:
        raise RubricError(errors)
    return data


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of what a version holds (criteria, policy, sources): equal content, equal hash."""
    keys = ("criteria", "pass_threshold", "disagreement_levels", "sources")
    payload = json.dumps({k: data.get(k) for k in keys}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def load_rubric_file(
    path: str | Path, *, author: Account | None = None, approver: Account | None = None
) -> RubricVersion:
    """Load a rubric file as an approved :class:`RubricVersion` (idempotent); return it.

    Raises :class:`RubricError` for an invalid file (nothing is written then).
    """
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RubricError([f"YAML không hợp lệ: {exc}"]) from exc
    data = validate_rubric(raw)
    digest = content_hash(data)
    rubric = db.session.scalar(sa.select(Rubric).where(Rubric.code == data["code"]))
    if rubric is None:
        rubric = Rubric(code=data["code"], name=data["name"])
        db.session.add(rubric)
        db.session.flush()
    latest = rubric.versions[-1] if rubric.versions else None
    if latest is not None and latest.content_hash == digest:
        return latest
    version = RubricVersion(
        rubric=rubric,
        number=(latest.number + 1) if latest else 1,
        criteria=data["criteria"],
        content_hash=digest,
        pass_threshold=float(data.get("pass_threshold", 0.5)),
        disagreement_levels=int(data.get("disagreement_levels", 2)),
        sources=data.get("sources") or [],
        state=VersionState.APPROVED,
        author_id=author.id if author else None,
        reviewer_id=approver.id if approver else None,
        reviewed_at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    record_audit(
        "assess.rubric_load", version, after={"code": rubric.code, "number": version.number}
    )
    return version


def default_rubric_path() -> Path:
    """The shipped Vietnamese rubric."""
    root = Path(__file__).resolve().parents[2]
    return root / "question_bank" / "rubrics" / "giao-tiep-mot-cua.yaml"


def load_demo_rubric() -> RubricVersion:
    """The shipped rubric, written by the demo author and approved by the demo reviewer."""

    def account(name: str) -> Account | None:
        return db.session.scalar(sa.select(Account).where(Account.username == name))

    return load_rubric_file(
        default_rubric_path(), author=account("author"), approver=account("reviewer")
    )
