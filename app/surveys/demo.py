"""Demo survey data: the default questionnaire, a kiosk and a QR code per demo unit, a
paper channel, and 50 unused dossier codes. Idempotent, like ``flask demo load``.

Demo kiosk tokens are derived from the app's secret key, so every run can print a
working set-up link without storing the token in clear. Never do this in production:
real kiosks get random tokens from the channel page.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass, field
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import ChannelKind, Dossier, Person, SurveyChannel, Unit
from app.surveys import channels
from app.surveys.dossiers import register_dossiers
from app.surveys.questionnaires import load_questionnaire_file

DEMO_DOSSIERS = 50


@dataclass
class DemoSurveys:
    kiosks: list[tuple[str, str, str]] = field(default_factory=list)  # unit, code, token
    qr: list[tuple[str, str]] = field(default_factory=list)  # unit, code
    dossiers: list[str] = field(default_factory=list)
    questionnaire: str = ""


def demo_token(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"demo-kiosk:{code}".encode(), hashlib.sha256).hexdigest()


def _channel(unit: Unit, kind: ChannelKind, questionnaire, duty: Person | None) -> SurveyChannel:
    found = db.session.scalar(
        sa.select(SurveyChannel).where(SurveyChannel.unit_id == unit.id, SurveyChannel.kind == kind)
    )
    if found is not None:
        return found
    counter = "Quầy 1" if kind is ChannelKind.KIOSK else ""
    channel = channels.create_channel(kind, unit, questionnaire, counter=counter)
    if kind is ChannelKind.KIOSK and duty is not None:
        channels.set_duty_officer(channel, duty)
    return channel


def _dossiers(units: list[Unit], people: dict[int, list[Person]]) -> list[str]:
    unused = list(
        db.session.scalars(
            sa.select(Dossier.code).where(Dossier.used.is_(False), Dossier.code.like("HS-%"))
        )
    )
    missing = DEMO_DOSSIERS - len(unused)
    if missing > 0:
        rng = random.SystemRandom()
        rows = []
        for index in range(missing):
            unit = units[index % len(units)]
            staff = people.get(unit.id) or [None]
            officer = rng.choice(staff)
            rows.append(
                {
                    "code": "HS-" + channels.new_code(4) + "-" + channels.new_code(4),
                    "unit_code": unit.code,
                    "procedure": "Chứng thực bản sao từ bản chính (dữ liệu mẫu)",
                    "officer_code": officer.staff_code if officer else None,
                }
            )
        register_dossiers(rows, {u.code: u for u in units})
        unused += [r["code"] for r in rows]
    return sorted(unused)[:DEMO_DOSSIERS]


def load_demo_surveys() -> DemoSurveys:
    """Create what is missing; return the kiosk links, QR codes and unused dossier codes."""
    folder = Path(current_app.root_path).parent / "question_bank" / "questionnaires"
    version = None
    for path in sorted(folder.glob("*.yaml")):
        version = load_questionnaire_file(path)
    questionnaire = version.questionnaire
    units = list(db.session.scalars(sa.select(Unit).order_by(Unit.path)))
    people: dict[int, list[Person]] = {}
    for person in db.session.scalars(sa.select(Person).order_by(Person.id)):
        people.setdefault(person.unit_id, []).append(person)
    result = DemoSurveys(questionnaire=questionnaire.code)
    for unit in units:
        duty = (people.get(unit.id) or [None])[0]
        kiosk = _channel(unit, ChannelKind.KIOSK, questionnaire, duty)
        token = demo_token(kiosk.code)
        if kiosk.active and kiosk.token_hash != channels.hash_token(token):
            channels.issue_device_token(kiosk, token)
        result.kiosks.append((unit.code, kiosk.code, token))
        result.qr.append((unit.code, _channel(unit, ChannelKind.QR, questionnaire, None).code))
    _channel(units[0], ChannelKind.PAPER, questionnaire, None)
    desks = [u for u in units if people.get(u.id)]
    result.dossiers = _dossiers(desks, people)
    db.session.flush()
    return result


def print_demo_surveys(demo: DemoSurveys, base_url: str = "http://127.0.0.1:5000") -> None:
    """Print what a tester needs: kiosk links, QR pages and the unused dossier codes."""
    click.echo(f"Khảo sát người dân (phiếu {demo.questionnaire}):")
    click.echo("  Máy khảo sát tại quầy (mở đường dẫn trên máy tính bảng):")
    for unit, code, token in demo.kiosks:
        click.echo(f"    {unit:<11} kênh {code}  {base_url}/s/kiosk#t={token}")
    click.echo("  Mã QR (trang trên điện thoại):")
    for unit, code in demo.qr:
        click.echo(f"    {unit:<11} {base_url}/s/{code}")
    click.echo(f"  {len(demo.dossiers)} mã hồ sơ chưa đánh giá (nhập tại {base_url}/s/ho-so):")
    for start in range(0, len(demo.dossiers), 5):
        click.echo("    " + "  ".join(demo.dossiers[start : start + 5]))
