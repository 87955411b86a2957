"""Formula injection: every XLSX and CSV download, fed user text starting with = + - @ tab CR.

``EXPORTS`` lists every download of ``url_map`` with the URLs of each format; a test fails on
any endpoint that looks like a download (a ``.<fmt>``/``.xlsx`` rule, ``export``/``template``
in its name) and is missing from the list. The hostile texts go in through the API: the unit
Xã Long Hưng renamed, the ``staff`` officer renamed (and given a position directly), a
citizen's comment, a question's stem and option. Each file is reloaded with openpyxl / csv:
no formula cell, no text cell that a spreadsheet would read as a formula, and where the text
must appear, it appears neutralised (a leading apostrophe).
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from flask import Flask

from app.analytics import rates_output, satisfaction_output
from app.extensions import db
from app.models import Attempt, Person
from tests.helpers import api_token, login, unit_id
from tests.security.world import World

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
UNIT = '=HYPERLINK("http://x.example","bấm")'
PERSON = "+1+1 Nguyễn Văn Độc"
POSITION = "\t=1+1 chức vụ"
COMMENT = "-2+3 góp ý của người dân"
STEM = "@SUM(A1) câu hỏi độc"
OPTION = "\r=1+1 phương án"


def _fmt(*formats: str):
    return lambda path: [path.format(fmt=f) for f in formats]


# endpoint → (URLs from the world's "in" objects, texts that must appear in every file)
EXPORTS = {
    "analytics.export_exam_items": (
        lambda w: _fmt("csv", "xlsx")(f"/analytics/exams/{w['exam_id']}/items.{{fmt}}"),
        [],
    ),
    "analytics.download_pass_rates": (
        lambda w: [
            f"/analytics/pass-rates/{name}.{fmt}"
            for name in rates_output.TABLES
            for fmt in ("csv", "xlsx")
        ],
        [],
    ),
    "analytics.export_question_items": (
        lambda w: _fmt("csv", "xlsx")(f"/analytics/questions/{w['question_id']}/stats.{{fmt}}"),
        [],
    ),
    "analytics.download_satisfaction": (
        lambda w: [
            f"/analytics/satisfaction/{name}.{fmt}"
            for name in satisfaction_output.TABLES
            for fmt in ("csv", "xlsx")
        ],
        [],
    ),
    "surveys.export_table": (
        lambda w: _fmt("csv", "xlsx")("/surveys/export/responses.{fmt}"),
        [COMMENT, UNIT],
    ),
    "surveys.export_table/distribution": (
        lambda w: _fmt("csv", "xlsx")("/surveys/export/distribution.{fmt}"),
        [],
    ),
    "surveys.dossier_template": (
        lambda w: _fmt("csv", "xlsx")("/surveys/dossiers/template.{fmt}"),
        [],
    ),
    "exams.export_results": (lambda w: [f"/exams/{w['exam_id']}/results.xlsx"], [PERSON, UNIT]),
    "bank.export_questions": (
        lambda w: _fmt("csv", "xlsx")("/bank/export?format={fmt}"),
        [STEM, OPTION.strip()],
    ),
    "api_bank.export_questions": (
        lambda w: _fmt("csv", "xlsx")("/api/v1/bank/export?format={fmt}"),
        [STEM],
    ),
    "bank.download_template": (lambda w: ["/bank/template"], []),
}
DOWNLOAD_HINTS = (".<fmt>", ".xlsx", ".csv", "export", "template", "download")


def test_every_download_is_in_the_list(app: Flask) -> None:
    looks_like = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if any(h in rule.rule or h in rule.endpoint for h in DOWNLOAD_HINTS)
        and not rule.endpoint.startswith(("static", "reports."))  # DOCX, no cells
        and "chart" not in rule.endpoint  # PNG/SVG
        and rule.endpoint != "surveys.poster"  # PNG/SVG/PDF
        and rule.endpoint != "api_surveys.export_responses"  # JSON, no spreadsheet
    }
    listed = {e.split("/")[0] for e in EXPORTS}
    assert looks_like <= listed, looks_like - listed


def _plant(client, w: World) -> None:
    admin = api_token(client, "admin")
    r = client.patch(f"/api/v1/units/{unit_id('ST-LH')}", json={"name": UNIT}, headers=admin)
    assert r.status_code == 200, r.json
    staff = db.session.get(Attempt, w.args["in"]["attempt_id"]).person_id
    r = client.patch(f"/api/v1/staff/{staff}", json={"full_name": PERSON}, headers=admin)
    assert r.status_code == 200, r.json
    db.session.get(Person, staff).position = POSITION  # the API does not edit positions
    db.session.commit()
    answers = {"officer_rating": 5, "overall": 4, "comment": COMMENT}
    r = client.post(
        "/api/v1/public/responses", json={"channel_code": w.args["in"]["code"], "answers": answers}
    )
    assert r.status_code == 201, r.json
    author = api_token(client, "author")
    topic = client.get("/api/v1/bank/questions", headers=author).json["items"][0]["topic"]
    question = {
        "type": "single_choice", "stem": STEM, "stem_format": "plain", "topic": topic,
        "options": [{"text": OPTION, "credit": 1}, {"text": "Không", "credit": 0}],
    }  # fmt: skip
    r = client.post("/api/v1/bank/questions", json=question, headers=author)
    assert r.status_code == 201, r.json


def _number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def cells_of(data: bytes, url: str) -> list[tuple[str, object]]:
    """(kind, value) of every non-empty cell: "f" for formulas, else "v"."""
    if ".xlsx" in url or "format=xlsx" in url or url.endswith("/template"):
        book = openpyxl.load_workbook(io.BytesIO(data))
        return [
            ("f" if c.data_type == "f" else "v", c.value)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        ]
    text = data.decode("utf-8-sig")
    return [("v", v) for row in csv.reader(io.StringIO(text)) for v in row if v]


def problems_of(data: bytes, url: str, must_show: list[str]) -> list[str]:
    cells = cells_of(data, url)
    found = [f"{url}: formula {v!r}" for k, v in cells if k == "f"]
    texts = [v for _k, v in cells if isinstance(v, str)]
    found += [
        f"{url}: live {v[:30]!r}" for v in texts if v.startswith(DANGEROUS) and not _number(v)
    ]
    for text in must_show:
        if not any(t.startswith("'") and text.strip() in t for t in texts):
            found.append(f"{url}: {text[:20]!r} not shown neutralised")
    return found


def test_every_export_is_inert(app: Flask, client, world: World) -> None:
    _plant(client, world)
    login(client, "admin")
    problems, files = [], 0
    for endpoint, (urls, must_show) in EXPORTS.items():
        for url in urls(world.args["in"]):
            response = client.get(url)
            if response.status_code != 200:
                problems.append(f"{endpoint} {url}: {response.status_code}")
                continue
            files += 1
            problems += problems_of(response.data, url, must_show)
    assert problems == [], "\n".join(problems)
    assert files >= 40


@pytest.mark.parametrize("hostile", [UNIT, PERSON, POSITION, COMMENT, STEM, OPTION])
def test_the_check_sees_a_live_cell(hostile: str) -> None:
    """problems_of would catch a file that wrote the text as it came."""
    data = ("name\r\n" + '"' + hostile.replace('"', '""') + '"\r\n').encode()
    assert problems_of(data, "x.csv", [])
