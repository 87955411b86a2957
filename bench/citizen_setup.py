"""The citizen benchmarks' database: a fresh schema with the demo province, its survey
data and extra kiosks; counting stored responses and idempotency keys afterwards."""

from __future__ import annotations


def prepare(url: str, kiosks: int) -> dict:
    """Schema, demo province and survey data, ``kiosks`` kiosks with device tokens; the ids
    the bare endpoint needs, the QR codes and the kiosk tokens."""
    import sqlalchemy as sa

    from app import create_app
    from app.cli.demo import load_demo
    from app.config import Config
    from app.extensions import db
    from app.models import SurveyQuestion
    from app.surveys.demo import load_demo_surveys
    from app.surveys.submit import public_channel

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo(with_bank=False)
        demo = load_demo_surveys()
        code = dict(demo.qr)["ST-LH"]
        channel = public_channel(code)
        version = channel.questionnaire.versions[-1]
        keys = dict(
            db.session.execute(
                sa.select(SurveyQuestion.key, SurveyQuestion.id).where(
                    SurveyQuestion.version_id == version.id
                )
            ).all()
        )
        tokens = _kiosk_tokens(demo, channel.questionnaire, kiosks)
        db.session.commit()
        ids = {
            "code": code,
            "channel": channel.id,
            "unit": channel.unit_id,
            "version": version.id,
            "q1": keys["officer_rating"],
            "q2": keys["overall"],
        }
        db.engine.dispose()
    return {"ids": ids, "qr_codes": [c for _u, c in demo.qr], "kiosk_tokens": tokens}


def _kiosk_tokens(demo, questionnaire, wanted: int) -> list[str]:
    """The demo kiosks' tokens, and more kiosks (spread over the units) up to ``wanted``."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import ChannelKind, Unit
    from app.surveys.channels import create_channel, issue_device_token

    tokens = [token for _unit, _code, token in demo.kiosks][:wanted]
    units = list(db.session.scalars(sa.select(Unit).order_by(Unit.path)))
    for n in range(wanted - len(tokens)):
        unit = units[n % len(units)]
        kiosk = create_channel(ChannelKind.KIOSK, unit, questionnaire, counter=f"Quầy {n + 2}")
        tokens.append(issue_device_token(kiosk))
    return tokens


def stored_keys(url: str, keys: list[str]) -> set[str]:
    """Which of these idempotency keys have their row (written with the response)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    found: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            found |= set(
                conn.execute(
                    sa.text("SELECT key FROM survey_submission_keys WHERE key IN :k").bindparams(
                        sa.bindparam("k", expanding=True)
                    ),
                    {"k": part},
                ).scalars()
            )
    engine.dispose()
    return found


def count_rows(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM survey_responses")).scalar_one()
    engine.dispose()
    return n
