"""Forms of the administration screens."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField

from app.access import ROLE_LABELS
from app.forms import Form, length, required


class AccountForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[required(), length(80, 2)])
    display_name = StringField(_l("Tên hiển thị"), validators=[length(200)])
    submit = SubmitField(_l("Tạo tài khoản"))


class GrantForm(Form):
    role = SelectField(
        _l("Vai trò"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    unit_id = SelectField(_l("Phạm vi đơn vị"), coerce=int)
    submit = SubmitField(_l("Phân quyền"))
