"""Anonymity by construction: nothing in the response tables can name the citizen."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Base, Dossier, SurveyResponse
from tests.surveys.conftest import count_responses, qr_of

RESPONSE_TABLES = ("survey_responses", "survey_answers", "survey_submission_keys")
# Column names that would identify (or help identify) the person who answered.
IDENTIFYING = re.compile(
    r"account|user|login|session|ip|addr|agent|fingerprint|device|dossier|token|"
    r"email|phone|contact|name|created|updated|time|_at$|seq|serial",
    re.IGNORECASE,
)
ALLOWED_FOREIGN = {
    "survey_questionnaire_versions",
    "survey_channels",
    "units",
    "people",
    "survey_questions",
    "survey_responses",
    "survey_paper_batches",
}


def test_response_tables_have_no_identifying_column():
    tables = {name: Base.metadata.tables[name] for name in RESPONSE_TABLES}
    offenders = [
        f"{t.name}.{c.name}"
        for t in tables.values()
        for c in t.columns
        if IDENTIFYING.search(c.name)
    ]
    assert offenders == []
    # no timestamp at all: dates only (a day is not a moment)
    timestamps = [
        f"{t.name}.{c.name}"
        for t in tables.values()
        for c in t.columns
        if isinstance(c.type, sa.DateTime) or getattr(c.type, "impl", None).__class__ is sa.DateTime
    ]
    assert timestamps == []
    foreign = {fk.column.table.name for t in tables.values() for fk in t.foreign_keys}
    assert foreign <= ALLOWED_FOREIGN
    assert "accounts" not in foreign and "survey_dossiers" not in foreign


def test_dossier_table_does_not_point_at_responses():
    table = Dossier.__table__
    assert {fk.column.table.name for fk in table.foreign_keys} <= {"units", "people"}
    assert not [
        c.name
        for c in table.columns
        if "response" in c.name or (c.name.endswith("_at") and c.name != "registered_at")
    ]


def test_response_tables_have_no_rowid_order_on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        return
    for name in RESPONSE_TABLES:
        sql = db.session.scalar(
            sa.text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}
        )
        assert "WITHOUT ROWID" in sql


def test_stored_rows_hold_nothing_from_the_request(client, surveys):
    code = surveys.dossiers[0]
    headers = {
        "User-Agent": "Mozilla/5.0 (Linux; Android 4.4) TestPhone/1.0",
        "X-Forwarded-For": "203.0.113.77",
    }
    body = {
        "dossier_code": code,
        "answers": {"officer_rating": 4, "overall": 5, "comment": "Cảm ơn cán bộ"},
    }
    response = client.post(
        "/api/v1/public/responses",
        json=body,
        headers=headers,
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    assert response.status_code == 201, response.json
    qr = client.post(
        "/api/v1/public/responses",
        headers=headers,
        json={
            "channel_code": qr_of(surveys, "ST-LH"),
            "answers": {"officer_rating": 3, "overall": 3},
        },
    )
    assert qr.status_code == 201
    dump = []
    for name in RESPONSE_TABLES:
        for row in db.session.execute(sa.text(f"SELECT * FROM {name}")):
            dump.extend(str(v) for v in row)
    text = " ".join(dump)
    for secret in (code, "198.51.100.23", "203.0.113.77", "TestPhone", "Android"):
        assert secret not in text
    ids = list(db.session.scalars(sa.select(SurveyResponse.id)))
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert count_responses(verified=True) == 1
    # the dossier is marked used, and nothing in its row names the response
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.code == code))
    assert dossier.used is True
    assert not any(
        i in " ".join(str(getattr(dossier, c.name)) for c in Dossier.__table__.columns) for i in ids
    )
