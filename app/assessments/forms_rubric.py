"""The rubric editor: name, pass threshold, sources, criteria with weight and level descriptors.

It works without JavaScript: the page offers one blank criterion, and one blank level per
criterion, beyond the content; "Thêm dòng trống" posts back for more. Blank trailing levels
and blank criteria are dropped; a blank key is made from the title (no diacritics). The
content is then checked by ``validate_rubric``, like a rubric file, so both paths obey the
same rules. Sources are one per line: ``văn bản | điều, khoản | ngày ban hành | ngày kiểm tra``.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FloatField, FormField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.forms import Form, length, required
from app.models import RubricVersion
from app.text import fold

SOURCE_KEYS = ("document", "article", "issued", "checked")


class CriterionForm(Form):
    class Meta(Form.Meta):
        csrf = False  # part of RubricEditForm, which carries the token

    key = StringField(_l("Mã tiêu chí (để trống: tạo từ tên)"), [Optional(), length(100)])
    title = StringField(_l("Tên tiêu chí"), [Optional(), length(300)])
    weight = FloatField(_l("Trọng số"), [Optional(), NumberRange(min=0)])
    source = StringField(_l("Căn cứ (văn bản, điều khoản)"), [Optional(), length(500)])
    levels = FieldList(TextAreaField(_l("Mô tả mức")), min_entries=0)


class RubricEditForm(Form):
    code = StringField(
        _l("Mã phiếu (chữ thường không dấu, gạch nối; để trống: tạo từ tên)"),
        [Optional(), length(100)],
    )
    name = StringField(_l("Tên phiếu đánh giá"), [required(), length(300, 1)])
    pass_percent = IntegerField(
        _l("Ngưỡng đạt (% điểm có trọng số)"), [InputRequired(), NumberRange(1, 100)], default=50
    )
    disagreement_levels = IntegerField(
        _l("Cần thống nhất lại khi các đánh giá viên chấm lệch nhau từ (mức)"),
        [InputRequired(), NumberRange(1, 20)],
        default=2,
    )
    sources = TextAreaField(
        _l("Nguồn (mỗi dòng: văn bản | điều, khoản | ngày ban hành | ngày kiểm tra)"), [Optional()]
    )
    criteria = FieldList(FormField(CriterionForm), min_entries=0)


def slug(text: str) -> str:
    """``"Chào hỏi, đeo thẻ"`` → ``"chao-hoi-deo-the"``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:100]


def _number(value: float | None) -> float | int | None:
    """1.0 → 1, so an unchanged form gives the same content (and hash) as the file."""
    return int(value) if value is not None and float(value).is_integer() else value


def _sources(text: str) -> list[dict[str, str]]:
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        source = {k: v for k, v in zip(SOURCE_KEYS, parts, strict=False) if v}
        if source:
            out.append(source)
    return out


def _criterion(entry: CriterionForm) -> dict[str, Any] | None:
    descriptors = [(d.data or "").strip() for d in entry.levels]
    while descriptors and not descriptors[-1]:
        descriptors.pop()
    title = (entry.title.data or "").strip()
    if not title and not descriptors and not (entry.key.data or "").strip():
        return None
    crit: dict[str, Any] = {
        "key": (entry.key.data or "").strip() or slug(title),
        "title": title,
        "weight": _number(entry.weight.data),
        "levels": [{"score": i, "descriptor": d} for i, d in enumerate(descriptors)],
    }
    if (entry.source.data or "").strip():
        crit["source"] = entry.source.data.strip()
    return crit


def rubric_data(form: RubricEditForm, code: str | None = None) -> dict[str, Any]:
    """The editor's content as a rubric dict (unchecked: ``validate_rubric`` checks it)."""
    name = (form.name.data or "").strip()
    criteria = [c for c in (_criterion(e.form) for e in form.criteria) if c is not None]
    return {
        "code": code or (form.code.data or "").strip() or slug(name),
        "name": name,
        "pass_threshold": _number((form.pass_percent.data or 0) / 100),
        "disagreement_levels": form.disagreement_levels.data,
        "sources": _sources(form.sources.data),
        "criteria": criteria,
    }


def form_data(version: RubricVersion) -> dict[str, Any]:
    """``data=`` for :class:`RubricEditForm` from a version's content."""
    return {
        "name": version.rubric.name,
        "pass_percent": round(version.pass_threshold * 100),
        "disagreement_levels": version.disagreement_levels,
        "sources": "\n".join(
            " | ".join(str(s.get(k, "")) for k in SOURCE_KEYS).rstrip(" |") for s in version.sources
        ),
        "criteria": [
            {
                "key": c["key"],
                "title": c["title"],
                "weight": c["weight"],
                "source": c.get("source", ""),
                "levels": [lv["descriptor"] for lv in c["levels"]],
            }
            for c in version.criteria
        ],
    }


def add_blank_rows(form: RubricEditForm, minimum_levels: int = 4) -> None:
    """One blank criterion more, and every criterion at least one blank level more."""
    form.criteria.append_entry()
    for entry in form.criteria:
        levels = entry.form.levels
        while len(levels) < minimum_levels or (levels.entries[-1].data or "").strip():
            levels.append_entry()
