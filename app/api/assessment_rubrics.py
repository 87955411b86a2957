"""Rubrics: list, get with versions, create a draft, edit (a frozen version gets n+1), and
the four-eyes review moves (submit, approve, return, retire).

Rubrics are province-wide like the question bank: permissions are checked, no unit scope
applies. Reading needs BANK_VIEW or ASSESS_MANAGE (HR chooses rubrics for rounds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

from app.access import Perm, authenticated, requires
from app.api.assessment_schemas import (
    NoteIn,
    RubricDetail,
    RubricIn,
    RubricSummary,
    RubricVersionOut,
)
from app.api.assessments import blp
from app.api.schemas import ERRORS
from app.assessments import queries
from app.assessments import rubric_editing as editing
from app.errors import ApiError
from app.extensions import db
from app.models import Account, RubricVersion


def _may_read() -> None:
    if not any(current_user.can(p) for p in (Perm.BANK_VIEW, Perm.ASSESS_MANAGE)):
        abort(403)


def _invalid(exc: editing.RubricError) -> ApiError:
    db.session.rollback()
    return ApiError(422, "invalid_input", str(exc), {"errors": exc.errors})


@blp.route("/rubrics", methods=["GET"])
@blp.response(200, RubricSummary(many=True))
@blp.alt_response(403, schema=ERRORS["403"])
@authenticated
def list_rubrics():
    """Every rubric with its latest version's id, number and state."""
    _may_read()
    return queries.rubrics()


@blp.route("/rubrics/<int:rubric_id>", methods=["GET"])
@blp.response(200, RubricDetail)
@blp.alt_response(403, schema=ERRORS["403"])
@blp.alt_response(404, schema=ERRORS["404"])
@authenticated
def get_rubric(rubric_id: int):
    """A rubric with all its versions (criteria, levels, policy, state, author, reviewer)."""
    _may_read()
    return queries.rubric_or_404(rubric_id)


@blp.route("/rubrics", methods=["POST"])
@blp.arguments(RubricIn)
@blp.response(201, RubricDetail)
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_EDIT)
def create_rubric(body: dict[str, Any]):
    """A new rubric (``code`` required) whose version 1 is a draft by the caller."""
    if not body.get("code"):
        raise ApiError(422, "invalid_input", "Thiếu mã phiếu (code).", {"code": ["required"]})
    try:
        version = editing.create_rubric(body, db.session.get(Account, current_user.account_id))
    except editing.RubricError as exc:
        raise _invalid(exc) from exc
    db.session.commit()
    return version.rubric


@blp.route("/rubrics/<int:rubric_id>", methods=["PUT"])
@blp.arguments(RubricIn)
@blp.response(200, RubricDetail)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_EDIT)
def put_rubric(body: dict[str, Any], rubric_id: int):
    """New content: edits the caller's never-used draft in place, else adds version n+1
    (a draft); approved, retired and used versions never change. 422 while in review."""
    rubric = queries.rubric_or_404(rubric_id)
    try:
        editing.edit_rubric(rubric, body, db.session.get(Account, current_user.account_id))
    except editing.RubricError as exc:
        raise _invalid(exc) from exc
    db.session.commit()
    return rubric


def _review(version_id: int, action: Callable[[RubricVersion], None]) -> RubricVersion:
    version = queries.rubric_version_or_404(version_id)
    try:
        action(version)
    except editing.ReviewError as exc:
        db.session.rollback()
        raise ApiError(409, "review_refused", str(exc)) from exc
    db.session.commit()
    return version


def _note_required(body: dict, what: str) -> str:
    note = body["note"].strip()
    if not note:
        raise ApiError(422, "invalid_input", what, {"note": [what]})
    return note


@blp.route("/rubric-versions/<int:version_id>/submit", methods=["POST"])
@blp.arguments(NoteIn)
@blp.response(200, RubricVersionOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.BANK_EDIT)
def submit_rubric_version(body, version_id: int):
    """Hand a draft to the reviewers."""
    return _review(version_id, editing.submit_rubric)


@blp.route("/rubric-versions/<int:version_id>/approve", methods=["POST"])
@blp.arguments(NoteIn)
@blp.response(200, RubricVersionOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.BANK_REVIEW)
def approve_rubric_version(body, version_id: int):
    """Approve a version in review (409 ``review_refused`` if the caller wrote it)."""
    me = current_user.account_id
    return _review(version_id, lambda v: editing.approve_rubric(v, me, body["note"]))


@blp.route("/rubric-versions/<int:version_id>/return", methods=["POST"])
@blp.arguments(NoteIn)
@blp.response(200, RubricVersionOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_REVIEW)
def return_rubric_version(body, version_id: int):
    """Send a version in review back to its author; ``note`` (the reason) is required."""
    note = _note_required(body, "Vui lòng ghi lý do trả lại.")
    me = current_user.account_id
    return _review(version_id, lambda v: editing.return_rubric(v, me, note))


@blp.route("/rubric-versions/<int:version_id>/retire", methods=["POST"])
@blp.arguments(NoteIn)
@blp.response(200, RubricVersionOut)
@blp.alt_response(403, schema=ERRORS["403"])
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_VIEW)
def retire_rubric_version(body, version_id: int):
    """No new round may use the version (authors and reviewers); ``note`` is required."""
    if not (current_user.can(Perm.BANK_EDIT) or current_user.can(Perm.BANK_REVIEW)):
        abort(403)
    note = _note_required(body, "Vui lòng ghi lý do ngừng sử dụng.")
    return _review(version_id, lambda v: editing.retire_rubric(v, note))
