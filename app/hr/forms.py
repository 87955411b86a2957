"""Forms of the HR pages: open a case from a list, record (or supersede) a decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, Optional

from app.forms import Form, length, required
from app.models import CaseKind


class OpenCaseForm(Form):
    person_id = IntegerField(validators=[required()])
    period_id = IntegerField(validators=[required()])
    kind = HiddenField(validators=[required(), AnyOf([k.value for k in CaseKind])])


class DecisionForm(Form):
    decision = SelectField(_l("Quyết định"), validators=[required()])
    reason = TextAreaField(_l("Lý do"), validators=[required(), length(2000)])
    decision_ref = StringField(_l("Số quyết định (nếu có)"), validators=[length(200)])
    new_unit_id = SelectField(
        _l("Đơn vị mới (khi bố trí công việc khác)"), coerce=int, validators=[Optional()]
    )
    new_position = StringField(_l("Vị trí việc làm mới"), validators=[length(200)])
    effective_on = DateField(_l("Có hiệu lực từ ngày"), validators=[Optional()])
    supersedes = HiddenField()
