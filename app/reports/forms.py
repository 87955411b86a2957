"""The report form: which period and unit, and the header fields of the document."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import NumberRange, ValidationError

from app.forms import Form, length, required

KIND_LABELS = {
    "quarter": _l("Quý"),
    "half": _l("6 tháng"),
    "nine_months": _l("9 tháng"),
    "year": _l("Năm"),
}
NUMBER_LIMITS = {"quarter": 4, "half": 2}


class ReportForm(Form):
    kind = SelectField(_l("Kỳ báo cáo"), choices=list(KIND_LABELS.items()))
    year = IntegerField(_l("Năm"), validators=[required(), NumberRange(2000, 2100)])
    number = IntegerField(
        _l("Quý thứ (1–4) hoặc 6 tháng đầu (1) / cuối (2)"),
        default=1,
        validators=[required(), NumberRange(1, 4)],
    )
    unit = SelectField(_l("Đơn vị (gồm các đơn vị trực thuộc)"), coerce=int)
    issuing_parent = StringField(_l("Cơ quan chủ quản"), validators=[length(200)])
    issuing_body = StringField(_l("Cơ quan ban hành"), validators=[required(), length(200)])
    report_number = StringField(_l("Số, ký hiệu (ví dụ 15/BC-SNV)"), validators=[length(60)])
    place = StringField(_l("Địa danh"), validators=[length(100)])
    signer_title = StringField(_l("Chức vụ người ký"), validators=[length(200)])
    signer_name = StringField(_l("Họ và tên người ký"), validators=[length(200)])
    submit = SubmitField(_l("Tạo báo cáo (DOCX)"))

    def validate_number(self, field) -> None:
        limit = NUMBER_LIMITS.get(self.kind.data, 1)
        if field.data is not None and field.data > limit:
            raise ValidationError(_l("Kỳ này chỉ có số thứ tự từ 1 đến %(n)d.", n=limit))

    def header(self) -> dict[str, str]:
        """The ReportData header fields typed in the form."""
        return {
            "issuing_parent": self.issuing_parent.data or "",
            "issuing_body": self.issuing_body.data or "",
            "doc_number": self.report_number.data or "",
            "place": self.place.data or "",
            "signer_title": self.signer_title.data or "",
            "signer_name": self.signer_name.data or "",
        }
