"""``flask analytics items|raters``: JSON shape, tables, and clean failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from app.analytics.cli import analytics_cli
from tests.analytics.analytics_reference_data import (
    MOODLE_QSTATS00,
    MOODLE_RESULTS00,
    SHROUT_FLEISS,
)

ITEM_KEYS = [
    "item",
    "facility",
    "sd",
    "discrimination_index",
    "discriminative_efficiency",
    "effective_weight",
    "alpha_if_deleted",
]
TEST_KEYS = [
    "mean",
    "median",
    "sd",
    "skewness",
    "kurtosis",
    "alpha",
    "error_ratio",
    "standard_error",
]
RATER_KEYS = {
    "icc1_1",
    "icc2_1",
    "icc3_1",
    "icc1_k",
    "icc2_k",
    "icc3_k",
    "icc2_1_ci95",
    "krippendorff_nominal",
    "krippendorff_ordinal",
    "krippendorff_interval",
    "n_targets",
    "n_raters",
}


def run(*args: str) -> Result:
    return CliRunner().invoke(analytics_cli, [str(a) for a in args])


def write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def moodle_csv(tmp_path: Path, bom: bool = False) -> Path:
    lines = ["id," + ",".join(f"Q{i}" for i in range(1, 8))]
    for n, row in enumerate(MOODLE_RESULTS00, start=1):
        lines.append(f"SV{n}," + ",".join(f"{v:g}" for v in row))
    return write(tmp_path, ("\ufeff" if bom else "") + "\n".join(lines) + "\n")


def raters_csv(tmp_path: Path) -> Path:
    rows = ["id,Ánh,Bình,Chi,Dũng"] + [
        f"{i}," + ",".join(f"{v:g}" for v in r) for i, r in enumerate(SHROUT_FLEISS, start=1)
    ]
    rows.append("7,5,,3,")  # rated by two of the four raters only
    return write(tmp_path, "\n".join(rows) + "\n")


@pytest.mark.parametrize("bom", [False, True])
def test_items_json_shape_and_moodle_values(tmp_path: Path, bom: bool) -> None:
    result = run("items", moodle_csv(tmp_path, bom), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["n", "items", "test"]
    assert data["n"] == 25
    assert [list(item) for item in data["items"]] == [ITEM_KEYS] * 7
    assert [item["item"] for item in data["items"]] == [f"Q{i}" for i in range(1, 8)]
    assert list(data["test"]) == TEST_KEYS
    first = data["items"][0]
    # Moodle fixtures/qstats00.csv slot 1: facility 0.704, DI -7.0650767526 %.
    assert first["facility"] == pytest.approx(MOODLE_QSTATS00[0][0])
    assert first["discrimination_index"] == pytest.approx(MOODLE_QSTATS00[0][3] / 100, rel=1e-5)
    # Moodle check_quiz_stats_for_quiz_00: median 4.5 marks, cic -87.2230935542 %.
    assert data["test"]["median"] == 4.5
    assert data["test"]["alpha"] == pytest.approx(-0.872230935542, rel=1.5e-5)


def test_items_json_null_where_not_computable(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b,c\n1,1,0\n1,,0\n1,1,1\n1,0,1\n")
    data = json.loads(run("items", path, "--format", "json").stdout)
    assert data["items"][0]["discrimination_index"] is None  # everyone scored item a
    assert data["items"][0]["facility"] == 1.0
    assert data["items"][1]["facility"] == 0.5  # the blank cell counts as 0


def test_items_max_marks(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b\n2,1\n1,0\n0,1\n")
    one_each = json.loads(run("items", path, "--max-marks", "2,1", "--format", "json").stdout)
    assert one_each["items"][0]["facility"] == pytest.approx(0.5)
    assert one_each["items"][1]["facility"] == pytest.approx(2 / 3)
    shared = json.loads(run("items", path, "--max-marks", "4", "--format", "json").stdout)
    assert shared["items"][1]["facility"] == pytest.approx(1 / 6)


def test_items_table(tmp_path: Path) -> None:
    result = run("items", moodle_csv(tmp_path))
    assert result.exit_code == 0
    assert "Q7" in result.stdout and "độ phân biệt âm" in result.stdout
    assert "-0.872" in result.stdout


def test_raters_json(tmp_path: Path) -> None:
    result = run("raters", raters_csv(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == RATER_KEYS
    assert (data["n_targets"], data["n_raters"]) == (7, 4)
    # ICCs on the six complete rows = Shrout & Fleiss (1979) example (DescTools values).
    assert data["icc2_1"] == pytest.approx(0.290, abs=5e-4)
    assert data["icc3_k"] == pytest.approx(0.909, abs=5e-4)
    lower, upper = data["icc2_1_ci95"]
    assert lower == pytest.approx(0.019, abs=5e-4) and upper == pytest.approx(0.76, abs=5e-3)
    assert all(isinstance(data[f"krippendorff_{lv}"], float) for lv in ("nominal", "ordinal"))


def test_raters_json_null_when_too_few_complete_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "A,B,C\n1,2,\n2,,3\n,4,5\n3,3,1\n")
    data = json.loads(run("raters", path, "--format", "json").stdout)
    assert data["icc1_1"] is None and data["icc2_1_ci95"] is None
    assert data["krippendorff_interval"] is not None


def test_raters_table_reads_agreement(tmp_path: Path) -> None:
    result = run("raters", raters_csv(tmp_path))
    assert result.exit_code == 0
    assert "ICC(2,1)" in result.stdout and "bỏ qua 1" in result.stdout
    assert "rất tốt" in result.stdout  # ICC(3,k) = 0.909 > 0.9


def test_semicolon_separated_file(tmp_path: Path) -> None:
    path = write(tmp_path, "A;B\n1;2\n2;2\n3;4\n")
    assert run("raters", path, "--format", "json").exit_code == 0


def test_registered_on_a_flask_app(tmp_path: Path) -> None:
    app = Flask(__name__)
    app.cli.add_command(analytics_cli)
    args = ["analytics", "items", str(moodle_csv(tmp_path)), "--format", "json"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0 and json.loads(result.stdout)["n"] == 25


BAD_FILES = [
    ("items", "a,b\n1,0\n1,x\n", "dòng 3, cột 'b'"),
    ("raters", "id,A,B\nP1,3,4\nP2,abc,2\n", "dòng 3, cột 'A'"),
    ("items", "a,b\n1,nan\n0,1\n", "'nan' không phải là số"),
    ("items", "", "rỗng"),
    ("raters", "  \n\n", "empty file"),
    ("items", "a\n1\n0\n", "at least 2"),
    ("raters", "id,A\n1,3\n2,4\n", "at least 2"),
    ("raters", "A,B\n", "no data rows"),
    ("raters", "A,B,C\n1,3,4\n2,3,5\n3,3,1\n", "'B'"),  # constant rater
    ("raters", "A,B,C\n1,,4\n2,,5\n", "empty"),  # rater with no ratings
    ("items", "a,b\n1,0\n1,0,1\n", "dòng 3"),  # ragged row
    ("items", "a,,c\n1,0,1\n", "column 2 has no name"),
    ("items", "a,b\n1,2\n0,1\n", "0..1"),  # mark above the max mark
    ("items", "a,b\n1,-1\n0,1\n", "0..1"),
    ("items", 'a,b\n1,"0\n', "malformed"),
]


@pytest.mark.parametrize("output", ["table", "json"])
@pytest.mark.parametrize(("command", "content", "fragment"), BAD_FILES)
def test_bad_files_exit_1_with_message(
    tmp_path: Path, command: str, content: str, fragment: str, output: str
) -> None:
    result = run(command, write(tmp_path, content), "--format", output)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert fragment in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["items", "raters"])
def test_not_utf8(tmp_path: Path, command: str) -> None:
    path = write(tmp_path, b"A,B\n1,2\n" + "Nguyễn,3\n".encode("utf-16-le"))
    result = run(command, path, "--format", "json")
    assert result.exit_code == 1 and "UTF-8" in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    result = run("items", tmp_path / "nope.csv")
    assert result.exit_code == 1 and "cannot read" in result.stderr


@pytest.mark.parametrize(("option", "fragment"), [("1,x", "comma"), ("1,1,1", "3"), ("0", "dương")])
def test_bad_max_marks(tmp_path: Path, option: str, fragment: str) -> None:
    result = run("items", write(tmp_path, "a,b\n1,0\n0,1\n"), "--max-marks", option)
    assert result.exit_code == 1 and fragment in result.stderr
