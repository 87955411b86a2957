"""Staff profiles with assignment history; every query filtered by the caller's scope."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import Perm, get_in_scope_or_404, requires
from app.api.schemas import ERRORS, BaseSchema, PageArgs, page_body, page_schema
from app.errors import ApiError
from app.extensions import db
from app.models import Person, PersonStatus, Unit
from app.org import services
from app.org.queries import paginate, people_query

PREFIX = "/staff"
blp = Blueprint("api_staff", __name__, description="Cán bộ, công chức và quá trình công tác")


class AssignmentSchema(BaseSchema):
    unit_id = fields.Integer()
    position = fields.String()
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    reason = fields.String()
    decision_ref = fields.String()


class PersonSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    full_name = fields.String(required=True, validate=validate.Length(1, 200))
    staff_code = fields.String(allow_none=True, load_default=None, validate=validate.Length(0, 40))
    date_of_birth = fields.Date(allow_none=True, load_default=None)
    position = fields.String(load_default="", validate=validate.Length(0, 200))
    unit_id = fields.Integer(required=True)
    status = fields.Enum(PersonStatus, by_value=True, load_default=PersonStatus.ACTIVE)


class PersonDetail(PersonSchema):
    assignments = fields.List(fields.Nested(AssignmentSchema), dump_only=True)


class PersonPatch(BaseSchema):
    full_name = fields.String(validate=validate.Length(1, 200))
    staff_code = fields.String(allow_none=True, validate=validate.Length(0, 40))
    date_of_birth = fields.Date(allow_none=True)
    status = fields.Enum(PersonStatus, by_value=True)


class StaffQuery(PageArgs):
    q = fields.String(load_default="", validate=validate.Length(0, 100))
    unit_id = fields.Integer(load_default=None)


PersonPage = page_schema(PersonSchema, "PersonPage")


@blp.route("", methods=["GET"])
@blp.arguments(StaffQuery, location="query")
@blp.response(200, PersonPage)
@requires(Perm.PEOPLE_VIEW)
def list_staff(args):
    """People in scope, sorted by given name; ``q`` ignores diacritics and case."""
    unit = db.session.get(Unit, args["unit_id"]) if args["unit_id"] else None
    stmt = people_query(Perm.PEOPLE_VIEW, q=args["q"], unit=unit)
    return page_body(paginate(stmt, args["page"], args["per_page"]))


@blp.route("/<int:person_id>", methods=["GET"])
@blp.response(200, PersonDetail)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.PEOPLE_VIEW)
def get_staff(person_id: int):
    return get_in_scope_or_404(Person, person_id, Perm.PEOPLE_VIEW, Unit.path)


@blp.route("", methods=["POST"])
@blp.arguments(PersonSchema)
@blp.response(201, PersonDetail)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.PEOPLE_MANAGE)
def create_staff(body):
    """Create a profile in a unit inside the caller's scope (404 otherwise)."""
    unit = db.session.get(Unit, body["unit_id"])
    if unit is None or not current_user.can(Perm.PEOPLE_MANAGE, unit):
        abort(404)
    data = services.PersonInput(
        full_name=body["full_name"],
        unit=unit,
        position=body["position"],
        staff_code=body["staff_code"],
        date_of_birth=body["date_of_birth"],
        status=body["status"],
    )
    try:
        person = services.create_person(data)
    except services.OrgError as exc:
        raise ApiError(409, "duplicate", str(exc)) from exc
    db.session.commit()
    return person


@blp.route("/<int:person_id>", methods=["PATCH"])
@blp.arguments(PersonPatch)
@blp.response(200, PersonDetail)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.PEOPLE_MANAGE)
def update_staff(body, person_id: int):
    """Edit identity fields; moving a person is a reassignment, not an edit."""
    person = get_in_scope_or_404(Person, person_id, Perm.PEOPLE_MANAGE, Unit.path)
    try:
        services.update_person(
            person,
            full_name=body.get("full_name", person.full_name),
            date_of_birth=body.get("date_of_birth", person.date_of_birth),
            status=body.get("status", person.status),
            staff_code=body.get("staff_code", person.staff_code),
        )
    except services.OrgError as exc:
        raise ApiError(409, "duplicate", str(exc)) from exc
    db.session.commit()
    return person
