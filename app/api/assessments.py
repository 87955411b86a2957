"""Communication assessments: rounds (list, get, close, reopen), results and reliability.

Sheets live in :mod:`app.api.assessment_sheets`, rubrics in
:mod:`app.api.assessment_rubrics`; both register on this blueprint. Scope: managers
(ASSESS_MANAGE) reach the rounds whose organising unit is in their scope, assessors the
rounds they are assigned to and their own sheets; anything else answers 404.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from flask_login import current_user
from flask_smorest import Blueprint

from app.access import Perm, authenticated, requires
from app.api.assessment_schemas import (
    ReasonIn,
    ReliabilityOut,
    ResultsOut,
    RoundDetail,
    RoundSchema,
    reliability_body,
)
from app.api.schemas import ERRORS
from app.assessments import queries, services
from app.assessments.results import round_results
from app.errors import ApiError
from app.extensions import db

PREFIX = "/assessments"
blp = Blueprint("api_assessments", __name__, description="Đánh giá kỹ năng giao tiếp")


def assess_error(exc: services.AssessError) -> ApiError:
    """Roll back and turn a refused operation into the API's error shape."""
    db.session.rollback()
    return ApiError(exc.status, exc.code, exc.message, exc.details)


@contextlib.contextmanager
def assess_errors() -> Iterator[None]:
    """Run a service call; a refused operation rolls back and leaves as an ``ApiError``."""
    try:
        yield
    except services.AssessError as exc:
        raise assess_error(exc) from exc


@blp.route("/rounds", methods=["GET"])
@blp.response(200, RoundSchema(many=True))
@blp.alt_response(401, schema=ERRORS["401"])
@authenticated
def list_rounds():
    """Rounds the caller manages (ASSESS_MANAGE scope) or is assigned to as an assessor."""
    return queries.visible_rounds(current_user.account_id)


@blp.route("/rounds/<int:round_id>", methods=["GET"])
@blp.response(200, RoundDetail)
@blp.alt_response(404, schema=ERRORS["404"])
@authenticated
def get_round(round_id: int):
    """One round the caller manages or is assigned to, with its assessors."""
    found = [r for r in queries.visible_rounds(current_user.account_id) if r.id == round_id]
    if not found:
        raise ApiError(404, "not_found", "Không tìm thấy đợt đánh giá.")
    return found[0]


def _change_state(round_id: int, action, reason: str):
    rnd = queries.managed_round_or_404(round_id)
    with assess_errors():
        action(rnd, reason)
    db.session.commit()
    return rnd


@blp.route("/rounds/<int:round_id>/close", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, RoundSchema)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.ASSESS_MANAGE)
def close_round(body, round_id: int):
    """Close an open round: no new sheets or draft changes after it; audited."""
    return _change_state(round_id, services.close_round, body["reason"])


@blp.route("/rounds/<int:round_id>/reopen", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, RoundSchema)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.ASSESS_MANAGE)
def reopen_round(body, round_id: int):
    """Reopen a closed round; ``reason`` is required (422 without); audited."""
    return _change_state(round_id, services.reopen_round, body["reason"])


@blp.route("/rounds/<int:round_id>/reliability", methods=["GET"])
@blp.response(200, ReliabilityOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.ASSESS_MANAGE)
def get_reliability(round_id: int):
    """Per criterion: the six Shrout & Fleiss ICCs with 95 % CIs, Krippendorff's alpha
    (nominal, ordinal, interval) and a plain-language reading; "not computable" values
    are null with a reason."""
    rnd = queries.managed_round_or_404(round_id)
    return reliability_body(services.round_reliability(rnd))


@blp.route("/rounds/<int:round_id>/results", methods=["GET"])
@blp.response(200, ResultsOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.ASSESS_MANAGE)
def get_results(round_id: int):
    """Per officer: mean percentage, verdict, flagged criteria; reliability per criterion."""
    rnd = queries.managed_round_or_404(round_id)
    officers = [
        {
            "person_id": p.id,
            "full_name": p.full_name,
            "n_sheets": r.n_sheets,
            "percent": r.percent,
            "passed": r.passed,
            "flagged": r.flagged,
        }
        for p, r in round_results(rnd)
    ]
    reliability = reliability_body(services.round_reliability(rnd))
    return {"round_id": rnd.id, "officers": officers, "reliability": reliability}


# Route modules register themselves on ``blp``; keep these imports last.
from app.api import assessment_rubrics, assessment_sheets  # noqa: E402,F401
