"""Form base class: every text field is NFC-normalised and trimmed on the way in.

All forms inherit CSRF protection from Flask-WTF. Vietnamese validation messages come
from the validators used here (``required``, ``length``) rather than WTForms' English.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import validators
from wtforms.fields import StringField, TextAreaField

from app.text import nfc


def _nfc_filter(value):
    return nfc(value) if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
                filters = list(unbound_field.kwargs.get("filters", ()))
                options["filters"] = [_nfc_filter, *filters]
            return super().bind_field(form, unbound_field, options)


def required(message=None):
    return validators.InputRequired(message=message or _l("Vui lòng nhập thông tin này."))


def length(max_len: int, min_len: int = 0):
    return validators.Length(
        min=min_len,
        max=max_len,
        message=_l("Độ dài phải từ %(min)d đến %(max)d ký tự.", min=min_len, max=max_len),
    )
