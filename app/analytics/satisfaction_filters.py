"""The filters of a satisfaction request (page, downloads, comments, API), checked against
the caller's scope: a unit or officer outside it answers 404, like any out-of-scope id.

Query string: ``questionnaire``, ``period`` (its dates) or ``from``/``to`` (ISO dates),
``unit`` (with its sub-tree), ``counter``, ``officer``, ``procedure``, ``channel``
(kiosk/qr/dossier/paper), ``verified=1``, ``trend=period`` (default: by month).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import abort, current_app

from app.access import Perm, get_in_scope_or_404, scope_clause
from app.analytics.satisfaction import SatisfactionReport, satisfaction_report
from app.extensions import db
from app.models import (
    ChannelKind,
    Period,
    Person,
    Questionnaire,
    SurveyChannel,
    SurveyResponse,
    Unit,
)
from app.models.surveys import SurveyRollup
from app.org.services import search_people
from app.surveys.queries import ResponseFilter
from app.text import fold, squash

PERM = Perm.SURVEYS_VIEW
OFFICER_MATCHES = 20  # officers listed for a search


@dataclass
class Selection:
    """The checked filters, the objects they name, and the arguments that rebuild them."""

    filter: ResponseFilter
    questionnaire: Questionnaire | None = None
    period: Period | None = None
    unit: Unit | None = None
    officer: Person | None = None
    by_period: bool = False
    args: dict[str, str] = field(default_factory=dict)


def default_questionnaire() -> Questionnaire | None:
    """The dossier-rating questionnaire (SURVEY_DOSSIER_QUESTIONNAIRE), else the first."""
    code = current_app.config.get("SURVEY_DOSSIER_QUESTIONNAIRE", "SIPAS-MC")
    found = db.session.scalar(sa.select(Questionnaire).where(Questionnaire.code == code))
    return found or db.session.scalar(sa.select(Questionnaire).order_by(Questionnaire.id))


def officer_in_scope_or_404(person_id: int) -> Person:
    stmt = (
        sa.select(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Person.id == person_id, scope_clause(PERM, Unit.path))
    )
    return db.session.scalar(stmt) or abort(404)


def make_selection(
    *,
    questionnaire_id: int | None = None,
    period_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    unit_id: int | None = None,
    counter: str = "",
    officer_id: int | None = None,
    procedure: str = "",
    channel: str = "",
    verified: bool = False,
    trend: str = "month",
) -> Selection:
    """The selection for typed filter values; 404 for unknown or out-of-scope ids."""
    sel = Selection(ResponseFilter())
    if questionnaire_id:
        sel.questionnaire = db.session.get(Questionnaire, questionnaire_id) or abort(404)
        sel.args["questionnaire"] = str(questionnaire_id)
    else:
        sel.questionnaire = default_questionnaire()
    if period_id:
        sel.period = db.session.get(Period, period_id) or abort(404)
        start, end = sel.period.starts_on, sel.period.ends_on
        sel.args["period"] = str(period_id)
    else:
        sel.args.update({k: v.isoformat() for k, v in (("from", start), ("to", end)) if v})
    if unit_id:
        sel.unit = get_in_scope_or_404(Unit, unit_id, PERM, Unit.path)
        sel.args["unit"] = str(unit_id)
    if officer_id:
        sel.officer = officer_in_scope_or_404(officer_id)
        sel.args["officer"] = str(officer_id)
    kind = ChannelKind(channel) if channel in {k.value for k in ChannelKind} else None
    counter, procedure = squash(counter)[:60], squash(procedure)[:300]
    extra = {"counter": counter, "procedure": procedure, "channel": kind.value if kind else ""}
    sel.args.update({k: v for k, v in extra.items() if v})
    if verified:
        sel.args["verified"] = "1"
    sel.by_period = trend == "period"
    if sel.by_period:
        sel.args["trend"] = "period"
    sel.filter = ResponseFilter(
        questionnaire_id=sel.questionnaire.id if sel.questionnaire else None,
        start=start,
        end=end,
        unit_path=sel.unit.path if sel.unit else "",
        counter=counter,
        officer_id=officer_id or None,
        procedure=procedure,
        channel=kind,
        verified_only=verified,
    )
    return sel


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def selection_from_args(args: Mapping[str, str]) -> Selection:
    """The selection of a query string; malformed values are ignored (404 for bad ids)."""
    return make_selection(
        questionnaire_id=_int(args.get("questionnaire")),
        period_id=_int(args.get("period")),
        start=_date(args.get("from")),
        end=_date(args.get("to")),
        unit_id=_int(args.get("unit")),
        counter=args.get("counter", ""),
        officer_id=_int(args.get("officer")),
        procedure=args.get("procedure", ""),
        channel=args.get("channel", ""),
        verified=args.get("verified") == "1",
        trend=args.get("trend", "month"),
    )


def report_for(sel: Selection) -> SatisfactionReport:
    """The report of a selection (trend by period when asked). Refresh the rollups and
    commit before calling it."""
    trend = list(db.session.scalars(sa.select(Period).order_by(Period.starts_on)))
    return satisfaction_report(
        sel.filter, trend_periods=trend if sel.by_period else None, parent=sel.unit
    )


def counters_in_scope() -> list[str]:
    """Counter names of the channels in scope (for the filter list)."""
    stmt = (
        sa.select(SurveyChannel.counter)
        .join(Unit, Unit.id == SurveyChannel.unit_id)
        .where(scope_clause(PERM, Unit.path), SurveyChannel.counter != "")
        .distinct()
        .order_by(SurveyChannel.counter)
    )
    return list(db.session.scalars(stmt))


def find_officers(q: str, limit: int = OFFICER_MATCHES) -> tuple[list[Person], bool]:
    """(rated people in scope whose name contains every word of ``q`` ignoring case and
    diacritics — "duc" finds "Đức" — or whose staff code contains it, by name, at most
    ``limit``; whether there were more). Nothing for an empty query: the filter is a
    search field, not a list of every rated officer of the province."""
    key = fold(q)[:100]
    if not key:
        return [], False
    rated = sa.exists().where(SurveyResponse.officer_id == Person.id)
    stmt = (
        sa.select(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(scope_clause(PERM, Unit.path), rated)
        .order_by(Person.sort_key, Person.id)
        .limit(limit + 1)
    )
    stmt = search_people(stmt, key)  # the people search of the staff pages
    found = list(db.session.scalars(stmt))
    return found[:limit], len(found) > limit


def procedures_in_scope() -> list[str]:
    """Procedures seen in the rolled-up responses in scope (for the filter list)."""
    stmt = (
        sa.select(SurveyRollup.procedure)
        .join(Unit, Unit.id == SurveyRollup.unit_id)
        .where(scope_clause(PERM, Unit.path), SurveyRollup.question_id.is_(None))
        .where(SurveyRollup.procedure.is_not(None))
        .distinct()
        .order_by(SurveyRollup.procedure)
        .limit(500)
    )
    return list(db.session.scalars(stmt))
