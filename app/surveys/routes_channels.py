"""Staff pages for channels: list, create, kiosk device tokens, revoke, duty officer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, authenticated, requires, scope_clause
from app.extensions import db
from app.models import ChannelKind, Person, PersonStatus, Questionnaire, SurveyChannel, Unit
from app.org.queries import unit_choices
from app.surveys import bp, channels, queries
from app.surveys.forms import KIND_LABELS, ChannelForm, DutyForm


def _channel_or_404(channel_id: int, perm: Perm):
    channel = queries.channel_in_scope_or_none(channel_id, perm)
    if channel is None:
        abort(404)
    return channel


@bp.route("/channels")
@requires(Perm.SURVEYS_VIEW)
def list_channels():
    return render_template(
        "surveys/list_channels.html",
        channels=queries.channels_in_scope(),
        kinds=KIND_LABELS,
        can_manage=current_user.can(Perm.SURVEYS_MANAGE),
    )


def _people_choices(unit: Unit | None = None) -> list[tuple[int, str]]:
    """Active people of ``unit`` (any caller allowed there), else of the manager's scope."""
    stmt = (
        sa.select(Person)
        .join(Unit, Person.unit_id == Unit.id)
        .where(Person.status == PersonStatus.ACTIVE)
        .order_by(Person.sort_key)
    )
    if unit is None:
        stmt = stmt.where(scope_clause(Perm.SURVEYS_MANAGE, Unit.path))
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path, autoescape=True))
    return [(p.id, f"{p.full_name} ({p.unit.name})") for p in db.session.scalars(stmt)]


@bp.route("/channels/new", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def create_channel():
    form = ChannelForm()
    form.unit_id.choices = unit_choices(Perm.SURVEYS_MANAGE)
    form.questionnaire_id.choices = [
        (q.id, f"{q.code} — {q.title}")
        for q in db.session.scalars(sa.select(Questionnaire).order_by(Questionnaire.code))
    ]
    form.officer_id.choices = [(0, _("(Không — cả đơn vị / quầy)")), *_people_choices()]
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        if unit is None or not current_user.can(Perm.SURVEYS_MANAGE, unit):
            abort(404)
        officer = db.session.get(Person, form.officer_id.data) if form.officer_id.data else None
        try:
            channel = channels.create_channel(
                ChannelKind(form.kind.data),
                unit,
                db.session.get(Questionnaire, form.questionnaire_id.data),
                label=form.label.data,
                counter=form.counter.data,
                officer=officer,
            )
        except channels.ChannelError as exc:
            form.officer_id.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã tạo kênh %(code)s.", code=channel.code), "success")
            return redirect(url_for("surveys.list_channels"))
    return render_template("surveys/create_channel.html", form=form)


@bp.route("/channels/<int:channel_id>/token", methods=["POST"])
@requires(Perm.SURVEYS_MANAGE)
def issue_token(channel_id: int):
    """A new device token for a kiosk, shown once as a set-up link; the old one stops."""
    channel = _channel_or_404(channel_id, Perm.SURVEYS_MANAGE)
    try:
        token = channels.issue_device_token(channel)
    except channels.ChannelError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("surveys.list_channels"))
    db.session.commit()
    link = url_for("public_survey.kiosk", _external=True) + "#t=" + token
    return render_template("surveys/kiosk_token.html", channel=channel, link=link)


@bp.route("/channels/<int:channel_id>/revoke", methods=["POST"])
@requires(Perm.SURVEYS_MANAGE)
def revoke_channel(channel_id: int):
    channel = _channel_or_404(channel_id, Perm.SURVEYS_MANAGE)
    channels.revoke_channel(channel)
    db.session.commit()
    flash(_("Đã thu hồi kênh %(code)s.", code=channel.code), "success")
    return redirect(url_for("surveys.list_channels"))


def _may_set_duty(channel) -> bool:
    if current_user.can(Perm.SURVEYS_MANAGE, channel.unit):
        return True
    return current_user.can(Perm.EXAMS_PROCTOR, channel.unit)


@bp.route("/channels/<int:channel_id>/duty", methods=["GET", "POST"])
@authenticated
def set_duty(channel_id: int):
    """Who serves at a kiosk's counter: a manager or proctor picks anyone of the unit,
    an officer of the unit may only put themselves on duty."""
    channel = _kiosk_or_404(channel_id)
    full = _may_set_duty(channel)
    own = current_user.person_id
    if not full and (own is None or not _person_in(own, channel.unit)):
        abort(404)
    form = DutyForm()
    choices = _people_choices(channel.unit)
    form.person_id.choices = choices if full else [c for c in choices if c[0] == own]
    if form.validate_on_submit():
        channels.set_duty_officer(channel, db.session.get(Person, form.person_id.data))
        db.session.commit()
        flash(_("Đã ghi nhận công chức trực quầy."), "success")
        return redirect(url_for("surveys.set_duty", channel_id=channel.id))
    return render_template("surveys/set_duty.html", form=form, channel=channel)


def _kiosk_or_404(channel_id: int) -> SurveyChannel:
    channel = db.session.get(SurveyChannel, channel_id)
    if channel is None or channel.kind is not ChannelKind.KIOSK or not channel.active:
        abort(404)
    return channel


def _person_in(person_id: int, unit: Unit) -> bool:
    person = db.session.get(Person, person_id)
    return person is not None and person.unit.is_within(unit)
