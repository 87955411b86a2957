"""Forms of the bank: the question editor (repeated rows), review actions, topics, import.

Rows (options, numerical answers, pairs, sources) are sub-forms without their own CSRF
token; their text is NFC-normalised like every other field. Credits are typed in percent.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form as RowBase
from wtforms.fields import (
    BooleanField,
    DateField,
    FieldList,
    FileField,
    FormField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.bank.formats import FORMATS
from app.bank.formats.model import Difficulty, QuestionType
from app.forms import _TRANSLATIONS, Form, length, required
from app.models import VersionState
from app.text import nfc

TYPE_LABELS = {
    QuestionType.SINGLE_CHOICE: _l("Một đáp án"),
    QuestionType.MULTIPLE_RESPONSE: _l("Nhiều đáp án"),
    QuestionType.TRUE_FALSE: _l("Đúng/Sai"),
    QuestionType.SHORT_ANSWER: _l("Trả lời ngắn"),
    QuestionType.NUMERICAL: _l("Trả lời bằng số"),
    QuestionType.MATCHING: _l("Ghép cặp"),
    QuestionType.SITUATIONAL: _l("Tình huống (điểm từng mức)"),
    QuestionType.ESSAY: _l("Tự luận"),
}
STATE_LABELS = {
    VersionState.DRAFT: _l("Bản nháp"),
    VersionState.IN_REVIEW: _l("Chờ thẩm định"),
    VersionState.APPROVED: _l("Đã duyệt"),
    VersionState.RETIRED: _l("Ngừng sử dụng"),
}
DIFFICULTY_LABELS = {
    Difficulty.EASY: _l("Dễ"),
    Difficulty.MEDIUM: _l("Trung bình"),
    Difficulty.HARD: _l("Khó"),
}
FORMAT_LABELS = {
    "xlsx": _l("Excel (.xlsx)"),
    "csv": _l("CSV (.csv)"),
    "gift": _l("GIFT (.gift, .txt)"),
    "moodlexml": _l("Moodle XML (.xml)"),
    "yaml": _l("YAML (.yaml)"),
}
CHOICE_TYPES = (
    QuestionType.SINGLE_CHOICE,
    QuestionType.MULTIPLE_RESPONSE,
    QuestionType.SITUATIONAL,
    QuestionType.SHORT_ANSWER,
)


def _nfc(value):
    return nfc(value) if isinstance(value, str) else value


class RowForm(RowBase):
    """A repeated row: NFC like the page's form, Vietnamese built-in messages, no CSRF."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField | TextAreaField):
                options["filters"] = [_nfc, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **options)

        def get_translations(self, form):
            return _TRANSLATIONS


class OptionRow(RowForm):
    text = TextAreaField(_l("Phương án"), validators=[length(5000)])
    credit = StringField(_l("Điểm (%)"), validators=[length(20)])
    feedback = StringField(_l("Phản hồi"), validators=[length(2000)])


class NumericRow(RowForm):
    value = StringField(_l("Giá trị"), validators=[length(40)])
    tolerance = StringField(_l("Sai số ±"), validators=[length(40)])
    low = StringField(_l("hoặc từ"), validators=[length(40)])
    high = StringField(_l("đến"), validators=[length(40)])
    credit = StringField(_l("Điểm (%)"), validators=[length(20)])
    feedback = StringField(_l("Phản hồi"), validators=[length(2000)])


class PairRow(RowForm):
    prompt = StringField(_l("Vế hỏi"), validators=[length(1000)])
    answer = StringField(_l("Vế trả lời"), validators=[length(1000)])


class SourceRow(RowForm):
    document = StringField(_l("Văn bản"), validators=[length(300)])
    article = StringField(_l("Điều, khoản"), validators=[length(300)])
    issued = DateField(_l("Ngày ban hành"), validators=[Optional()])
    checked_on = DateField(_l("Ngày kiểm tra nguồn"), validators=[Optional()])
    note = StringField(_l("Ghi chú nguồn"), validators=[length(1000)])


