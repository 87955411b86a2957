"""Forms of the assessment pages: open a round, assign assessors, declare conflicts, a sheet.

The sheet's per-criterion radios and notes are not WTForms fields (the criteria come from
the rubric version): the route reads ``score-<key>`` and ``note-<key>`` from the request,
and the service validates every level against the rubric.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.exams.forms import LocalDateTimeField
from app.forms import Form, length, required
from app.models import Method

METHOD_LABELS = {
    Method.LIVE.value: _l("Quan sát trực tiếp tại quầy"),
    Method.ROLE_PLAY.value: _l("Đóng vai theo tình huống"),
    Method.MYSTERY_SHOPPER.value: _l("Khách hàng bí mật"),
    Method.CAMERA.value: _l("Xem lại camera"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(Form):
    title = StringField(_l("Tên đợt đánh giá"), validators=[required(), length(300, 1)])
    period = SelectField(_l("Kỳ đánh giá"), coerce=int)
    version = SelectField(_l("Phiếu đánh giá (bộ tiêu chí)"), coerce=int)
    owner = SelectField(_l("Đơn vị tổ chức"), coerce=int)
    units = SelectMultipleField(
        _l("Các đơn vị được đánh giá"),
        coerce=int,
        validators=[InputRequired(_l("Chọn ít nhất một đơn vị."))],
    )
    methods = MultiCheckboxField(
        _l("Hình thức đánh giá"),
        choices=list(METHOD_LABELS.items()),
        validators=[InputRequired(_l("Chọn ít nhất một hình thức."))],
    )
    calibration = BooleanField(
        _l("Đợt hiệu chuẩn: các đánh giá viên cùng chấm một tình huống dựng sẵn hoặc ghi hình")
    )


class AssignForm(Form):
    account = SelectField(_l("Đánh giá viên"), coerce=int)
    unit = SelectField(_l("Phụ trách đơn vị"), coerce=int)


class ConflictForm(Form):
    """The person comes from a search (``?q=``), never from a list of everyone."""

    account = SelectField(_l("Đánh giá viên"), coerce=int)
    person = RadioField(
        _l("Cán bộ"), coerce=int, validators=[InputRequired(_l("Tìm và chọn một cán bộ."))]
    )
    reason = StringField(_l("Lý do (quan hệ gia đình, cấp trên trực tiếp…)"), [length(1000)])


class SheetForm(Form):
    client_key = HiddenField()
    method = SelectField(_l("Hình thức"), choices=[])
    scenario = StringField(_l("Tình huống / kịch bản"), validators=[Optional(), length(300)])
    camera_ref = StringField(_l("Camera (mã, vị trí)"), validators=[Optional(), length(300)])
    camera_at = LocalDateTimeField(_l("Ngày giờ đoạn ghi hình (dd/mm/yyyy HH:MM)"), [Optional()])
    camera_notes = TextAreaField(_l("Ghi chú về đoạn ghi hình"), validators=[Optional()])


class CorrectForm(Form):
    reason = StringField(_l("Lý do sửa phiếu"), validators=[required(), length(1000, 1)])


class ReasonForm(Form):
    """Close (reason optional) or reopen (reason required, checked by the service) a round."""

    reason = StringField(_l("Lý do"), validators=[Optional(), length(1000)])
