"""HR over the API: period verdicts, commendation and reassignment lists with evidence,
cases and decisions (never edited: a new decision supersedes the current one)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint

from app.access import Perm, authenticated, requires
from app.analytics.satisfaction_rollup import refresh_rollups
from app.api.hr_schemas import (
    CaseIn,
    CaseOut,
    CommendationsOut,
    DecisionIn,
    DecisionOut,
    PeriodQuery,
    ReassignmentsOut,
    VerdictOut,
    case_body,
    decision_body,
    entry_body,
)
from app.api.schemas import ERRORS
from app.errors import ApiError
from app.extensions import db
from app.hr import cases, lists, queries
from app.hr.facts import Roster
from app.hr.verdicts import period_verdicts
from app.models import Account, CaseKind, DecisionKind, Period

PREFIX = ""  # routes carry their own paths: /verdicts and /hr/...
blp = Blueprint("api_hr", __name__, description="Kết quả theo kỳ, danh sách và quyết định nhân sự")


def _period(period_id: int | None, *, for_lists: bool = True) -> Period:
    if for_lists:
        period = queries.period_for_lists(period_id)
    else:
        period = queries.period_or_current(period_id)
    if period is None:
        raise ApiError(404, "not_found", "Không có kỳ đánh giá.")
    return period


@blp.route("/verdicts", methods=["GET"])
@blp.arguments(PeriodQuery, location="query")
@blp.response(200, VerdictOut(many=True))
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.RESULTS_VIEW)
def list_verdicts(args):
    """The period verdict of every active person in the caller's scope (or under a unit)."""
    period = _period(args["period_id"], for_lists=False)
    return [
        {
            "person_id": v.person.id,
            "full_name": v.person.full_name,
            "unit_id": v.person.unit_id,
            "period_id": period.id,
            "components": {k: o.value for k, o in v.components.items()},
            "missing": v.missing,
            "meets": v.meets,
        }
        for v in period_verdicts(period, queries.people_in_scope(args["unit_id"]))
    ]


def _roster(unit_id: int | None) -> Roster:
    """The people in scope for a list; first the satisfaction rollups the officer ratings
    are read from are brought up to date (this request's only write)."""
    refresh_rollups()
    db.session.commit()
    return queries.roster_in_scope(unit_id)


@blp.route("/hr/commendations", methods=["GET"])
@blp.arguments(PeriodQuery, location="query")
@blp.response(200, CommendationsOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.RESULTS_VIEW)
def list_commendations(args):
    """Commendation candidates of a period (default: the latest ended one), with evidence."""
    period, policy = _period(args["period_id"]), lists.Policy.from_config()
    entries = lists.commendation_candidates(period, _roster(args["unit_id"]), policy)
    lists.attach_cases(entries, period, CaseKind.COMMENDATION)
    return {"period": period, "entries": [entry_body(e, policy) for e in entries]}


@blp.route("/hr/reassignments", methods=["GET"])
@blp.arguments(PeriodQuery, location="query")
@blp.response(200, ReassignmentsOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.RESULTS_VIEW)
def list_reassignments(args):
    """Reassignment reviews of a period, with evidence; people only missing a result apart."""
    period, policy = _period(args["period_id"]), lists.Policy.from_config()
    reviews = lists.reassignment_reviews(period, _roster(args["unit_id"]), policy)
    lists.attach_cases(reviews.entries, period, CaseKind.REASSIGNMENT_REVIEW)
    return {
        "period": period,
        "entries": [entry_body(e, policy) for e in reviews.entries],
        "insufficient": [entry_body(e, policy) for e in reviews.insufficient],
    }


def _me() -> Account:
    return db.session.get(Account, current_user.account_id)


@blp.route("/hr/cases", methods=["POST"])
@blp.arguments(CaseIn)
@blp.response(201, CaseOut)
@blp.alt_response(200, schema=CaseOut, description="The case already existed.")
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.HR_DECIDE)
def open_case(body: dict[str, Any]):
    """Open (idempotently) the case of a person on a period's list; snapshots the evidence."""
    person = queries.person_or_404(body["person_id"], Perm.HR_DECIDE)
    period = db.session.get(Period, body["period_id"])
    if period is None:
        raise ApiError(404, "not_found", "Không có kỳ đánh giá này.")
    kind = CaseKind(body["kind"])
    entry = lists.entry_for(kind, period, person)
    if entry is None:
        raise ApiError(422, "not_listed", "Người này không có trong danh sách của kỳ.")
    lists.attach_cases([entry], period, kind)
    existed = entry.case is not None
    case = cases.open_case(person, period, kind, entry.evidence(lists.Policy.from_config()),
                           actor=_me())  # fmt: skip
    db.session.commit()
    return case_body(case), 200 if existed else 201


@blp.route("/hr/cases/<int:case_id>", methods=["GET"])
@blp.response(200, CaseOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.RESULTS_VIEW)
def get_case(case_id: int):
    """A case in the caller's scope: evidence snapshot and every decision."""
    return case_body(queries.case_or_404(case_id, Perm.RESULTS_VIEW))


@blp.route("/hr/cases/<int:case_id>/decisions", methods=["POST"])
@blp.arguments(DecisionIn)
@blp.response(201, DecisionOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.HR_DECIDE)
def post_decision(body: dict[str, Any], case_id: int):
    """Record the first decision, or supersede the current one (``supersedes_id``)."""
    case = queries.case_or_404(case_id, Perm.HR_DECIDE)
    unit = queries.unit_in_scope(body["new_unit_id"], Perm.HR_DECIDE)
    if body["new_unit_id"] and unit is None:
        message = "Đơn vị không có hoặc ngoài phạm vi của bạn."
        raise ApiError(422, "invalid_input", message, {"new_unit_id": message})
    data = cases.DecisionInput(
        decision=DecisionKind(body["decision"]), reason=body["reason"],
        decision_ref=body["decision_ref"], new_unit=unit, new_position=body["new_position"],
        effective_on=body["effective_on"],
    )  # fmt: skip
    try:
        decision = cases.decide(case, data, decider=_me(), supersedes_id=body["supersedes_id"])
    except cases.HrError as exc:
        db.session.rollback()
        code = "conflict" if exc.status == 409 else "invalid_input"
        message = str(exc.message)
        details = {exc.field: message} if exc.field else {}
        raise ApiError(exc.status, code, message, details) from exc
    db.session.commit()
    return decision_body(decision, set())


@blp.route("/hr/my-decisions", methods=["GET"])
@blp.response(200, DecisionOut(many=True))
@blp.alt_response(401, schema=ERRORS["401"])
@authenticated
def my_decisions():
    """Decisions about the caller's own staff profile (superseded ones included)."""
    person_id = current_user.person_id
    decisions = queries.decisions_about(person_id) if person_id else []
    superseded = {d.supersedes_id for d in decisions if d.supersedes_id}
    return [decision_body(d, superseded) for d in decisions]
