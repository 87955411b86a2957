"""``flask surveys purge-keys``: old kiosk idempotency keys go, recent ones stay."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import ChannelKind, SubmissionKey
from app.surveys.responses import today
from tests.surveys.conftest import channel_of


def _keys() -> set[str]:
    return set(db.session.scalars(sa.select(SubmissionKey.key)))


def test_purge_keys_deletes_only_old_keys(app, surveys):
    kiosk = channel_of("ST-LH", ChannelKind.KIOSK)
    for age in (40, 31, 30, 1, 0):
        db.session.add(
            SubmissionKey(channel_id=kiosk.id, key=f"k{age}", day=today() - timedelta(days=age))
        )
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["surveys", "purge-keys"])
    assert result.exit_code == 0, result.output
    assert "Đã xóa 2 khóa" in result.output and "30 ngày" in result.output
    db.session.expire_all()
    assert _keys() == {"k30", "k1", "k0"}  # strictly older than 30 days goes
    result = runner.invoke(args=["surveys", "purge-keys", "--days", "1"])
    assert result.exit_code == 0 and "Đã xóa 1 khóa" in result.output
    db.session.expire_all()
    assert _keys() == {"k1", "k0"}


def test_purge_keys_refuses_a_bad_number_of_days(app, surveys):
    result = app.test_cli_runner().invoke(args=["surveys", "purge-keys", "--days", "0"])
    assert result.exit_code == 2 and "--days" in result.output


def test_a_purged_key_is_no_longer_remembered(app, surveys, client):
    from tests.surveys.conftest import kiosk_of

    code, token = kiosk_of(surveys, "ST-LH")
    body = {"channel_code": code, "idempotency_key": "a" * 32, "answers": {"officer_rating": 4}}
    headers = {"X-Device-Token": token}
    assert client.post("/api/v1/public/responses", json=body, headers=headers).status_code == 201
    db.session.execute(sa.update(SubmissionKey).values(day=today() - timedelta(days=45)))
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["surveys", "purge-keys"]).exit_code == 0
    db.session.expire_all()
    assert _keys() == set()
