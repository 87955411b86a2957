"""Shared API schemas: NFC on every incoming string, the error shape, pagination."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validates_schema

from app.text import nfc


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value


INT_LIMIT = 2**63 - 1  # the largest id or count the database holds (BIGINT)


class BaseSchema(Schema):
    """Every input schema derives from this: strings are NFC-normalised before validation,
    integers beyond what the database holds are refused (422, not a 500 from the driver)."""

    @pre_load
    def _nfc(self, data: Any, **_kw: Any) -> Any:
        return _normalise(data)

    @validates_schema
    def _integers_fit(self, data: dict[str, Any], **_kw: Any) -> None:
        too_large = {
            name: [str(_l("Số quá lớn."))]
            for name, field in self.load_fields.items()
            if isinstance(field, fields.Integer)
            and isinstance(value := data.get(field.attribute or name), int)
            and abs(value) > INT_LIMIT
        }
        if too_large:
            raise ValidationError(too_large)


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorResponse(Schema):
    error = fields.Nested(ErrorBody, required=True)


class PageArgs(BaseSchema):
    page = fields.Integer(load_default=1, validate=lambda n: n >= 1)
    per_page = fields.Integer(load_default=50, validate=lambda n: 1 <= n <= 500)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A schema for ``{"items": [...], "page", "pages", "total"}`` of ``item``."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
        name=name,
    )


def page_body(pagination) -> dict[str, Any]:
    return {
        "items": pagination.items,
        "page": pagination.page,
        "pages": pagination.pages,
        "total": pagination.total,
    }


ERRORS = {
    "400": ErrorResponse,
    "401": ErrorResponse,
    "403": ErrorResponse,
    "404": ErrorResponse,
    "409": ErrorResponse,
    "413": ErrorResponse,
    "422": ErrorResponse,
    "429": ErrorResponse,
}
