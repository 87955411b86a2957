"""Units: the administrative tree, read within scope, managed by administrators."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import Perm, requires, scope_clause
from app.api.schemas import ERRORS, BaseSchema
from app.errors import ApiError
from app.extensions import db
from app.models import Unit
from app.org import services

PREFIX = "/units"
blp = Blueprint("api_units", __name__, description="Đơn vị hành chính (cây nhiều cấp)")


class UnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(1, 40))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(load_default="", validate=validate.Length(0, 60))
    parent_id = fields.Integer(allow_none=True, load_default=None)
    path = fields.String(dump_only=True)
    depth = fields.Integer(dump_only=True)
    active = fields.Boolean(dump_only=True)


class UnitPatch(BaseSchema):
    name = fields.String(validate=validate.Length(1, 200))
    kind = fields.String(validate=validate.Length(0, 60))
    parent_id = fields.Integer()
    active = fields.Boolean()


def _scoped(unit_id: int, perm: Perm) -> Unit:
    unit = db.session.scalar(
        sa.select(Unit).where(Unit.id == unit_id, scope_clause(perm, Unit.path))
    )
    if unit is None:
        abort(404)
    return unit


@blp.route("", methods=["GET"])
@blp.response(200, UnitSchema(many=True))
@blp.alt_response(401, schema=ERRORS["401"])
@requires(Perm.UNITS_VIEW)
def list_units():
    """Units inside the caller's scope, in tree (path) order."""
    stmt = sa.select(Unit).where(scope_clause(Perm.UNITS_VIEW, Unit.path)).order_by(Unit.path)
    return list(db.session.scalars(stmt))


@blp.route("/<int:unit_id>", methods=["GET"])
@blp.response(200, UnitSchema)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.UNITS_VIEW)
def get_unit(unit_id: int):
    return _scoped(unit_id, Perm.UNITS_VIEW)


@blp.route("", methods=["POST"])
@blp.arguments(UnitSchema)
@blp.response(201, UnitSchema)
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.UNITS_MANAGE)
def create_unit(body):
    """Create a unit under ``parent_id`` (which must be inside the caller's scope)."""
    if body["parent_id"] is None:
        abort(403)  # new roots only from the CLI
    parent = _scoped(body["parent_id"], Perm.UNITS_MANAGE)
    try:
        unit = services.create_unit(body["code"], body["name"], body["kind"], parent)
    except services.OrgError as exc:
        raise ApiError(409, "duplicate", str(exc)) from exc
    db.session.commit()
    return unit


@blp.route("/<int:unit_id>", methods=["PATCH"])
@blp.arguments(UnitPatch)
@blp.response(200, UnitSchema)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.UNITS_MANAGE)
def update_unit(body, unit_id: int):
    """Rename, move (no cycles) or (de)activate a unit."""
    unit = _scoped(unit_id, Perm.UNITS_MANAGE)
    try:
        if "name" in body or "kind" in body:
            services.rename_unit(unit, body.get("name", unit.name), body.get("kind"))
        if "parent_id" in body and body["parent_id"] != unit.parent_id:
            services.move_unit(unit, _scoped(body["parent_id"], Perm.UNITS_MANAGE))
        if "active" in body and body["active"] != unit.active:
            services.set_unit_active(unit, body["active"])
    except services.OrgError as exc:
        db.session.rollback()
        raise ApiError(409, "conflict", str(exc)) from exc
    db.session.commit()
    return db.session.get(Unit, unit_id)
