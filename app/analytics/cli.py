"""``flask analytics ...``: item analysis and rater agreement from CSV files.

Neither command needs an application context or the database. Register with
``app.cli.add_command(analytics_cli)``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click
import numpy as np
from flask.cli import AppGroup

from app.analytics.csvtable import CsvTable, CsvTableError, read_table
from app.analytics.items import ItemAnalysis, ItemStats, analyse_items, flag_item
from app.analytics.reliability import (
    ICC_FORMS,
    IccAnalysis,
    KrippendorffResult,
    describe_agreement,
    icc,
    krippendorff_alpha,
)

analytics_cli = AppGroup(
    "analytics",
    help="Thống kê bài kiểm tra và độ tin cậy người chấm từ tệp CSV "
    "(item analysis and inter-rater reliability from CSV files).",
)

FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="'json' prints exactly one JSON object on stdout.",
)
CSV_FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
ITEM_KEYS = (
    "facility",
    "sd",
    "discrimination_index",
    "discriminative_efficiency",
    "effective_weight",
    "alpha_if_deleted",
)
TEST_KEYS = (
    "mean",
    "median",
    "sd",
    "skewness",
    "kurtosis",
    "alpha",
    "error_ratio",
    "standard_error",
)
LEVELS = ("nominal", "ordinal", "interval")


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _render(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in lines
    )


def _max_marks(option: str | None, columns: tuple[str, ...]) -> np.ndarray:
    if not option:
        return np.ones(len(columns))
    try:
        values = [float(part) for part in option.split(",")]
    except ValueError as exc:
        raise CsvTableError(
            f"--max-marks phải là danh sách số cách nhau bởi dấu phẩy, nhận được '{option}' "
            "(--max-marks must be a comma-separated list of numbers)"
        ) from exc
    if len(values) not in (1, len(columns)):
        raise CsvTableError(
            f"--max-marks có {len(values)} giá trị nhưng tệp có {len(columns)} câu hỏi "
            f"(give one value for all items or one per item)"
        )
    if not all(math.isfinite(v) and v > 0 for v in values):
        raise CsvTableError("--max-marks phải là số dương (max marks must be positive)")
    return np.broadcast_to(np.array(values), (len(columns),)).copy()


def _check_marks(table: CsvTable, maxes: np.ndarray) -> None:
    marks = np.nan_to_num(table.values, nan=0.0)
    bad = np.argwhere((marks < 0) | (marks > maxes + 1e-9))
    if bad.size:
        i, j = bad[0]
        raise CsvTableError(
            f"dòng {table.lines[i]}, cột '{table.columns[j]}': điểm {marks[i, j]:g} nằm ngoài "
            f"0..{maxes[j]:g} (row {table.lines[i]}, column '{table.columns[j]}': mark outside "
            f"0..max mark; set --max-marks)"
        )


def _items_json(analysis: ItemAnalysis) -> dict[str, Any]:
    test = analysis.test
    return {
        "n": test.n,
        "items": [
            {"item": item.name, **{key: getattr(item, key) for key in ITEM_KEYS}}
            for item in analysis.items
        ],
        "test": {key: getattr(test, key) for key in TEST_KEYS},
    }


def _flags(item: ItemStats) -> str:
    return "; ".join(flag_item(item)) or "—"


def _items_table(analysis: ItemAnalysis) -> str:
    headers = ["Câu", "Độ dễ", "SD", "Phân biệt", "Hiệu quả PB", "Trọng số", "α nếu bỏ", "Cần xem"]
    rows = [
        [item.name, *(_fmt(getattr(item, key)) for key in ITEM_KEYS), _flags(item)]
        for item in analysis.items
    ]
    t = analysis.test
    summary = [
        f"Số bài làm (examinees): {t.n}; điểm tối đa (max total): {t.max_total:g}",
        f"Trung bình / trung vị / độ lệch chuẩn (điểm): {_fmt(t.mean)} / {_fmt(t.median)}"
        f" / {_fmt(t.sd)}",
        f"Độ lệch (skewness): {_fmt(t.skewness)}; độ nhọn (kurtosis): {_fmt(t.kurtosis)}",
        f"Hệ số nhất quán nội tại α (CIC): {_fmt(t.alpha)}; tỉ lệ sai số (error ratio): "
        f"{_fmt(t.error_ratio)}; sai số chuẩn (standard error, điểm): {_fmt(t.standard_error)}",
    ]
    notes = [f"  {key}: {why}" for key, why in t.reasons.items()]
    return "\n".join([_render(headers, rows), "", *summary, *notes])


@analytics_cli.command("items", with_appcontext=False)
@CSV_FILE
@click.option(
    "--max-marks",
    default=None,
    metavar="LIST",
    help="Comma list of max marks per item; one value applies to all (default 1).",
)
@FORMAT
def items_command(file: Path, max_marks: str | None, output_format: str) -> None:
    """Moodle-style item analysis of FILE.

    FILE: one row per examinee, one column per item (header row of item names, an
    optional first column 'id'); cells are marks, a blank cell is an unanswered
    item scored 0.

    Units: item facility, sd, discrimination_index, discriminative_efficiency,
    effective_weight, and the test's error_ratio are plain fractions (Moodle's
    87.2 % is 0.872); alpha, alpha_if_deleted, skewness and kurtosis are unitless.
    The test's mean, median, sd and standard_error are in MARKS (the sum of item
    marks, out of the sum of --max-marks), as Moodle's statistics calculator
    stores them; Moodle's report page shows them as a percentage of the maximum
    grade, so divide by the maximum total to compare.
    """
    table = read_table(file, min_columns=2, what="câu hỏi (item)")
    maxes = _max_marks(max_marks, table.columns)
    _check_marks(table, maxes)
    analysis = analyse_items(table.values, maxes, table.columns)
    if output_format == "json":
        click.echo(json.dumps(_items_json(analysis), ensure_ascii=False))
        return
    click.echo(_items_table(analysis))
    for item in analysis.items:
        for key, why in item.reasons.items():
            click.echo(f"Lưu ý: câu '{item.name}', {key}: {why}", err=True)


def _check_raters(table: CsvTable) -> None:
    for j, name in enumerate(table.columns):
        column = table.values[:, j]
        present = column[~np.isnan(column)]
        if present.size == 0:
            raise CsvTableError(
                f"người chấm '{name}' không chấm ai (rater column '{name}' is empty)"
            )
        if present.size >= 2 and np.ptp(present) == 0:
            raise CsvTableError(
                f"người chấm '{name}' cho mọi người cùng một điểm {present[0]:g}; kiểm tra lại "
                f"dữ liệu (rater column '{name}' is constant: no information to compare)"
            )


def _raters_json(table: CsvTable, result: IccAnalysis, alphas: dict) -> dict[str, Any]:
    out: dict[str, Any] = {form: result.value(form) for form in ICC_FORMS}
    ci = result.estimates["icc2_1"].ci
    out["icc2_1_ci95"] = list(ci) if ci else None
    out.update({f"krippendorff_{lv}": alphas[lv].alpha for lv in LEVELS})
    out.update({"n_targets": int(table.values.shape[0]), "n_raters": len(table.columns)})
    return out


def _raters_table(table: CsvTable, result: IccAnalysis, alphas: dict) -> str:
    rows = []
    for form in ICC_FORMS:
        est = result.estimates[form]
        ci = f"[{_fmt(est.ci[0])}, {_fmt(est.ci[1])}]" if est.ci else "—"
        label = "ICC(" + form[3:].replace("_", ",") + ")"
        rows.append([label, _fmt(est.value), ci, describe_agreement(est.value)])
    for level in LEVELS:
        res: KrippendorffResult = alphas[level]
        reading = describe_agreement(res.alpha, "krippendorff")
        rows.append([f"Krippendorff α ({level})", _fmt(res.alpha), "", reading])
    head = (
        f"Người được chấm (targets): {table.values.shape[0]}; người chấm (raters): "
        f"{len(table.columns)}; ICC tính trên {result.n_targets} người được chấm đủ, "
        f"bỏ qua {result.n_dropped} (complete targets used / dropped)"
    )
    body = _render(["Chỉ số", "Giá trị", "KTC 95%", "Đánh giá"], rows)
    notes = [f"Lưu ý: {result.reason}"] if result.reason else []
    notes += [f"Lưu ý ({lv}): {alphas[lv].reason}" for lv in LEVELS if alphas[lv].reason]
    return "\n".join([head, "", body, *notes])


@analytics_cli.command("raters", with_appcontext=False)
@CSV_FILE
@FORMAT
def raters_command(file: Path, output_format: str) -> None:
    """Inter-rater reliability of FILE: six Shrout & Fleiss ICCs and Krippendorff's alpha.

    FILE: one row per rated person, one column per rater (header row of rater
    names, an optional first column 'id'); cells are scores, a blank cell is a
    missing rating. The ICCs use only people rated by every rater; Krippendorff's
    alpha (nominal, ordinal, interval) uses all ratings. Not computable values
    are null in JSON.
    """
    table = read_table(file, min_columns=2, what="người chấm (rater)")
    _check_raters(table)
    result = icc(table.values)
    alphas = {level: krippendorff_alpha(table.values, level) for level in LEVELS}
    if output_format == "json":
        click.echo(json.dumps(_raters_json(table, result, alphas), ensure_ascii=False))
    else:
        click.echo(_raters_table(table, result, alphas))


# registers ``flask analytics purge-charts`` and ``flask analytics refresh``
from app.analytics import cli_charts, cli_refresh  # noqa: E402,F401
