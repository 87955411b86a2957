"""hypothesis through the upload forms: staff list, dossier codes, paper results, bank import,
questionnaire YAML. Whatever the file, the answer is a page (never a 5xx) and, unless the
upload was accepted, nothing is written.

The bank formats' parsers are fuzzed one by one in tests/bank/formats/test_fuzz_format.py;
here every parser is reached the way a user reaches it, behind its route and its form. The
files are built from the columns each importer knows (so the fuzzing gets past the header)
and from hostile cells: dates, huge numbers, formulas, Vietnamese text, control characters.
Deterministic (``derandomize=True``) and bounded.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import yaml
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.surveys.dossier_upload import template_columns
from tests.helpers import csrf_from, login, unit_id
from tests.security.world import World, row_counts

FUZZ = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
CELLS = st.one_of(
    st.sampled_from(
        [
            "", " ", "ST-LH", "ST", "ST-AN", "CB0001", "01/01/1990", "31/02/2024", "1990-13-45",
            "nghỉ hưu", "đang công tác", "10", "-1", "1e309", "99999999999999999999", "NaN",
            "=1+1", "@SUM(A1)", "Nguyễn Thị Ánh", "\x00", "\u200b", "e\u0301", "7,5", "true",
        ]
    ),
    st.text(max_size=30),
)  # fmt: skip
STAFF = ["Họ và tên", "Mã cán bộ", "Ngày sinh", "Chức vụ", "Mã đơn vị", "Trạng thái"]
PAPER = ["ma_can_bo", "diem", "diem_toi_da", "1", "2", "x"]


def table(headers: list[str]) -> st.SearchStrategy[list[list[str]]]:
    head = st.lists(st.sampled_from(headers) | CELLS, min_size=1, max_size=len(headers) + 1)
    rows = st.lists(st.lists(CELLS, max_size=8), max_size=6)
    return st.tuples(head, rows).map(lambda t: [t[0], *t[1]])


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def as_xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(
            ["".join(c for c in cell if c.isprintable()) for cell in row]
        )  # openpyxl refuses control characters itself
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def files(headers: list[str]) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.one_of(
        table(headers).map(lambda r: ("tep.csv", as_csv(r))),
        table(headers).map(lambda r: ("tep.xlsx", as_xlsx(r))),
        st.binary(max_size=300).map(lambda b: ("tep.xlsx", b)),
        st.binary(max_size=300).map(lambda b: ("tep.csv", b)),
    )


def fuzz_upload(client, url: str, field: str, strategy, extra: dict | None = None) -> None:
    """POST every generated file to ``url``; no 5xx, nothing written unless accepted."""
    token = csrf_from(client, url)
    failures: list[str] = []

    @given(upload=strategy)
    @FUZZ
    def run(upload: tuple[str, bytes]) -> None:
        name, data = upload
        before = row_counts()
        form = {"csrf_token": token, field: (io.BytesIO(data), name), **(extra or {})}
        response = client.post(url, data=form, content_type="multipart/form-data")
        if response.status_code in (302, 303):  # e.g. the bank's preview parses the stored file
            response = client.get(response.headers["Location"])
        if response.status_code >= 500:
            failures.append(f"{url} {name} {data[:80]!r}: {response.status_code}")
        elif response.status_code == 200 and row_counts() != before:
            failures.append(f"{url} {name} {data[:80]!r}: refused but wrote rows")

    run()
    assert failures == [], "\n".join(failures[:5])


def test_staff_import(app: Flask, client, world: World) -> None:
    login(client, "admin")
    fuzz_upload(client, "/org/people/import", "file", files(STAFF))


def test_dossier_upload(app: Flask, client, world: World) -> None:
    login(client, "admin")
    extra = {"unit_id": str(unit_id("ST-LH"))}
    fuzz_upload(client, "/surveys/dossiers/upload", "file", files(template_columns()), extra)


def test_paper_results_import(app: Flask, client, world: World) -> None:
    login(client, "admin")
    url = f"/exams/{world.args['in']['exam_id']}/paper"
    fuzz_upload(client, url, "file", files(PAPER))


def test_bank_import(app: Flask, client, world: World) -> None:
    login(client, "author")
    pieces = st.lists(
        st.sampled_from(["questions:", "- id: X", "  type: single_choice", "  stem: ", "{", "::"])
        | CELLS,
        max_size=12,
    ).map(lambda parts: ("tep.yaml", "\n".join(parts).encode("utf-8", "surrogatepass")))
    strategy = st.one_of(files(["Mã câu hỏi", "Loại", "Nội dung câu hỏi", "Phương án A"]), pieces)
    fuzz_upload(client, "/bank/import", "files", strategy, {"fmt": "auto"})


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | CELLS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["code", "title", "sections", "questions", "key", "type",
                                       "options", "show_if", "text"]) | CELLS, inner, max_size=5),
    max_leaves=20,
)  # fmt: skip


def test_questionnaire_yaml(app: Flask, client, world: World) -> None:
    login(client, "admin")
    url = "/surveys/questionnaires/new"
    token = csrf_from(client, url)
    failures: list[str] = []

    @given(text=JSONISH.map(lambda d: yaml.safe_dump(d, allow_unicode=True)) | CELLS)
    @FUZZ
    def run(text: str) -> None:
        before = row_counts()
        response = client.post(url, data={"csrf_token": token, "definition": text})
        if response.status_code >= 500:
            failures.append(f"{text[:120]!r}: {response.status_code}")
        elif response.status_code == 200 and row_counts() != before:
            failures.append(f"{text[:120]!r}: refused but wrote rows")

    run()
    assert failures == [], "\n".join(failures[:5])
