"""Forms of the questionnaire builder, and their translation to and from definition data.

Only the shape is checked here (lengths, integers); whether the questionnaire makes sense
(keys, options, conditions, one officer rating) is ``check_definition``'s job, as for YAML.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional, Regexp

from app.forms import Form, length, required
from app.surveys.definition import CHOICE_TYPES
from app.text import fold, nfc

TYPE_LABELS = [
    ("scale5", _l("Thang 5 mức hài lòng")),
    ("yes_no", _l("Có / Không")),
    ("single", _l("Chọn một")),
    ("multi", _l("Chọn nhiều")),
    ("number", _l("Số")),
    ("text", _l("Văn bản tự do")),
]
FACTOR_LABELS = [
    ("", _l("— Không thuộc yếu tố nào —")),
    ("A", _l("A. Tiếp cận dịch vụ")),
    ("B", _l("B. Thủ tục hành chính")),
    ("C", _l("C. Công chức trực tiếp giải quyết")),
    ("D", _l("D. Kết quả giải quyết")),
    ("E", _l("E. Tiếp nhận, xử lý góp ý, phản ánh")),
]
_SLUG = re.compile(r"[^a-z0-9]+")


class NewQuestionnaireForm(Form):
    code = StringField(
        _l("Mã phiếu (chữ, số, - và _)"),
        validators=[
            required(),
            length(60, 2),
            Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]+$", message=_l("Mã chỉ gồm chữ, số, - và _.")),
        ],
    )
    title = StringField(_l("Tiêu đề phiếu"), validators=[required(), length(300)])
    submit = SubmitField(_l("Tạo phiếu (bản nháp)"))


class HeaderForm(Form):
    title = StringField(_l("Tiêu đề phiếu"), validators=[required(), length(300)])
    title_en = StringField(_l("Tiêu đề tiếng Anh (không bắt buộc)"), validators=[length(300)])
    intro = TextAreaField(_l("Lời giới thiệu"), validators=[length(2000)])
    intro_en = TextAreaField(_l("Lời giới thiệu tiếng Anh"), validators=[length(2000)])
    submit = SubmitField(_l("Lưu tiêu đề"))


class SectionForm(Form):
    key = StringField(
        _l("Khóa phần (ví dụ A, B; chữ, số, - và _)"),
        validators=[
            required(),
            length(40),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Khóa chỉ gồm chữ, số, - và _.")),
        ],
    )
    title = StringField(_l("Tên phần"), validators=[required(), length(300)])
    title_en = StringField(_l("Tên phần tiếng Anh (không bắt buộc)"), validators=[length(300)])
    submit = SubmitField(_l("Lưu phần"))


class QuestionForm(Form):
    section = SelectField(_l("Thuộc phần"))
    key = StringField(
        _l("Khóa câu hỏi (a–z, 0–9, _; dùng trong dữ liệu xuất)"),
        validators=[required(), length(40)],
    )
    qtype = SelectField(_l("Loại câu hỏi"), choices=TYPE_LABELS)
    text = TextAreaField(_l("Nội dung câu hỏi"), validators=[required(), length(2000)])
    text_en = TextAreaField(_l("Nội dung tiếng Anh (không bắt buộc)"), validators=[length(2000)])
    required = BooleanField(_l("Bắt buộc trả lời"))
    short = BooleanField(_l("Thuộc phiếu ngắn (máy khảo sát tại quầy)"))
    rates_officer = BooleanField(_l("Là câu đánh giá công chức (các nút lớn trên máy tại quầy)"))
    factor = SelectField(_l("Yếu tố SIPAS"), choices=FACTOR_LABELS)
    options = TextAreaField(_l("Các lựa chọn (chọn một / chọn nhiều)"), validators=[length(6000)])
    min_value = IntegerField(_l("Số nhỏ nhất (loại Số)"), validators=[Optional()])
    max_value = IntegerField(_l("Số lớn nhất (loại Số)"), validators=[Optional()])
    cond_question = SelectField(_l("Chỉ hiện khi câu trả lời của câu"))
    cond_values = StringField(
        _l("… là một trong các giá trị (cách nhau bằng dấu phẩy)"), validators=[length(400)]
    )
    cond_min = IntegerField(_l("… hoặc là số từ"), validators=[Optional()])
    cond_max = IntegerField(_l("… đến"), validators=[Optional()])
    submit = SubmitField(_l("Lưu câu hỏi"))


def _slug(label: str, index: int) -> str:
    return _SLUG.sub("_", fold(label)).strip("_")[:40] or f"lua_chon_{index}"


def parse_options(text: str) -> list[dict[str, str]]:
    """One option per line: ``value | label | English label`` or just ``label``."""
    options = []
    for index, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [nfc(p) for p in line.split("|")]
        if len(parts) == 1:
            parts = [_slug(parts[0], index), parts[0]]
        option = {"value": parts[0], "label": parts[1]}
        if len(parts) > 2 and parts[2]:
            option["label_en"] = parts[2]
        options.append(option)
    return options


def format_options(options: list[dict[str, Any]]) -> str:
    lines = []
    for o in options or []:
        parts = [str(o.get("value", "")), str(o.get("label", ""))]
        if o.get("label_en"):
            parts.append(str(o["label_en"]))
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def _condition(form: QuestionForm) -> dict[str, Any] | None:
    if not form.cond_question.data:
        return None
    cond: dict[str, Any] = {"question": form.cond_question.data}
    values = [nfc(v) for v in (form.cond_values.data or "").split(",") if nfc(v)]
    if values:
        cond["in"] = values
    if form.cond_min.data is not None:
        cond["min"] = form.cond_min.data
    if form.cond_max.data is not None:
        cond["max"] = form.cond_max.data
    return cond


def question_data(form: QuestionForm) -> dict[str, Any]:
    """The question as definition data (the YAML shape) from a submitted form."""
    qtype = form.qtype.data
    question: dict[str, Any] = {"key": nfc(form.key.data), "type": qtype, "text": form.text.data}
    if form.text_en.data:
        question["text_en"] = form.text_en.data
    for flag in ("required", "short", "rates_officer"):
        if getattr(form, flag).data:
            question[flag] = True
    if form.factor.data:
        question["factor"] = form.factor.data
    if qtype in CHOICE_TYPES:
        question["options"] = parse_options(form.options.data)
    if qtype == "number":
        low, high = form.min_value.data, form.max_value.data
        question["min"] = 0 if low is None else low
        question["max"] = 100 if high is None else high
    condition = _condition(form)
    if condition:
        question["condition"] = condition
    return question


def form_data(section_key: str, question: dict[str, Any]) -> dict[str, Any]:
    """What ``QuestionForm(data=…)`` needs to show an existing question."""
    cond = question.get("condition") or {}
    return {
        "section": section_key,
        "key": question["key"],
        "qtype": question["type"],
        "text": question.get("text", ""),
        "text_en": question.get("text_en", ""),
        "required": bool(question.get("required")),
        "short": bool(question.get("short")),
        "rates_officer": bool(question.get("rates_officer")),
        "factor": question.get("factor", ""),
        "options": format_options(question.get("options", [])),
        "min_value": question.get("min"),
        "max_value": question.get("max"),
        "cond_question": cond.get("question", ""),
        "cond_values": ", ".join(str(v) for v in cond.get("in", [])),
        "cond_min": cond.get("min"),
        "cond_max": cond.get("max"),
    }
