"""XSS corpus through every text input, checked on every page that shows it.

Each payload goes in through the real entry points (the question editor's page and the API,
an imported YAML file, the citizens' public API) as a question stem, option and feedback, a
unit name, a person's name, a survey comment, a citizen's feedback and contact name, a
rubric's name, criteria and level texts, a reviewer's note returning it, a note on a scoring
sheet, an HR decision's reason, a questionnaire's title and question (staff page and the
citizens' page). Every page that shows the text must show its marker (so the check is not
vacuous) and contain no live markup from it: no element, attribute or URL the payload
carried, and ``{{7*7}}`` never rendered as 49. Rich text (question stems) is sanitised by
nh3, so a ``<script>`` there disappears; everywhere else the text is escaped.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
import yaml

from app.extensions import db
from app.models import ChannelKind, Feedback, QuestionnaireVersion, RubricVersion, Unit
from app.surveys import channels, specs
from tests.helpers import api_token, login, post_form, unit_id
from tests.security.world import World

PAYLOADS = [
    "X1 <script>alert('x1')</script>",
    "X2 \"><img src=x onerror=alert('x2')>",
    "X3 <a href=\"javascript:alert('x3')\">bấm</a> javascript:alert('x3')",
    "X4 <svg/onload=alert('x4')><svg onload=alert('x4')>",
    "X5 {{7*7}} {%raw%}${7*7}",
    "X6 <scr\u200bipt>alert('x6')</scr\u200bipt> <img\u200b src=x onerror=alert('x6')>",
    "X7 \uff1cscript\uff1ealert('x7')\uff1c/script\uff1e "
    "e\u0301 <i\u0301mg src=x onerror=alert('x7')>",
]


TOKEN_USERS = ("admin", "author", "reviewer", "assessor", "hr")
TOKENS: dict[str, dict[str, str]] = {}


class LiveMarkup(HTMLParser):
    """Collects the elements, attributes and script text that a payload turned into markup."""

    def __init__(self, rich: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.rich = rich  # nh3 keeps a harmless <img src="x"> in rich text
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("svg", "img", "iframe") and not self.rich and ("src", "x") in attrs:
            self.found.append(f"<{tag} {attrs}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


def live_markup(html: str, rich: bool) -> list[str]:
    parser = LiveMarkup(rich)
    parser.feed(html)
    return parser.found


def check_page(client, url: str, marker: str) -> list[str]:
    """Problems of one page; question pages show the stem as sanitised rich text."""
    response = client.get(url, follow_redirects=True)
    if response.status_code != 200:
        return [f"{url}: {response.status_code}"]
    html = response.get_data(as_text=True)
    rich = url.startswith("/bank/")
    problems = [f"{url}: {found}" for found in live_markup(html, rich)]
    if marker not in html:
        problems.append(f"{url}: {marker} not shown")
    if f"{marker} 49" in html:
        problems.append(f"{url}: template injection rendered 49")
    return problems


def _question(client, author, topic: str, payload: str) -> int:
    body = {
        "type": "single_choice",
        "stem": payload,
        "topic": topic,
        "options": [{"text": payload, "credit": 1}, {"text": "Không", "credit": 0}],
    }
    response = client.post("/api/v1/bank/questions", json=body, headers=author)
    assert response.status_code == 201, response.json
    return response.json["id"]


def _edited(app, topic_id: int, payload: str) -> int:
    """The question written in the HTML editor (the page's own form); returns its id."""
    browser = app.test_client()
    login(browser, "author")
    data = {
        "qtype": "single_choice", "topic_id": str(topic_id), "stem": payload,
        "options-0-text": payload, "options-0-credit": "100", "options-0-feedback": payload,
        "options-1-text": "Không", "options-1-credit": "0", "save": "1", "tf_answer": "true",
        "difficulty": "",
    }  # fmt: skip
    response = post_form(browser, "/bank/questions/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 302, re.findall(r"invalid-feedback[^>]*>([^<]+)", page)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _imported(client, author, topic: str, payload: str, marker: str) -> None:
    data = {
        "topic": topic,
        "questions": [
            {
                "id": f"XSS-{marker}",
                "type": "single_choice",
                "stem": payload,
                "options": [{"text": payload, "credit": 1}, {"text": "Sai", "credit": 0}],
            }
        ],
    }
    upload = (io.BytesIO(yaml.safe_dump(data, allow_unicode=True).encode()), "xss.yaml")
    response = client.post(
        "/api/v1/bank/import", data={"file": upload}, headers=author,
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code in (200, 201), response.json


def _org(client, admin, payload: str, marker: str) -> tuple[int, int]:
    unit = client.post(
        "/api/v1/units",
        json={"code": f"XSS-{marker}", "name": payload, "parent_id": unit_id("ST")},
        headers=admin,
    )
    assert unit.status_code == 201, unit.json
    person = client.post(
        "/api/v1/staff", json={"full_name": payload, "unit_id": unit_id("ST-LH")}, headers=admin
    )
    assert person.status_code == 201, person.json
    return unit.json["id"], person.json["id"]


def _citizens(client, w: World, payload: str) -> None:
    code = w.args["in"]["code"]
    answers = {"officer_rating": 5, "overall": 4, "comment": payload}
    response = client.post(
        "/api/v1/public/responses", json={"channel_code": code, "answers": answers}
    )
    assert response.status_code == 201, response.json
    body = {
        "channel_code": code, "body": payload, "consent": True, "contact_name": payload,
        "contact": "0912345678",
    }  # fmt: skip
    assert client.post("/api/v1/public/feedback", json=body).status_code == 201


def _sheet_note(client, w: World, payload: str) -> None:
    assessor = TOKENS["assessor"]
    sheet = client.get(f"/api/v1/assessments/sheets/{w.args['in']['sheet_id']}", headers=assessor)
    assert sheet.status_code == 200
    key = db.session.get(RubricVersion, w.args["in"]["rubric_version_id"]).criteria[0]["key"]
    response = client.put(
        f"/api/v1/assessments/sheets/{w.args['in']['sheet_id']}",
        json={"notes": {key: payload}}, headers=assessor,
    )  # fmt: skip
    assert response.status_code == 200, response.json


def _rubric(client, payload: str, marker: str) -> int:
    """A rubric whose name, criterion and level texts are the payload, submitted by the
    author and returned by the reviewer with the payload as the review note."""
    author, reviewer = TOKENS["author"], TOKENS["reviewer"]
    levels = [{"score": s, "descriptor": f"{payload} {s}"} for s in range(3)]
    body = {
        "code": f"xss-{marker.lower()}", "name": payload, "sources": [],
        "criteria": [{"key": "tc-1", "title": payload, "weight": 1, "levels": levels}],
    }  # fmt: skip
    created = client.post("/api/v1/assessments/rubrics", json=body, headers=author)
    assert created.status_code == 201, created.json
    version = created.json["versions"][-1]["id"]
    url = f"/api/v1/assessments/rubric-versions/{version}"
    assert client.post(f"{url}/submit", json={}, headers=author).status_code == 200
    returned = client.post(f"{url}/return", json={"note": payload}, headers=reviewer)
    assert returned.status_code == 200, returned.json
    return created.json["id"]


def _questionnaire(client, w: World, payload: str, marker: str) -> tuple[int, str]:
    """A copy of the demo questionnaire with the payload as its title and first question,
    published through the API, and a QR channel showing it: (version id, channel code)."""
    admin = TOKENS["admin"]
    demo = client.get(
        f"/api/v1/questionnaires/versions/{w.args['in']['published_version_id']}", headers=admin
    ).json["definition"]
    demo["code"], demo["title"] = f"xss-{marker.lower()}", payload
    demo["sections"][0]["questions"][0]["text"] = payload
    created = client.post(
        "/api/v1/questionnaires", json={"definition": demo, "publish": True}, headers=admin
    )
    assert created.status_code == 201, created.json
    version = db.session.get(QuestionnaireVersion, created.json["id"])
    qr = channels.create_channel(ChannelKind.QR, db.session.get(Unit, unit_id("ST-LH")),
                                 version.questionnaire)  # fmt: skip
    db.session.commit()
    return version.id, qr.code


def _decision(client, w: World, payload: str) -> None:
    response = client.post(
        f"/api/v1/hr/cases/{w.args['in']['case_id']}/decisions",
        json={"decision": "commend", "reason": payload}, headers=TOKENS["hr"],
    )  # fmt: skip
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p[:2] for p in PAYLOADS])
def test_payload_is_never_live_markup(app, client, world: World, payload: str) -> None:
    marker = payload[:2]
    # one token per account (the token endpoint is rate limited)
    TOKENS.update({name: api_token(client, name) for name in TOKEN_USERS})
    admin, author = TOKENS["admin"], TOKENS["author"]
    topic = client.get("/api/v1/bank/questions", headers=author).json["items"][0]["topic"]
    question = _question(client, author, topic, payload)
    edited = _edited(app, world.args["in"]["topic_id"], payload)
    _imported(client, author, topic, payload, marker)
    unit, person = _org(client, admin, payload, marker)
    _citizens(client, world, payload)
    _sheet_note(client, world, payload)
    _decision(client, world, payload)
    rubric = _rubric(client, payload, marker)
    survey_version, qr = _questionnaire(client, world, payload, marker)
    feedback = db.session.scalar(sa.select(Feedback.id).where(Feedback.body.startswith(marker)))
    pages = {
        "author": [
            f"/bank/questions/{question}", f"/bank/questions/{edited}",
            f"/bank/questions/{edited}/edit", f"/bank/questions?q={marker}",
        ],
        "admin": [
            "/org/units", f"/org/units/{unit}", f"/org/people?q={marker}",
            f"/org/people/{person}", "/surveys/comments", "/surveys/feedback",
            f"/surveys/feedback/{feedback}", "/analytics/satisfaction/comments",
            f"/surveys/versions/{survey_version}",
        ],
        "assessor": [
            f"/assessments/rounds/{world.args['in']['round_id']}/people/"
            f"{world.args['in']['round_person_id']}/sheet"
        ],
        "hr": [f"/hr/cases/{world.args['in']['case_id']}", "/hr/verdicts"],
        "reviewer": [f"/assessments/rubrics/{rubric}", "/assessments/rubrics"],
    }  # fmt: skip
    # ids are reused after each test's wipe; the per-process snapshots of published versions
    # (app/surveys/specs.py) assume an id never changes meaning, as in production
    specs.forget_all()
    problems = check_page(app.test_client(), f"/s/{qr}", marker)  # a citizen's phone
    for username, urls in pages.items():
        browser = app.test_client()
        login(browser, username)
        problems += [p for url in urls for p in check_page(browser, url, marker)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p[:2] in {"X1", "X2", "X3", "X4"}])
def test_the_detector_sees_raw_payloads_and_not_escaped_ones(payload: str) -> None:
    """The check above would catch a page that printed the payload unescaped."""
    from markupsafe import escape

    assert live_markup(f"<p>{payload}</p>", rich=False)
    assert live_markup(f"<p>{escape(payload)}</p>", rich=False) == []
