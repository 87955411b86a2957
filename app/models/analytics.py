"""Cached item statistics: derived, recomputable rows, never edited by hand.

``ItemStatsCache`` holds the full item analysis of one exam or one question as JSON, with
the *fingerprint* of the data it was computed from (a cheap SQL aggregate over the finished
attempts and item fixes); a page compares the fingerprint and recomputes only when the
attempts changed. ``VersionStats`` is the small per-version summary the bank browser reads
(facility, discrimination, "needs checking"), written with the question's cache row, so the
browser never parses a payload nor computes anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class ItemStatsCache(Base):
    """The item analysis of one scope: ``scope_kind`` "exam" (exam id) or "question"."""

    __tablename__ = "item_stats_cache"
    __table_args__ = (
        sa.UniqueConstraint("scope_kind", "scope_id"),
        sa.CheckConstraint("scope_kind IN ('exam', 'question')", name="scope_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_kind: Mapped[str] = mapped_column(sa.String(10))
    scope_id: Mapped[int] = mapped_column()
    fingerprint: Mapped[str] = mapped_column(sa.String(200))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class VersionStats(Base):
    """Statistics of one question version over every finished attempt that saw it."""

    __tablename__ = "version_stats"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question_versions.id"), primary_key=True, autoincrement=False
    )
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    n: Mapped[int] = mapped_column(default=0)
    facility: Mapped[float | None] = mapped_column()
    discrimination: Mapped[float | None] = mapped_column()
    needs_checking: Mapped[bool] = mapped_column(default=False, index=True)
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
