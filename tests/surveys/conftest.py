"""Survey fixtures: the demo province plus its survey data (questionnaire, channels, codes)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ChannelKind, SurveyChannel, Unit
from tests.conftest import restore_or_load


@pytest.fixture
def surveys(demo):
    """The demo survey data (``DemoSurveys``): kiosk links, QR codes, 50 dossier codes."""
    from app.surveys.demo import load_demo_surveys

    return restore_or_load(demo, "surveys", load_demo_surveys)


def channel_of(unit_code: str, kind: ChannelKind) -> SurveyChannel:
    return db.session.scalar(
        sa.select(SurveyChannel)
        .join(Unit, SurveyChannel.unit_id == Unit.id)
        .where(Unit.code == unit_code, SurveyChannel.kind == kind)
    )


def kiosk_of(surveys, unit_code: str) -> tuple[str, str]:
    """(channel code, device token) of a demo unit's kiosk."""
    return next((code, token) for unit, code, token in surveys.kiosks if unit == unit_code)


def qr_of(surveys, unit_code: str) -> str:
    return next(code for unit, code in surveys.qr if unit == unit_code)


def count_responses(**where) -> int:
    from app.models import SurveyResponse

    stmt = sa.select(sa.func.count()).select_from(SurveyResponse)
    for name, value in where.items():
        stmt = stmt.where(getattr(SurveyResponse, name) == value)
    return db.session.scalar(stmt)
