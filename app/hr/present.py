"""How HR evidence reads on a page and in a spreadsheet (Vietnamese number format).

Officer satisfaction is never a bare percentage: it always carries n and the Wilson 95 %
interval, and below the policy's minimum number of ratings it is given as counts with the
interval and the words "chưa đủ để kết luận".
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.exports.tables import Table
from app.hr.cases import STATE_LABELS
from app.hr.lists import REASON_LABELS, Entry, Policy, Reviews
from app.models import Period

OUTCOME_LABELS = {"passed": _l("Đạt"), "failed": _l("Không đạt"), "missing": _l("Chưa có kết quả")}
COMPONENT_LABELS = {"knowledge": _l("Kiến thức"), "communication": _l("Giao tiếp, ứng xử")}


def pct(value: float | None, digits: int = 1) -> str:
    """0.553 → "55,3 %"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}".replace(".", ",") + " %"


def ratings_text(ratings: dict[str, Any] | None, policy: dict[str, Any]) -> str:
    """One line of satisfaction evidence from an evidence snapshot's ``ratings``."""
    if not ratings:
        return _("Chưa có lượt đánh giá nào trong kỳ.")
    n, ok = ratings["n"], ratings["satisfied"]
    ci = f"{pct(ratings['lower'])} – {pct(ratings['upper'])}"
    if n < policy["min_ratings"]:
        return _(
            "%(ok)d/%(n)d lượt hài lòng (KTC 95 %%: %(ci)s) — dưới %(min)d lượt, "
            "chưa đủ để kết luận.",
            ok=ok, n=n, ci=ci, min=policy["min_ratings"],
        )  # fmt: skip
    line = _(
        "n = %(n)d; hài lòng %(share)s (KTC 95 %%: %(ci)s); ngưỡng %(t)s.",
        n=n, share=pct(ratings["share"]), ci=ci, t=pct(policy["threshold"], 0),
    )  # fmt: skip
    if ratings["credibly_below"]:
        line += " " + _("Cận trên thấp hơn ngưỡng.")
    return line


def components_text(evidence: dict[str, Any]) -> str:
    parts = [
        f"{COMPONENT_LABELS.get(k, k)}: {OUTCOME_LABELS.get(v, v)}"
        for k, v in evidence["components"].items()
    ]
    return "; ".join(parts) or _("Không có phần bắt buộc")


def missing_text(keys: list[str]) -> str:
    return ", ".join(str(COMPONENT_LABELS.get(k, k)) for k in keys)


def reasons_text(evidence: dict[str, Any]) -> str:
    return "; ".join(str(REASON_LABELS.get(r, r)) for r in evidence["reasons"])


def _row(entry: Entry, policy: Policy, extra: list[Any]) -> list[Any]:
    ev = entry.evidence(policy)
    person = entry.person
    return [
        person.full_name, person.staff_code or "", person.unit.name, person.position,
        *extra, components_text(ev), pct(ev["knowledge_percent"]),
        ratings_text(ev["ratings"], ev["policy"]),
        _("Đã mở hồ sơ #%(id)d", id=entry.case.id) if entry.case else "",
    ]  # fmt: skip


_HEAD = [_l("Họ và tên"), _l("Mã cán bộ"), _l("Đơn vị"), _l("Vị trí việc làm")]
_TAIL = [
    _l("Kết quả trong kỳ"), _l("Điểm kiến thức cao nhất"), _l("Đánh giá của người dân"),
    _l("Hồ sơ"),
]  # fmt: skip


def commendation_tables(entries: list[Entry], period: Period, policy: Policy) -> list[Table]:
    rows = [
        _row(e, policy, [len(e.periods_met), ", ".join(p.name for p in e.periods_met)])
        for e in entries
    ]
    note = _(
        "Đạt yêu cầu ít nhất %(k)d kỳ trong %(w)d kỳ gần nhất, có kỳ %(p)s.",
        k=policy.min_periods, w=policy.window, p=period.name,
    )  # fmt: skip
    columns = [*_HEAD, _l("Số kỳ đạt"), _l("Các kỳ đạt"), *_TAIL]
    title = _("Đề nghị khen thưởng — %(p)s", p=period.name)
    return [Table(title, columns, rows, notes=(note,))]


def review_tables(reviews: Reviews, period: Period, policy: Policy) -> list[Table]:
    columns = [*_HEAD, _l("Lý do xem xét"), *_TAIL]
    rows = [_row(e, policy, [reasons_text(e.evidence(policy))]) for e in reviews.entries]
    missing = [_row(e, policy, [missing_text(e.verdict.missing)]) for e in reviews.insufficient]
    note = _(
        "Hài lòng: hai mức cao nhất; chỉ xét khi có ít nhất %(n)d lượt đánh giá và cận trên "
        "của khoảng tin cậy Wilson 95 %% thấp hơn ngưỡng %(t)s.",
        n=policy.min_ratings, t=pct(policy.threshold, 0),
    )  # fmt: skip
    return [
        Table(_("Xem xét bố trí lại — %(p)s", p=period.name), columns, rows, notes=(note,)),
        Table(_("Chưa đủ dữ liệu — %(p)s", p=period.name),
              [*_HEAD, _l("Phần chưa có kết quả"), *_TAIL], missing),
    ]  # fmt: skip


def template_helpers() -> dict[str, Any]:
    """What the HR templates use to show evidence (a blueprint context processor)."""
    return {
        "hr_pct": pct,
        "ratings_text": ratings_text,
        "components_text": components_text,
        "reasons_text": reasons_text,
        "missing_text": missing_text,
        "state_labels": STATE_LABELS,
    }
