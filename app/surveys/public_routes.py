"""Citizens' pages under /s: QR/mobile form, dossier code, feedback, kiosk shell.

They work without JavaScript (plain form posts; a small script only hides follow-up
questions), weigh well under 100 KB, load nothing from outside, and never store the
caller's address: it serves the rate limiter only.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from app.access import public
from app.extensions import db
from app.surveys import guard, public_bp, responses, submit
from app.surveys.answers import AnswerError, answers_from_form
from app.surveys.channels import channel_by_code
from app.surveys.dossiers import DossierError
from app.surveys.feedback import FeedbackError, create_feedback
from app.surveys.present import SCALE, pick, sections_with_questions


@public_bp.context_processor
def _inject() -> dict:
    return {"pick": pick, "scale": SCALE}


def _channel_or_404(code: str):
    try:
        return submit.public_channel(code)
    except (submit.NotFound, responses.ChannelClosed):
        abort(404)


def _form_page(target: responses.Target, *, errors=None, values=None, status=200, **extra):
    page = render_template(
        "surveys/public_form.html",
        version=target.version,
        sections=sections_with_questions(target.version, target.short),
        errors=errors or {},
        values=values or {},
        key=secrets.token_urlsafe(16),
        **extra,
    )
    return page, status


def _store(target: responses.Target, thanks_code: str = ""):
    """Store the posted answers; the thank-you redirect, or the form again with errors."""
    answers = answers_from_form(target.version, request.form, short=target.short)
    try:
        responses.submit_response(
            target, answers, key=request.form.get("key", "")[:64], drop_hidden=True
        )
    except AnswerError as exc:
        db.session.rollback()
        return None, exc.details, answers
    db.session.commit()
    return redirect(url_for("public_survey.thanks", c=thanks_code or None)), None, None


@public_bp.route("/<code>", methods=["GET", "POST"])
@guard.limit_public_post
@public
def answer_channel(code: str):
    """The questionnaire of a QR or paper channel (not of a kiosk: that needs its token)."""
    channel = _channel_or_404(code)
    if channel.kind.value == "kiosk":
        abort(404)
    try:
        target = responses.channel_target(channel)
    except responses.ChannelClosed:
        abort(404)
    if request.method == "POST":
        done, errors, values = _store(target, channel.code)
        if done is not None:
            return done
        return _form_page(target, errors=errors, values=values, status=422, channel=channel)
    return _form_page(target, channel=channel)


@public_bp.route("/ho-so", methods=["GET", "POST"])
@guard.limit_public_post
@public
def answer_dossier():
    """Rate a dossier by the code on its receipt: once per code, marked "verified"."""
    code = request.form.get("dossier_code", "").strip()
    if request.method == "GET" or not code:
        return render_template("surveys/public_dossier.html", error="", code=code)
    try:
        target = responses.dossier_target(code, submit.latest_dossier_version())
    except (DossierError, responses.ChannelClosed) as exc:
        message = str(exc) if isinstance(exc, DossierError) else ""
        return render_template("surveys/public_dossier.html", error=message, code=code), 422
    if request.form.get("step") != "answer":
        return _form_page(target, dossier_code=target.dossier_code)
    try:
        done, errors, values = _store(target)
    except DossierError as exc:  # used by a concurrent submission meanwhile
        db.session.rollback()
        return render_template("surveys/public_dossier.html", error=str(exc), code=code), 409
    if done is not None:
        return done
    return _form_page(target, errors=errors, values=values, status=422, dossier_code=code)


@public_bp.route("/cam-on")
@public
def thanks():
    channel = channel_by_code(request.args["c"]) if request.args.get("c") else None
    return render_template("surveys/public_thanks.html", channel=channel)


@public_bp.route("/<code>/gop-y", methods=["GET", "POST"])
@guard.limit_public_post
@public
def give_feedback(code: str):
    """A comment or complaint for the unit head; contact details only with consent."""
    channel = _channel_or_404(code)
    errors: dict[str, str] = {}
    form = request.form
    if request.method == "POST":
        try:
            create_feedback(
                channel.unit,
                form.get("body", ""),
                kind=form.get("kind", "comment"),
                consent=form.get("consent") == "yes",
                contact_name=form.get("contact_name", ""),
                contact=form.get("contact", ""),
                officer_id=channel.officer_id,
            )
        except FeedbackError as exc:
            db.session.rollback()
            errors = exc.details
        else:
            db.session.commit()
            return render_template("surveys/public_feedback_done.html", channel=channel)
    page = render_template(
        "surveys/public_feedback.html", channel=channel, errors=errors, form=form
    )
    return page, 422 if errors else 200


@public_bp.route("/kiosk")
@public
def kiosk():
    """The kiosk's full-screen shell; kiosk.js reads its device token from localStorage."""
    return render_template("surveys/kiosk.html")


@public_bp.route("/kiosk-sw.js")
@public
def kiosk_service_worker():
    """The kiosk's service worker, served under /s/ so that its scope may be /s/kiosk."""
    folder = Path(current_app.static_folder or "static") / "js"
    response = send_from_directory(folder, "kiosk-sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
