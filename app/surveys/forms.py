"""Forms of the staff survey pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FileField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from app.forms import Form, length, required

KIND_LABELS = {
    "kiosk": _l("Máy khảo sát tại quầy"),
    "qr": _l("Mã QR"),
    "paper": _l("Phiếu giấy"),
    "dossier": _l("Mã hồ sơ"),
}
FEEDBACK_STATE_LABELS = {
    "received": _l("Mới nhận"),
    "in_progress": _l("Đang xử lý"),
    "answered": _l("Đã trả lời"),
}


class ChannelForm(Form):
    kind = SelectField(
        _l("Loại kênh"), choices=[(k, KIND_LABELS[k]) for k in ("kiosk", "qr", "paper")]
    )
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    questionnaire_id = SelectField(_l("Phiếu khảo sát"), coerce=int)
    counter = StringField(_l("Quầy (không bắt buộc)"), validators=[length(60)])
    officer_id = SelectField(_l("Công chức được đánh giá (mã QR riêng)"), coerce=int)
    label = StringField(_l("Ghi chú"), validators=[length(200)])
    submit = SubmitField(_l("Tạo kênh"))


class DutyForm(Form):
    person_id = SelectField(_l("Công chức trực quầy"), coerce=int)
    submit = SubmitField(_l("Bắt đầu ca trực"))


class FeedbackMoveForm(Form):
    state = SelectField(
        _l("Chuyển sang"),
        choices=[
            ("in_progress", FEEDBACK_STATE_LABELS["in_progress"]),
            ("answered", FEEDBACK_STATE_LABELS["answered"]),
        ],
    )
    answer = TextAreaField(_l("Nội dung trả lời"), validators=[Optional(), length(4000)])
    submit = SubmitField(_l("Lưu"))


class DraftForm(Form):
    definition = TextAreaField(_l("Nội dung phiếu (YAML)"), validators=[required()])
    submit = SubmitField(_l("Lưu bản nháp"))


class PaperBatchForm(Form):
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    collected_on = StringField(
        _l("Ngày thu phiếu (dd/mm/yyyy)"), validators=[required(), length(10)]
    )
    submit = SubmitField(_l("Bắt đầu nhập"))


class DossierUploadForm(Form):
    unit_id = SelectField(_l("Đơn vị (cho các dòng không ghi mã đơn vị)"), coerce=int)
    file = FileField(_l("Tệp mã hồ sơ (.csv hoặc .xlsx)"), validators=[required()])
    submit = SubmitField(_l("Xem trước"))
