"""Reads of the bank in one place: the filtered list of latest versions, the review queue,
choices for the filters, and the export selection.

The bank is province-wide: no unit scope applies, the permission check is enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import contains_eager

from app.bank.content import from_version
from app.bank.formats.model import Difficulty, QuestionData, QuestionType
from app.extensions import db
from app.models import Account, Question, QuestionVersion, Topic, VersionState, VersionStats
from app.text import fold


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _choice(value: Any, allowed: set[str]) -> str:
    return value if isinstance(value, str) and value in allowed else ""


@dataclass
class QuestionFilters:
    """The filters of the bank browser, the export and the API list (empty: no filter)."""

    topic_id: int | None = None
    qtype: str = ""
    state: str = ""
    difficulty: str = ""
    author_id: int | None = None
    q: str = ""
    needs_checking: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> QuestionFilters:
        """Read the filters from query arguments, ignoring anything malformed."""
        return cls(
            topic_id=_int(args.get("topic")),
            qtype=_choice(args.get("type"), {t.value for t in QuestionType}),
            state=_choice(args.get("state"), {s.value for s in VersionState}),
            difficulty=_choice(args.get("difficulty"), {d.value for d in Difficulty}),
            author_id=_int(args.get("author")),
            q=str(args.get("q") or "").strip()[:200],
            needs_checking=args.get("check") == "1",
        )

    def as_args(self) -> dict[str, Any]:
        """The filters as query arguments (for links that keep them)."""
        names = {"topic_id": "topic", "qtype": "type", "author_id": "author"}
        args = {names.get(k, k): v for k, v in asdict(self).items() if v}
        if args.pop("needs_checking", False):
            args["check"] = "1"
        return args


def latest_versions(filters: QuestionFilters) -> sa.Select:
    """The latest version of every question matching ``filters``, most recently changed first.

    Each row is a QuestionVersion with its question and topic loaded.
    """
    latest = (
        sa.select(QuestionVersion.question_id, sa.func.max(QuestionVersion.number).label("n"))
        .group_by(QuestionVersion.question_id)
        .subquery()
    )
    stmt = (
        sa.select(QuestionVersion)
        .join(
            latest,
            sa.and_(
                latest.c.question_id == QuestionVersion.question_id,
                latest.c.n == QuestionVersion.number,
            ),
        )
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .options(contains_eager(QuestionVersion.question).contains_eager(Question.topic))
    )
    return _filtered(stmt, filters).order_by(
        QuestionVersion.created_at.desc(), QuestionVersion.id.desc()
    )


def _filtered(stmt: sa.Select, f: QuestionFilters) -> sa.Select:
    if f.topic_id:
        topic = db.session.get(Topic, f.topic_id)
        path = topic.full_path if topic else ""
        stmt = stmt.where(
            sa.or_(Topic.full_path == path, Topic.full_path.startswith(path + "/", autoescape=True))
        )
    if f.qtype:
        stmt = stmt.where(QuestionVersion.qtype == f.qtype)
    if f.state:
        stmt = stmt.where(QuestionVersion.state == VersionState(f.state))
    if f.difficulty:
        stmt = stmt.where(QuestionVersion.difficulty == f.difficulty)
    if f.author_id:
        stmt = stmt.where(QuestionVersion.author_id == f.author_id)
    if f.needs_checking:
        flagged = sa.select(VersionStats.version_id).where(VersionStats.needs_checking.is_(True))
        stmt = stmt.where(QuestionVersion.id.in_(flagged))
    if f.q:
        key = fold(f.q)
        stmt = stmt.where(
            sa.or_(
                QuestionVersion.stem_fold.contains(key, autoescape=True),
                sa.func.lower(Question.external_id) == f.q.lower(),
            )
        )
    return stmt


def paginate(stmt: sa.Select, page: int, per_page: int):
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def review_queue(account_id: int) -> sa.Select:
    """Versions waiting for review that ``account_id`` did not write, oldest first."""
    return (
        sa.select(QuestionVersion)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .options(contains_eager(QuestionVersion.question).contains_eager(Question.topic))
        .where(QuestionVersion.state == VersionState.IN_REVIEW)
        .where(sa.or_(QuestionVersion.author_id.is_(None), QuestionVersion.author_id != account_id))
        .order_by(QuestionVersion.created_at, QuestionVersion.id)
    )


def topics_in_order() -> list[Topic]:
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.full_path)))


def topic_choices() -> list[tuple[int, str]]:
    """(id, indented name) of every topic, in tree order."""
    return [(t.id, "— " * t.full_path.count("/") + t.name) for t in topics_in_order()]


def author_choices() -> list[tuple[int, str]]:
    """Accounts that wrote at least one version."""
    stmt = (
        sa.select(Account.id, Account.display_name, Account.username)
        .where(Account.id.in_(sa.select(QuestionVersion.author_id).distinct()))
        .order_by(Account.display_name, Account.username)
    )
    return [(i, name or user) for i, name, user in db.session.execute(stmt)]


def account_names(ids: set[int | None]) -> dict[int, str]:
    """Display names of these accounts (for author / reviewer columns)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    stmt = sa.select(Account.id, Account.display_name, Account.username).where(
        Account.id.in_(wanted)
    )
    return {i: name or user for i, name, user in db.session.execute(stmt)}


def known_positions() -> list[str]:
    """Job positions in use (staff profiles and topics), for suggestions in the forms."""
    from app.models import Person

    found = set(db.session.scalars(sa.select(Person.position).distinct()))
    for positions in db.session.scalars(sa.select(Topic.positions)):
        found.update(positions or [])
    return sorted(p for p in found if p)


def question_statistics(version_ids: list[int]) -> dict[int, VersionStats]:
    """Item statistics per version id for the browser's "Thống kê" column.

    Read from ``VersionStats`` (written by ``app.analytics.item_cache`` when a question's
    analysis is computed: its page, or ``flask analytics refresh``); never computed here,
    so a version without a row shows a dash. Each value has ``n``, ``facility``,
    ``discrimination``, ``needs_checking`` and ``reasons``.
    """
    if not version_ids:
        return {}
    stmt = sa.select(VersionStats).where(VersionStats.version_id.in_(version_ids))
    return {row.version_id: row for row in db.session.scalars(stmt)}


def get_version_or_none(version_id: int) -> QuestionVersion | None:
    return db.session.get(QuestionVersion, version_id)


def export_selection(filters: QuestionFilters) -> list[QuestionData]:
    """The latest version of every matching question, as neutral data, oldest question first."""
    rows = db.session.scalars(latest_versions(filters)).all()
    rows = sorted(rows, key=lambda v: v.question_id)
    return [from_version(v, v.question.topic.full_path, v.question.external_id or "") for v in rows]


def question_or_404(question_id: int) -> Question:
    """The question with at least one version (404 otherwise); the bank has no unit scope."""
    question = db.session.get(Question, question_id)
    if question is None or not question.versions:
        abort(404)
    return question


def version_or_404(version_id: int) -> QuestionVersion:
    version = db.session.get(QuestionVersion, version_id)
    if version is None:
        abort(404)
    return version
