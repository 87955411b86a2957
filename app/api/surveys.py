"""Survey management API: questionnaires, dossier registration, response export, counts.

``POST /api/v1/dossiers`` is for the one-stop software's service account (a bearer token
with ``dossiers.register``); units must lie in that account's scope. Exports contain
no identifying data by construction and are filtered by the caller's scope in SQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import Perm, requires, scope_clause
from app.api.schemas import ERRORS, BaseSchema, PageArgs, page_body, page_schema
from app.errors import ApiError
from app.extensions import db
from app.models import (
    Questionnaire,
    QuestionnaireVersion,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Unit,
)
from app.org.queries import paginate
from app.surveys import queries
from app.surveys import questionnaires as service
from app.surveys.definition import definition_of
from app.surveys.dossiers import register_dossiers
from app.surveys.masking import mask_personal_data

PREFIX = ""
blp = Blueprint(
    "api_surveys", __name__, description="Khảo sát sự hài lòng: phiếu, mã hồ sơ, dữ liệu"
)


class QuestionnaireVersionSchema(BaseSchema):
    id = fields.Integer()
    number = fields.Integer()
    state = fields.Function(lambda v: v.state.value)
    published_at = fields.DateTime(allow_none=True)


class QuestionnaireSchema(BaseSchema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    versions = fields.List(fields.Nested(QuestionnaireVersionSchema))


class DefinitionIn(BaseSchema):
    definition = fields.Dict(required=True)
    publish = fields.Boolean(load_default=False)


class DossierRow(BaseSchema):
    code = fields.String(required=True, validate=validate.Length(1, 60))
    unit_code = fields.String(required=True, validate=validate.Length(1, 40))
    procedure = fields.String(load_default="", validate=validate.Length(0, 300))
    officer_code = fields.String(load_default=None, allow_none=True)
    received_on = fields.Date(load_default=None, allow_none=True)
    due_on = fields.Date(load_default=None, allow_none=True)
    returned_on = fields.Date(load_default=None, allow_none=True)


class DossiersIn(BaseSchema):
    dossiers = fields.List(
        fields.Nested(DossierRow), required=True, validate=validate.Length(1, 5000)
    )


class DossiersOut(BaseSchema):
    created = fields.Integer()
    existing = fields.List(fields.String())


class ResponseArgs(PageArgs):
    verified_only = fields.Boolean(load_default=False)
    include_flagged = fields.Boolean(load_default=False)
    since = fields.Date(load_default=None)


class ResponseRow(BaseSchema):
    id = fields.String()
    version_id = fields.Integer()
    channel_kind = fields.Function(lambda r: r.channel_kind.value)
    unit_id = fields.Integer()
    officer_id = fields.Integer(allow_none=True)
    day = fields.Date()
    verified = fields.Boolean()
    flagged = fields.Boolean()
    answers = fields.Function(lambda r: _answers(r))


ResponsePage = page_schema(ResponseRow, "SurveyResponsePage")


def _answers(response) -> dict:
    keys = dict(
        db.session.execute(
            sa.select(SurveyQuestion.id, SurveyQuestion.key).where(
                SurveyQuestion.version_id == response.version_id
            )
        ).all()
    )
    out: dict = {}
    for a in db.session.scalars(
        sa.select(SurveyAnswer).where(SurveyAnswer.response_id == response.id)
    ):
        key = keys.get(a.question_id, str(a.question_id))
        if a.text is not None:
            out[key] = mask_personal_data(a.text)
        elif a.number is not None:
            out[key] = a.number
        else:
            out.setdefault(key, []).append(a.choice)
    return out


@blp.route("/questionnaires", methods=["GET"])
@blp.response(200, QuestionnaireSchema(many=True))
@requires(Perm.SURVEYS_VIEW)
def list_questionnaires():
    return list(db.session.scalars(sa.select(Questionnaire).order_by(Questionnaire.code)))


class VersionOut(BaseSchema):
    id = fields.Integer()
    number = fields.Integer()
    state = fields.String()
    definition = fields.Dict(metadata={"description": "as in question_bank/questionnaires"})


@blp.route("/questionnaires/versions/<int:version_id>", methods=["GET"])
@blp.alt_response(200, schema=VersionOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.SURVEYS_VIEW)
def get_version(version_id: int):
    """A version's definition, in the format of ``question_bank/questionnaires``."""
    version = db.session.get(QuestionnaireVersion, version_id) or abort(404)
    return {
        "id": version.id,
        "number": version.number,
        "state": version.state.value,
        "definition": definition_of(version),
    }


