"""Forms for units and people."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FileField, SelectField, StringField, SubmitField
from wtforms.validators import Optional

from app.forms import Form, length, required
from app.models import PersonStatus

STATUS_LABELS = {
    PersonStatus.ACTIVE: _l("Đang công tác"),
    PersonStatus.ON_LEAVE: _l("Nghỉ phép"),
    PersonStatus.TRANSFERRED: _l("Đã chuyển công tác"),
    PersonStatus.RETIRED: _l("Nghỉ hưu"),
}


class UnitForm(Form):
    code = StringField(_l("Mã đơn vị"), validators=[required(), length(40)])
    name = StringField(_l("Tên đơn vị"), validators=[required(), length(200)])
    kind = StringField(_l("Cấp / loại đơn vị"), validators=[length(60)])
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Lưu"))


class UnitEditForm(Form):
    name = StringField(_l("Tên đơn vị"), validators=[required(), length(200)])
    kind = StringField(_l("Cấp / loại đơn vị"), validators=[length(60)])
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=int)
    submit = SubmitField(_l("Lưu"))


class PersonForm(Form):
    full_name = StringField(_l("Họ và tên"), validators=[required(), length(200)])
    staff_code = StringField(_l("Mã cán bộ"), validators=[length(40)])
    date_of_birth = DateField(_l("Ngày sinh"), validators=[Optional()])
    position = StringField(_l("Chức vụ / vị trí việc làm"), validators=[length(200)])
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    status = SelectField(
        _l("Trạng thái"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()]
    )
    submit = SubmitField(_l("Lưu"))


class ReassignForm(Form):
    unit_id = SelectField(_l("Đơn vị mới"), coerce=int)
    position = StringField(_l("Vị trí mới"), validators=[required(), length(200)])
    on = DateField(_l("Từ ngày"), validators=[required()])
    reason = StringField(_l("Lý do"), validators=[required(), length(500)])
    decision_ref = StringField(_l("Số quyết định"), validators=[length(200)])
    submit = SubmitField(_l("Điều động"))


class ImportForm(Form):
    file = FileField(_l("Tệp danh sách (.xlsx hoặc .csv)"), validators=[required()])
    submit = SubmitField(_l("Xem trước"))
