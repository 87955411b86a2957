"""The app as ``bench/citizen_surge.py`` serves it through gunicorn, plus a bare endpoint.

``POST /bench/bare`` writes the same rows as a survey response (one response, two
answers) with no validation, no rate limit, no idempotency or burst check: the
baseline the real path is compared with. It exists only in this benchmark app.
"""

from __future__ import annotations

import os
import uuid
from datetime import date

from flask import request

from app import create_app
from app.access import public
from app.config import Config
from app.extensions import csrf, db
from app.models import SurveyAnswer, SurveyResponse

# BENCH_LIMITS=bench (the ratio: every request comes from 127.0.0.1, so the limits stay
# on but high enough for a surge) or "production" (the morning peak: the shipped limits,
# each simulated phone on its own loopback address).
BENCH_LIMITS = {
    "SURVEY_LIMIT_ADDRESS": "1000000 per minute",
    "SURVEY_BURST_LIMIT": "1000000 per minute",
}
app = create_app(Config, BENCH_LIMITS if os.environ.get("BENCH_LIMITS") != "production" else {})
IDS = {k: int(v) for k, v in (p.split("=") for p in os.environ["BENCH_IDS"].split(","))}


@public
def public_bench_bare():
    body = request.get_json()
    response_id = uuid.uuid4().hex
    db.session.execute(
        SurveyResponse.__table__.insert().values(
            id=response_id,
            version_id=IDS["version"],
            channel_kind="qr",
            channel_id=IDS["channel"],
            unit_id=IDS["unit"],
            day=date.today(),
            verified=False,
            flagged=False,
        )
    )
    db.session.execute(
        SurveyAnswer.__table__.insert(),
        [
            {
                "response_id": response_id,
                "question_id": IDS["q1"],
                "choice": "",
                "number": body["a"],
            },
            {
                "response_id": response_id,
                "question_id": IDS["q2"],
                "choice": "",
                "number": body["b"],
            },
        ],
    )
    db.session.commit()
    return {"status": "stored"}, 201


app.add_url_rule("/bench/bare", "public_bench_bare", public_bench_bare, methods=["POST"])
csrf.exempt(public_bench_bare)
