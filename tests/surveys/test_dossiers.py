"""Dossier codes: bulk registration by a service token, and rated exactly once."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Dossier
from tests.conftest import make_app
from tests.helpers import api_token, forkserver_context
from tests.surveys.conftest import count_responses

URL = "/api/v1/public/responses"
ANSWERS = {"officer_rating": 2, "overall": 2}


def _rows(*codes, unit="ST-LH"):
    return [
        {
            "code": c,
            "unit_code": unit,
            "procedure": "Đăng ký khai sinh",
            "officer_code": "CB0014",
            "received_on": "2026-11-02",
            "due_on": "2026-11-05",
        }
        for c in codes
    ]


def test_register_in_bulk_with_a_service_token(client, surveys):
    headers = api_token(client, "admin", scopes="dossiers.register")
    response = client.post(
        "/api/v1/dossiers",
        headers=headers,
        json={"dossiers": _rows("H56-0001-ABCD", "h56-0002-abcd")},
    )
    assert response.status_code == 201, response.json
    assert response.json == {"created": 2, "existing": []}
    again = client.post(
        "/api/v1/dossiers", headers=headers, json={"dossiers": _rows("H56-0001-ABCD")}
    )
    assert again.json == {"created": 0, "existing": ["H56-0001-ABCD"]}
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.code == "H56-0002-ABCD"))
    assert dossier.procedure == "Đăng ký khai sinh" and dossier.used is False


def test_registration_is_all_or_nothing_and_scoped(client, surveys):
    headers = api_token(client, "admin", scopes="dossiers.register")
    bad = (
        _rows("GOOD-000001")
        + _rows("BAD-0000001", unit="NO-SUCH-UNIT")
        + [{"code": "X1", "unit_code": "ST-LH"}]
    )
    response = client.post("/api/v1/dossiers", headers=headers, json={"dossiers": bad})
    assert response.status_code == 422
    assert [r["row"] for r in response.json["error"]["details"]["rows"]] == [1, 2]
    assert db.session.scalar(sa.select(Dossier.id).where(Dossier.code == "GOOD-000001")) is None
    hr = api_token(client, "hr")  # HR may not register dossiers
    assert (
        client.post(
            "/api/v1/dossiers", headers=hr, json={"dossiers": _rows("HR-00000001")}
        ).status_code
        == 403
    )
    narrow = api_token(client, "admin", scopes="people.view")  # token scope too narrow
    assert (
        client.post(
            "/api/v1/dossiers", headers=narrow, json={"dossiers": _rows("HR-00000001")}
        ).status_code
        == 403
    )


def test_a_code_rates_once_then_409_and_unknown_404(client, surveys):
    code = surveys.dossiers[3]
    first = client.post(URL, json={"dossier_code": code.lower(), "answers": ANSWERS})
    assert first.status_code == 201 and first.json["verified"] is True
    second = client.post(URL, json={"dossier_code": code, "answers": ANSWERS})
    assert second.status_code == 409
    assert second.json["error"]["code"] == "used_dossier"
    unknown = client.post(URL, json={"dossier_code": "HS-NOPE-NOPE", "answers": ANSWERS})
    assert unknown.status_code == 404
    assert unknown.json["error"]["code"] == "unknown_dossier"
    assert count_responses() == 1
    assert client.get(f"/api/v1/public/dossiers/{code}").status_code == 409


def test_invalid_answers_do_not_use_up_the_code(client, surveys):
    code = surveys.dossiers[4]
    bad = client.post(URL, json={"dossier_code": code, "answers": {"officer_rating": 9}})
    assert bad.status_code == 422
    assert db.session.scalar(sa.select(Dossier.used).where(Dossier.code == code)) is False
    assert client.post(URL, json={"dossier_code": code, "answers": ANSWERS}).status_code == 201


def test_dossier_response_rates_the_registered_officer(client, surveys):
    from app.models import Person, SurveyResponse

    headers = api_token(client, "admin", scopes="dossiers.register")
    client.post("/api/v1/dossiers", headers=headers, json={"dossiers": _rows("OFFICER-0001")})
    assert (
        client.post(URL, json={"dossier_code": "OFFICER-0001", "answers": ANSWERS}).status_code
        == 201
    )
    officer = db.session.scalar(sa.select(SurveyResponse.officer_id))
    assert officer == db.session.scalar(sa.select(Person.id).where(Person.staff_code == "CB0014"))


# --- two clients at once ------------------------------------------------------------------

CLIENTS = 4


def _submit(url: str, code: str, barrier, queue) -> None:
    app = make_app(url)
    client = app.test_client()
    with app.app_context():
        barrier.wait(timeout=60)
        response = client.post(URL, json={"dossier_code": code, "answers": ANSWERS})
        queue.put(response.status_code)


def test_concurrent_submissions_of_one_code_store_one_response(client, surveys, base_app):
    code = surveys.dossiers[7]
    url = base_app.config["SQLALCHEMY_DATABASE_URI"]
    ctx = forkserver_context(__name__)
    barrier, queue = ctx.Barrier(CLIENTS), ctx.Queue()
    procs = [ctx.Process(target=_submit, args=(url, code, barrier, queue)) for _ in range(CLIENTS)]
    for p in procs:
        p.start()
    statuses = sorted(queue.get(timeout=180) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert statuses == [201] + [409] * (CLIENTS - 1)
    db.session.remove()
    assert count_responses(verified=True) == 1