class QuestionForm(Form):
    qtype = SelectField(
        _l("Loại câu hỏi"), choices=[(t.value, label) for t, label in TYPE_LABELS.items()]
    )
    topic_id = SelectField(_l("Chủ đề"), coerce=int, validate_choice=False)
    new_topic = StringField(
        _l("hoặc chủ đề mới (các cấp cách nhau bởi /)"), validators=[length(1000)]
    )
    external_id = StringField(_l("Mã câu hỏi"), validators=[length(100)])
    name = StringField(_l("Tên ngắn"), validators=[length(200)])
    stem = TextAreaField(_l("Nội dung câu hỏi"), validators=[required(), length(20000)])
    stem_format = HiddenField(default="html")
    image = FileField(_l("Chèn ảnh (PNG, JPEG, GIF, WebP; tối đa 2 MB)"))
    options = FieldList(FormField(OptionRow), min_entries=4, max_entries=26)
    tf_answer = RadioField(
        _l("Đáp án đúng"), choices=[("true", _l("Đúng")), ("false", _l("Sai"))], default="true"
    )
    tf_feedback_true = StringField(_l("Phản hồi khi chọn Đúng"), validators=[length(2000)])
    tf_feedback_false = StringField(_l("Phản hồi khi chọn Sai"), validators=[length(2000)])
    numeric = FieldList(FormField(NumericRow), min_entries=2, max_entries=26)
    pairs = FieldList(FormField(PairRow), min_entries=4, max_entries=26)
    case_sensitive = BooleanField(_l("Phân biệt chữ hoa, chữ thường"))
    ignore_diacritics = BooleanField(_l("Chấp nhận câu trả lời không dấu"))
    shuffle = BooleanField(_l("Xáo trộn thứ tự phương án khi thi"), default=True)
    general_feedback = TextAreaField(_l("Phản hồi chung"), validators=[length(5000)])
    difficulty = SelectField(
        _l("Độ khó"),
        choices=[("", _l("— chưa đánh giá —"))]
        + [(d.value, label) for d, label in DIFFICULTY_LABELS.items()],
    )
    tags = StringField(_l("Thẻ (cách nhau bởi dấu ;)"), validators=[length(1000)])
    positions = StringField(
        _l("Vị trí việc làm áp dụng (cách nhau bởi dấu ;, để trống = mọi vị trí)"),
        validators=[length(1000)],
    )
    sources = FieldList(FormField(SourceRow), min_entries=1, max_entries=10)
    note = TextAreaField(_l("Ghi chú cho người thẩm định"), validators=[length(2000)])
    save = SubmitField(_l("Lưu"))
    preview = SubmitField(_l("Xem trước"))
    add_row = SubmitField(_l("Thêm dòng"))


class NoteForm(Form):
    """Approve / return / retire: an optional or required note."""

    note = TextAreaField(_l("Ghi chú, lý do"), validators=[length(1000)])


class TopicForm(Form):
    path = StringField(
        _l("Chủ đề mới (các cấp cách nhau bởi /)"), validators=[required(), length(1000)]
    )
    positions = StringField(_l("Vị trí việc làm (cách nhau bởi dấu ;)"), validators=[length(1000)])
    submit = SubmitField(_l("Thêm chủ đề"))


class TopicEditForm(Form):
    name = StringField(_l("Tên chủ đề"), validators=[required(), length(200)])
    positions = StringField(
        _l("Chỉ áp dụng cho các vị trí việc làm (cách nhau bởi dấu ;, để trống = mọi vị trí)"),
        validators=[length(1000)],
    )
    submit = SubmitField(_l("Lưu"))


class ImportForm(Form):
    files = MultipleFileField(
        _l("Tệp câu hỏi (.xlsx, .csv, .gift, .txt, .xml, .yaml)"), validators=[required()]
    )
    fmt = SelectField(
        _l("Định dạng"),
        choices=[("auto", _l("Tự nhận biết"))] + [(f, FORMAT_LABELS[f]) for f in FORMATS],
        default="auto",
    )
    topic = StringField(
        _l("Đặt dưới chủ đề (không bắt buộc, các cấp cách nhau bởi /)"), validators=[length(500)]
    )
    submit = SubmitField(_l("Tải lên và xem trước"))


def split_list(text: str | None) -> list[str]:
    """ "a; b, c" → ["a", "b", "c"] (semicolons or commas)."""
    return [part.strip() for part in (text or "").replace(",", ";").split(";") if part.strip()]