@blp.route("/questionnaires", methods=["POST"])
@blp.arguments(DefinitionIn)
@blp.response(201, QuestionnaireVersionSchema)
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.SURVEYS_MANAGE)
def import_questionnaire(body):
    """Create a questionnaire, or a new version when the definition changed."""
    try:
        version = service.import_questionnaire(body["definition"], publish=body["publish"])
    except service.QuestionnaireError as exc:
        db.session.rollback()
        raise ApiError(
            422, "invalid_definition", "Phiếu không hợp lệ.", {"errors": exc.errors}
        ) from exc
    db.session.commit()
    return version


@blp.route("/questionnaires/versions/<int:version_id>/publish", methods=["POST"])
@blp.response(200, QuestionnaireVersionSchema)
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.SURVEYS_MANAGE)
def publish_version(version_id: int):
    version = db.session.get(QuestionnaireVersion, version_id) or abort(404)
    try:
        service.publish_version(version)
    except service.QuestionnaireError as exc:
        raise ApiError(409, "not_draft", str(exc)) from exc
    db.session.commit()
    return version


@blp.route("/dossiers", methods=["POST"])
@blp.arguments(DossiersIn)
@blp.response(201, DossiersOut)
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.DOSSIERS_REGISTER)
def register(body):
    """Register dossier codes in bulk (all or nothing); known codes are listed, not errors."""
    rows = body["dossiers"]
    codes = {r["unit_code"].upper() for r in rows}
    units = {
        u.code: u
        for u in db.session.scalars(
            sa.select(Unit).where(
                Unit.code.in_(codes), scope_clause(Perm.DOSSIERS_REGISTER, Unit.path)
            )
        )
    }
    report = register_dossiers(rows, units)
    if report.errors:
        db.session.rollback()
        raise ApiError(
            422, "invalid_dossiers", "Có mã hồ sơ không hợp lệ.", {"rows": report.errors}
        )
    db.session.commit()
    return {"created": report.created, "existing": report.existing}


@blp.route("/surveys/responses", methods=["GET"])
@blp.arguments(ResponseArgs, location="query")
@blp.response(200, ResponsePage)
@requires(Perm.SURVEYS_VIEW)
def export_responses(args):
    """Responses in scope (free text masked); ``verified_only`` keeps dossier-code ones."""
    stmt = queries.responses_in_scope(
        verified_only=args["verified_only"],
        include_flagged=args["include_flagged"],
        since=args["since"],
    ).order_by(SurveyResponse.day.desc(), SurveyResponse.id)
    return page_body(paginate(stmt, args["page"], args["per_page"]))


class UnitCounts(BaseSchema):
    unit_id = fields.Integer()
    unit = fields.String()
    total = fields.Integer()
    verified = fields.Integer()
    flagged = fields.Integer()
    kiosk = fields.Integer()
    qr = fields.Integer()
    dossier = fields.Integer()
    paper = fields.Integer()


class OverviewOut(BaseSchema):
    units = fields.List(fields.Nested(UnitCounts))
    scope = fields.List(fields.String(), metadata={"description": "unit paths in scope"})


@blp.route("/surveys/overview", methods=["GET"])
@blp.response(200, OverviewOut)
@requires(Perm.SURVEYS_VIEW)
def overview():
    """Response counts per unit in scope."""
    rows = queries.counts_by_unit()
    keys = ("total", "verified", "flagged", "kiosk", "qr", "dossier", "paper")
    units = [
        {"unit_id": r[0].id, "unit": r[0].name, **{k: int(getattr(r, k) or 0) for k in keys}}
        for r in rows
    ]
    return {"units": units, "scope": list(current_user.scope_paths(Perm.SURVEYS_VIEW))}
