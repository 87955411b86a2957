"""The HR lists of a period: commendation candidates and reassignment reviews (+ export)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from app.access import Perm, requires
from app.analytics.satisfaction_rollup import refresh_rollups
from app.exports.tables import FORMATS, table_download
from app.extensions import db
from app.hr import bp, queries
from app.hr.lists import (
    Policy,
    attach_cases,
    commendation_candidates,
    commendation_page,
    reassignment_reviews,
    review_page,
)
from app.hr.present import commendation_tables, review_tables, template_helpers
from app.models import CaseKind
from app.org.queries import unit_choices

bp.context_processor(template_helpers)


def _filters() -> dict:
    refresh_rollups()  # officer ratings come from the satisfaction rollups
    db.session.commit()  # the refresh is this request's only write
    period = queries.period_for_lists(request.args.get("period", type=int))
    unit_id = request.args.get("unit", type=int)
    return {
        "period": period,
        "periods": queries.periods(),
        "units": unit_choices(Perm.RESULTS_VIEW),
        "unit_id": unit_id,
        "people": queries.roster_in_scope(unit_id) if period else None,
        "policy": Policy.from_config(),
        "can_decide": current_user.can(Perm.HR_DECIDE),
    }


def _export_format() -> str | None:
    fmt = request.args.get("format")
    return fmt if fmt in FORMATS else None


def _page_number(name: str) -> int:
    """The page asked for in ``name`` (1 when absent or not a number; the list clamps it)."""
    return request.args.get(name, 1, type=int) or 1


@bp.route("/commendations")
@requires(Perm.RESULTS_VIEW)
def list_commendations():
    ctx = _filters()
    period, policy = ctx["period"], ctx["policy"]
    if period and (fmt := _export_format()):
        entries = commendation_candidates(period, ctx["people"], policy)
        attach_cases(entries, period, CaseKind.COMMENDATION)
        tables = commendation_tables(entries, period, policy)
        return table_download(tables, fmt, f"de-nghi-khen-thuong-ky-{period.id}")
    found = None
    if period:
        size = current_app.config["PAGE_SIZE"]
        found = commendation_page(period, ctx["people"], policy, _page_number("page"), size)
        attach_cases(found.entries, period, CaseKind.COMMENDATION)
    return render_template("hr/list_commendations.html", found=found, **ctx)


@bp.route("/reassignments")
@requires(Perm.RESULTS_VIEW)
def list_reassignments():
    ctx = _filters()
    period, policy = ctx["period"], ctx["policy"]
    if period and (fmt := _export_format()):
        reviews = reassignment_reviews(period, ctx["people"], policy)
        attach_cases(reviews.entries, period, CaseKind.REASSIGNMENT_REVIEW)
        tables = review_tables(reviews, period, policy)
        return table_download(tables, fmt, f"xem-xet-bo-tri-lai-ky-{period.id}")
    found = None
    if period:
        pages = _page_number("page"), _page_number("mpage"), current_app.config["PAGE_SIZE"]
        found = review_page(period, ctx["people"], policy, *pages)
        attach_cases(found.reviews.entries, period, CaseKind.REASSIGNMENT_REVIEW)
    return render_template("hr/list_reassignments.html", found=found, **ctx)
