"""Form base class: every text field is NFC-normalised and trimmed on the way in.

All forms inherit CSRF protection from Flask-WTF. Vietnamese validation messages come
from the validators used here (``required``, ``length``) rather than WTForms' English.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import validators
from wtforms.fields import StringField, TextAreaField

from app.text import nfc

# WTForms ships no Vietnamese catalogue; these are the built-in messages our fields can show.
_WTFORMS_VI = {
    "This field is required.": "Vui lòng nhập thông tin này.",
    "Not a valid date value.": "Ngày không hợp lệ (dd/mm/yyyy).",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Invalid input.": "Dữ liệu không hợp lệ.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Hai giá trị không khớp.",
    "Number must be between %(min)s and %(max)s.": "Số phải nằm trong khoảng %(min)s đến %(max)s.",
    "Number must be at least %(min)s.": "Số phải lớn hơn hoặc bằng %(min)s.",
    "Number must be at most %(max)s.": "Số phải nhỏ hơn hoặc bằng %(max)s.",
}


class _Translations:
    """WTForms' translations hook: Vietnamese for the built-in messages, else unchanged."""

    def gettext(self, string: str) -> str:
        if str(get_locale()) == "vi":
            return _WTFORMS_VI.get(string, string)
        return string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


_TRANSLATIONS = _Translations()


def _nfc_filter(value):
    return nfc(value) if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
                filters = list(unbound_field.kwargs.get("filters", ()))
                options["filters"] = [_nfc_filter, *filters]
            return super().bind_field(form, unbound_field, options)

        def get_translations(self, form):
            return _TRANSLATIONS


def required(message=None):
    return validators.InputRequired(message=message or _l("Vui lòng nhập thông tin này."))


def length(max_len: int, min_len: int = 0):
    return validators.Length(
        min=min_len,
        max=max_len,
        message=_l("Độ dài phải từ %(min)d đến %(max)d ký tự.", min=min_len, max=max_len),
    )
