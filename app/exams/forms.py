"""Forms of the exam management, proctor and paper-sitting screens.

Date-times are typed in Vietnam time (dd/mm/yyyy HH:MM) and come out as aware UTC values.
The blueprint editor is a list of row sub-forms; a row whose difficulty counts do not add
up to its question count gets its error next to the row, with the typed values kept.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FileField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.validators import NumberRange, Optional, Regexp, ValidationError

from app.forms import Form, length, required
from app.i18n import TZ
from app.models import AttemptState, ExamState, ReviewWhen

DATETIME_FORMAT = "%d/%m/%Y %H:%M"
REVIEW_WHEN_LABELS = {
    ReviewWhen.IMMEDIATELY: _l("Ngay sau khi nộp bài"),
    ReviewWhen.AFTER_CLOSE: _l("Sau khi kết thúc kỳ kiểm tra"),
    ReviewWhen.NEVER: _l("Không cho xem"),
}

EXAM_STATE_LABELS = {
    ExamState.DRAFT: _l("Nháp"),
    ExamState.PUBLISHED: _l("Đã công bố"),
    ExamState.CANCELLED: _l("Đã hủy"),
}
ATTEMPT_STATE_LABELS = {
    None: _l("Chưa bắt đầu"),
    AttemptState.IN_PROGRESS: _l("Đang làm"),
    AttemptState.FINISHED: _l("Đã nộp"),
    AttemptState.ABANDONED: _l("Hủy"),
}
FINISHED_BY_LABELS = {
    "person": _l("Người dự thi nộp"),
    "sweep": _l("Tự động khi hết giờ"),
    "proctor": _l("Giám thị thu bài"),
    "paper": _l("Thi trên giấy"),
}


class LocalDateTimeField(StringField):
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh; ``data`` is an aware UTC datetime (or None)."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, datetime):
            return self.data.astimezone(TZ).strftime(DATETIME_FORMAT)
        return ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        try:
            local = datetime.strptime(" ".join(text.split()), DATETIME_FORMAT)
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Thời điểm phải có dạng dd/mm/yyyy HH:MM.")) from exc
        self.data = local.replace(tzinfo=TZ).astimezone(UTC)


def _count_field(label: str) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=500)])


class BlueprintRowForm(SubForm):
    """One blueprint row: a topic, how many questions, optionally per difficulty."""

    topic = SelectField(_l("Chủ đề"), coerce=int, validate_choice=True)
    count = _count_field(_l("Số câu"))
    easy = _count_field(_l("Dễ"))
    medium = _count_field(_l("Trung bình"))
    hard = _count_field(_l("Khó"))

    def mix(self) -> dict[str, int] | None:
        cells = {"easy": self.easy.data, "medium": self.medium.data, "hard": self.hard.data}
        if all(v is None for v in cells.values()):
            return None
        return {k: v or 0 for k, v in cells.items()}

    def is_blank(self) -> bool:
        return not self.topic.data and self.count.data is None and self.mix() is None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.is_blank():
            return True
        if not self.topic.data:
            self.topic.errors.append(_l("Chọn chủ đề."))
        if self.count.data is None:
            self.count.errors.append(_l("Nhập số câu."))
            return False
        mix = self.mix()
        if mix is not None and sum(mix.values()) != self.count.data:
            self.count.errors.append(
                _l(
                    "Tổng số câu dễ, trung bình, khó (%(sum)d) phải bằng số câu (%(count)d).",
                    sum=sum(mix.values()),
                    count=self.count.data,
                )
            )
        return not (self.topic.errors or self.count.errors)


class ExamForm(Form):
    period = SelectField(_l("Kỳ đánh giá"))
    period_name = StringField(_l("Tên kỳ mới"), validators=[length(120)])
    period_start = StringField(_l("Kỳ mới từ ngày (dd/mm/yyyy)"), validators=[length(10)])
    period_end = StringField(_l("Kỳ mới đến ngày (dd/mm/yyyy)"), validators=[length(10)])
    title = StringField(_l("Tên bài kiểm tra"), validators=[required(), length(300)])
    unit_id = SelectField(_l("Đơn vị tổ chức"), coerce=int)
    target_unit_ids = SelectMultipleField(
        _l("Đơn vị dự kiểm tra (gồm cả đơn vị trực thuộc)"), coerce=int, render_kw={"size": 8}
    )
    target_positions = TextAreaField(
        _l("Chức danh dự kiểm tra (mỗi dòng một chức danh; để trống: mọi chức danh)"),
        validators=[length(4000)],
    )
    opens_at = LocalDateTimeField(_l("Mở lúc (dd/mm/yyyy HH:MM)"), validators=[required()])
    closes_at = LocalDateTimeField(_l("Đóng lúc (dd/mm/yyyy HH:MM)"), validators=[required()])
    time_limit_minutes = IntegerField(
        _l("Thời gian làm bài (phút)"), default=45, validators=[required(), NumberRange(1, 600)]
    )
    pass_percent = IntegerField(
        _l("Ngưỡng đạt (%)"), default=50, validators=[required(), NumberRange(1, 100)]
    )
    shuffle_questions = BooleanField(_l("Xáo trộn thứ tự câu hỏi"), default=True)
    shuffle_options = BooleanField(_l("Xáo trộn thứ tự phương án"), default=True)
    navigation = SelectField(
        _l("Di chuyển giữa các câu"),
        choices=[("free", _l("Tự do")), ("sequential", _l("Tuần tự, không quay lại"))],
    )
    layout = SelectField(
        _l("Trình bày"),
        choices=[("one", _l("Mỗi trang một câu")), ("all", _l("Tất cả trên một trang"))],
    )
    review_when = SelectField(
        _l("Người dự thi được xem kết quả"),
        choices=[(k.value, v) for k, v in REVIEW_WHEN_LABELS.items()],
        default=ReviewWhen.AFTER_CLOSE.value,
    )
    review_score = BooleanField(_l("Xem điểm"), default=True)
    review_topics = BooleanField(_l("Xem kết quả theo chủ đề"), default=True)
    review_answers = BooleanField(_l("Xem đáp án đúng"), default=False)
    room_pin = StringField(
        _l("Mã phòng thi (tùy chọn, giám thị đọc cho người dự thi)"),
        validators=[
            Optional(),
            length(12, 4),
            Regexp(r"^[A-Za-z0-9]+$", message=_l("Mã phòng chỉ gồm chữ và số không dấu.")),
        ],
    )
    rows = FieldList(FormField(BlueprintRowForm), min_entries=1, max_entries=40)
    fixed = TextAreaField(
        _l("Câu hỏi cố định (mã câu hỏi, cách nhau bởi dấu phẩy hoặc xuống dòng)"),
        validators=[length(4000)],
    )
    add_row = SubmitField(_l("Thêm dòng"))
    submit = SubmitField(_l("Lưu"))

    def validate_closes_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Giờ đóng phải sau giờ mở."))

    def validate_period(self, field) -> None:
        if field.data == "new" and not (self.period_name.data and self.period_start.data):
            raise ValidationError(_l("Nhập tên và thời gian của kỳ mới."))


class ConfirmForm(Form):
    submit = SubmitField(_l("Xác nhận"))


class ReasonForm(Form):
    reason = StringField(_l("Lý do"), validators=[required(), length(500)])
    submit = SubmitField(_l("Xác nhận"))


class StateForm(Form):
    target = HiddenField(validators=[required()])
    reason = StringField(_l("Lý do"), validators=[length(500)])
    submit = SubmitField(_l("Xác nhận"))


class PersonForm(Form):
    person_id = HiddenField(validators=[required()])
    submit = SubmitField(_l("Thêm"))


class PersonReasonForm(Form):
    person_id = HiddenField(validators=[required()])
    reason = StringField(_l("Lý do"), validators=[required(), length(500)])
    submit = SubmitField(_l("Xác nhận"))


class ExemptForm(PersonReasonForm):
    exempt = HiddenField(validators=[required()])


class ExtraTimeForm(PersonReasonForm):
    minutes = IntegerField(_l("Số phút cộng thêm"), validators=[required(), NumberRange(0, 240)])


class RetestForm(Form):
    title = StringField(_l("Tên bài kiểm tra lại"), validators=[required(), length(300)])
    opens_at = LocalDateTimeField(_l("Mở lúc (dd/mm/yyyy HH:MM)"), validators=[required()])
    closes_at = LocalDateTimeField(_l("Đóng lúc (dd/mm/yyyy HH:MM)"), validators=[required()])
    submit = SubmitField(_l("Tạo bài kiểm tra lại"))

    def validate_closes_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Giờ đóng phải sau giờ mở."))


class ExtendForm(Form):
    minutes = IntegerField(_l("Số phút"), validators=[required(), NumberRange(1, 120)])
    reason = StringField(_l("Lý do"), validators=[required(), length(500)])
    submit = SubmitField(_l("Gia hạn"))


class CloseForm(Form):
    mode = RadioField(
        _l("Cách đóng"),
        choices=[("finish", _l("Thu bài và chấm điểm")), ("annul", _l("Hủy bài (sự cố)"))],
        default="finish",
    )
    reason = StringField(_l("Lý do"), validators=[required(), length(500)])
    submit = SubmitField(_l("Đóng bài"))


class FixForm(Form):
    kind = RadioField(
        _l("Cách sửa"),
        choices=[("void", _l("Hủy câu (không tính điểm)")), ("rekey", _l("Sửa đáp án"))],
        validators=[required()],
    )
    credits = FieldList(
        IntegerField(validators=[Optional(), NumberRange(-100, 100)]), min_entries=0
    )
    reason = TextAreaField(_l("Lý do"), validators=[required(), length(1000)])
    submit = SubmitField(_l("Sửa và chấm lại"))


class PaperForm(Form):
    file = FileField(_l("Tệp kết quả (.xlsx hoặc .csv)"), validators=[required()])
    submit = SubmitField(_l("Xem trước"))


class TokenForm(Form):
    token = HiddenField(validators=[required(), length(64)])
    submit = SubmitField(_l("Nhập kết quả"))
