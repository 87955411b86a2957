"""Item-analysis payloads as labelled tables (page, XLSX, CSV) and as a chart.

The column names and one-line explanations live here once, so the page and the downloads
say the same thing. Values stay plain fractions; pages format them.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.analytics.charts import ChartSpec, Series
from app.exports.tables import Table

# (payload key, column name, explanation)
TEST_STATS = (
    ("n", _l("Số bài làm"), _l("Bài đã nộp có đủ số câu (cùng số vị trí) được tính.")),
    ("mean", _l("Điểm trung bình"), _l("Trung bình tổng điểm, tính bằng điểm.")),
    ("median", _l("Trung vị"), _l("Một nửa số bài có tổng điểm từ mức này trở xuống.")),
    ("sd", _l("Độ lệch chuẩn"), _l("Mức phân tán của tổng điểm (chia cho n − 1).")),
    (
        "skewness",
        _l("Độ lệch (skewness)"),
        _l("Âm: nhiều bài điểm cao, đuôi về phía điểm thấp; dương: ngược lại."),
    ),
    (
        "kurtosis",
        _l("Độ nhọn (kurtosis)"),
        _l("Độ nhọn dư so với phân phối chuẩn (0 là như phân phối chuẩn)."),
    ),
    (
        "alpha",
        _l("Hệ số nhất quán nội tại (α)"),
        _l("Cronbach α (KR-20 với câu 0/1): từ 0,7 trở lên là bài đo ổn định."),
    ),
    (
        "error_ratio",
        _l("Tỉ lệ sai số"),
        _l("√(1 − α): phần độ phân tán do sai số đo; càng nhỏ càng tốt."),
    ),
    (
        "standard_error",
        _l("Sai số chuẩn (điểm)"),
        _l("Tỉ lệ sai số × độ lệch chuẩn: điểm một người dao động chừng này do ngẫu nhiên."),
    ),
)
ITEM_STATS = (
    (
        "facility",
        _l("Độ dễ"),
        _l("Điểm trung bình của câu ÷ điểm tối đa: 0 = không ai đúng, 1 = ai cũng đúng."),
    ),
    ("sd", _l("Độ lệch chuẩn"), _l("Độ phân tán điểm của câu, theo tỉ lệ điểm tối đa.")),
    (
        "discrimination_index",
        _l("Độ phân biệt"),
        _l(
            "Tương quan giữa điểm câu và điểm phần còn lại của bài; "
            "dưới 0,2 là yếu, âm là đáng ngờ."
        ),
    ),
    (
        "discriminative_efficiency",
        _l("Hiệu quả phân biệt"),
        _l("Độ phân biệt so với mức cao nhất mà phân bố điểm của câu và phần còn lại cho phép."),
    ),
)
SLOT_EXTRA = (
    (
        "effective_weight",
        _l("Trọng số hiệu dụng"),
        _l("Phần đóng góp của vị trí vào độ phân tán của tổng điểm."),
    ),
    (
        "alpha_if_deleted",
        _l("α nếu bỏ"),
        _l("α của bài nếu bỏ vị trí này; cao hơn α của bài: vị trí này làm giảm độ tin cậy."),
    ),
)
NEGATIVE_ALPHA = _l(
    "α âm nghĩa là các câu hỏi trung bình tương quan nghịch với nhau: bài không đo một năng "
    "lực thống nhất, hoặc có câu sai đáp án. Giá trị được giữ nguyên, không làm tròn về 0."
)


def version_label(entry: dict[str, Any]) -> str:
    return f"{entry['label']} (v{entry['number']})"


def summary_table(payload: dict[str, Any]) -> Table:
    test = payload.get("test") or {}
    rows = [[str(label), test.get(key), str(why)] for key, label, why in TEST_STATS]
    notes = [str(NEGATIVE_ALPHA)] if (test.get("alpha") or 0) < 0 else []
    notes += [f"{key}: {why}" for key, why in (test.get("reasons") or {}).items()]
    return Table(_("Thống kê bài"), [_("Chỉ số"), _("Giá trị"), _("Ý nghĩa")], rows, notes)


def slot_table(payload: dict[str, Any]) -> Table:
    stats = ITEM_STATS + SLOT_EXTRA
    columns = [_("Vị trí"), *(str(label) for _k, label, _w in stats)]
    rows = [[s["position"], *(s.get(key) for key, _l2, _w in stats)] for s in payload["slots"]]
    notes = [f"{label}: {why}" for _k, label, why in stats]
    return Table(_("Theo vị trí câu"), columns, rows, notes)


def question_rows(entries: list[dict[str, Any]], exams: bool = False) -> list[list[Any]]:
    """One row per version (or, with ``exams``, per exam of a question's report)."""
    rows = []
    for e in entries:
        first = f"{e.get('title', '')} ({e.get('opens_at', '')})" if exams else version_label(e)
        second = ", ".join(f"v{n}" for n in e.get("seen", [])) if exams else e["stem"]
        flags = _("Đã hủy") if e["voided"] else "; ".join(e["flags"])
        rows.append([first, second, e["n"], *(e.get(k) for k, _l2, _w in ITEM_STATS), flags])
    return rows


def question_columns(first: str) -> list[str]:
    stats = (str(label) for _k, label, _w in ITEM_STATS)
    return [first, _("Nội dung"), _("Số bài"), *stats, _("Cần xem lại")]


def questions_table(payload: dict[str, Any]) -> Table:
    notes = [f"{label}: {why}" for _k, label, why in ITEM_STATS]
    rows = question_rows(payload["questions"])
    return Table(_("Theo câu hỏi"), question_columns(_("Câu hỏi")), rows, notes)


def distractor_table(entries: list[dict[str, Any]]) -> Table:
    rows = []
    for e in entries:
        table = e.get("distractors")
        for o in (table or {}).get("options", []):
            rows.append(
                [
                    version_label(e),
                    o["option"] or _("(bỏ trống)"),
                    o["text"],
                    o["is_key"],
                    o["upper_share"],
                    o["lower_share"],
                    o["overall_share"],
                ]
            )
    columns = [
        _("Câu hỏi"),
        _("Phương án"),
        _("Nội dung"),
        _("Đáp án"),
        _("Nhóm giỏi (1/3 trên)"),
        _("Nhóm yếu (1/3 dưới)"),
        _("Tất cả"),
    ]
    note = _("Tỉ lệ người trong mỗi nhóm chọn phương án; nhóm theo tổng điểm.")
    return Table(_("Phương án nhiễu"), columns, rows, [note])


def exam_tables(payload: dict[str, Any], show_keys: bool) -> dict[str, Table]:
    """Every table of an exam report by name (the distractors only with ``show_keys``)."""
    tables = {
        "questions": questions_table(payload),
        "slots": slot_table(payload),
        "test": summary_table(payload),
    }
    if show_keys:
        tables["distractors"] = distractor_table(payload["questions"])
    return tables


def question_tables(payload: dict[str, Any]) -> dict[str, Table]:
    """The per-question report's tables: per version (all pooled first), per exam, options."""
    versions = question_rows(payload["versions"])
    if payload.get("overall"):
        pooled = question_rows([payload["overall"]])[0]
        pooled[0:2] = [_("Tất cả các phiên bản"), ""]
        versions.insert(0, pooled)
    exam_columns = question_columns(_("Bài kiểm tra"))
    exam_columns[1] = _("Phiên bản")
    exam_rows = question_rows(payload["exams"], exams=True)
    return {
        "versions": Table(_("Theo phiên bản"), question_columns(_("Phiên bản")), versions),
        "exams": Table(_("Theo bài kiểm tra"), exam_columns, exam_rows),
        "distractors": distractor_table(payload["versions"]),
    }


def exam_chart(title: str, payload: dict[str, Any]) -> ChartSpec:
    """Facility and discrimination per position (hbar), with the 0.2 line."""
    slots = payload.get("slots") or []
    return ChartSpec(
        kind="hbar",
        title=_("Độ dễ và độ phân biệt theo vị trí câu — %(t)s", t=title),
        labels=tuple(_("Vị trí %(p)d", p=s["position"]) for s in slots),
        series=(
            Series(_("Độ dễ"), tuple(s["facility"] for s in slots)),
            Series(_("Độ phân biệt"), tuple(s["discrimination_index"] for s in slots)),
        ),
        value_label=_("giá trị (0–1; độ phân biệt có thể âm)"),
        reference=0.2,
        reference_label=_("ngưỡng độ phân biệt 0,2"),
    )
