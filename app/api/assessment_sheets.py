"""Scoring sheets: create or update a draft (idempotent by ``client_key``), update by id,
submit, and revise a submitted sheet with a reason (a new audited revision).

``POST /sheets`` is idempotent by ``client_key``: the tablet may resend a queued draft or
submit any number of times after a lost connection and exactly one sheet is stored.
Only the assessor's own sheets, in rounds they are assigned to, are reachable (else 404).
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from app.access import Perm, requires
from app.api.assessment_schemas import ReviseIn, SheetIn, SheetOut, SheetUpdateIn
from app.api.assessments import assess_errors, blp
from app.api.schemas import ERRORS
from app.assessments import queries, services
from app.extensions import db
from app.models import Account, SheetState


def _me() -> Account:
    return db.session.get(Account, current_user.account_id)


@blp.route("/sheets", methods=["POST"])
@blp.arguments(SheetIn)
@blp.response(200, SheetOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.ASSESS)
def post_sheet(body: dict[str, Any]):
    """Save a draft (``submit`` false) or save and submit; a repeated ``client_key`` is a no-op
    on a submitted sheet and an update of the same draft otherwise."""
    me = _me()
    rnd = queries.assigned_round_or_404(body["round_id"], me.id)
    person = queries.person_to_score_or_404(rnd.id, me.id, body["person_id"])
    with assess_errors():
        sheet = services.save_draft(
            rnd, me, person, body["method"], body["scenario"],
            client_key=body["client_key"], scores=body["scores"], notes=body["notes"],
        )  # fmt: skip
        if body["submit"] and sheet.state is SheetState.DRAFT:
            services.submit_sheet(sheet)
    db.session.commit()
    return sheet


@blp.route("/sheets/<int:sheet_id>", methods=["GET"])
@blp.response(200, SheetOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.ASSESS)
def get_sheet(sheet_id: int):
    """One of the caller's sheets (any revision)."""
    return queries.own_sheet_or_404(sheet_id, current_user.account_id)


@blp.route("/sheets/<int:sheet_id>", methods=["PUT"])
@blp.arguments(SheetUpdateIn)
@blp.response(200, SheetOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.ASSESS)
def put_sheet(body: dict[str, Any], sheet_id: int):
    """Replace a draft's scores and notes (and method or scenario); 409 once submitted."""
    sheet = queries.own_sheet_or_404(sheet_id, current_user.account_id)
    method = body.get("method") or sheet.method.value
    scenario = body.get("scenario", sheet.scenario)
    with assess_errors():
        services.update_draft(sheet, method, scenario, body["scores"], body["notes"])
    db.session.commit()
    return sheet


@blp.route("/sheets/<int:sheet_id>/submit", methods=["POST"])
@blp.response(200, SheetOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.ASSESS)
def submit_sheet(sheet_id: int):
    """Lock a complete draft (422 ``incomplete`` lists the missing criteria; 409 twice)."""
    sheet = queries.own_sheet_or_404(sheet_id, current_user.account_id)
    with assess_errors():
        services.submit_sheet(sheet)
    db.session.commit()
    return sheet


@blp.route("/sheets/<int:sheet_id>/revise", methods=["POST"])
@blp.arguments(ReviseIn)
@blp.response(201, SheetOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.ASSESS)
def revise_sheet(body: dict[str, Any], sheet_id: int):
    """Correct a submitted, live sheet: a new submitted revision with ``reason``; the old
    one is kept and no longer counts. Audited (``assess.correct``) with the reason."""
    sheet = queries.own_sheet_or_404(sheet_id, current_user.account_id)
    with assess_errors():
        new = services.correct_sheet(sheet, body["scores"], body["notes"], body["reason"])
    db.session.commit()
    return new
