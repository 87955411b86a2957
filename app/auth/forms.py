"""Forms of the sign-in pages."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo

from app.forms import Form, length, required


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[required(), length(80)])
    password = PasswordField(_l("Mật khẩu"), validators=[required(), length(200)])
    submit = SubmitField(_l("Đăng nhập"))


class ChangePasswordForm(Form):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[required()])
    new = PasswordField(_l("Mật khẩu mới"), validators=[required(), length(200, 8)])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[required(), EqualTo("new", message=_l("Hai mật khẩu không khớp."))],
    )
    submit = SubmitField(_l("Đổi mật khẩu"))


class SetupCodeForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[required(), length(80)])
    code = StringField(_l("Mã kích hoạt"), validators=[required(), length(40)])
    new = PasswordField(_l("Mật khẩu mới"), validators=[required(), length(200, 8)])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[required(), EqualTo("new", message=_l("Hai mật khẩu không khớp."))],
    )
    submit = SubmitField(_l("Đặt mật khẩu"))
