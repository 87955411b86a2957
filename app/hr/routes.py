"""The period verdict page: per person and per unit, within the caller's scope."""

from __future__ import annotations

from collections import Counter

from flask import render_template, request

from app.access import Perm, requires
from app.hr import bp, queries
from app.hr.verdicts import period_verdicts
from app.org.queries import unit_choices


@bp.route("/verdicts")
@requires(Perm.RESULTS_VIEW)
def list_verdicts():
    period = queries.period_or_current(request.args.get("period", type=int))
    unit_id = request.args.get("unit", type=int)
    people = queries.people_in_scope(unit_id)
    verdicts = period_verdicts(period, people) if period else []
    by_unit: dict[str, Counter] = {}
    for v in verdicts:
        counts = by_unit.setdefault(v.person.unit.name, Counter())
        counts["total"] += 1
        counts["meets"] += v.meets
        counts["missing"] += bool(v.missing)
    return render_template(
        "hr/list_verdicts.html",
        period=period,
        periods=queries.periods(),
        units=unit_choices(Perm.RESULTS_VIEW),
        unit_id=unit_id,
        verdicts=verdicts,
        by_unit=by_unit,
    )
