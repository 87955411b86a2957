"""The administrative tree and the people who work in it.

Units carry a materialised path ("/1/4/17/") so "this unit and everything under it" is a
single indexed ``LIKE '/1/4/%'`` on SQLite and PostgreSQL alike. Levels are data: the
``kind`` label says province, department, district or commune, code never branches on it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, str_enum, utcnow


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(60), default="")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(400), index=True, default="")
    depth: Mapped[int] = mapped_column(default=0)
    sort_key: Mapped[str] = mapped_column(sa.String(800), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def is_within(self, other: Unit) -> bool:
        """True if this unit is ``other`` or lies under it."""
        return self.path.startswith(other.path)

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.path}>"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    TRANSFERRED = "transferred"
    RETIRED = "retired"


class Person(Base):
    """A staff profile: the human being, separate from any login account."""

    __tablename__ = "people"
    __table_args__ = (sa.Index("ix_people_unit_sort", "unit_id", "sort_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_code: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    name_fold: Mapped[str] = mapped_column(sa.String(200), index=True)
    sort_key: Mapped[str] = mapped_column(sa.String(1200), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    status: Mapped[PersonStatus] = mapped_column(
        str_enum(PersonStatus), default=PersonStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="person", order_by="Assignment.start_date"
    )


class Assignment(Base):
    """Person × unit × position over [start, end). The current one has no end."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    decision_ref: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()
