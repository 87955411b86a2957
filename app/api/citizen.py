"""The citizens' API under /api/v1/public: questionnaires, responses, feedback.

No account, no session. (The module is not called ``public``: that name is the access
decorator inside the ``app.api`` package.)

Every route here is ``@public`` (and so exempt from session CSRF). Abuse is handled by
the rate limits of ``app.surveys.guard`` (per address, per kiosk device token), the
kiosk interval, and the burst detector; the caller's address is never stored. A response
submission counts its caller's limit and the burst detector in one round trip to the
limiter's storage (``app.surveys.admission``) before its body is even validated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from flask import g, request
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import public
from app.api.schemas import ERRORS, BaseSchema
from app.errors import ApiError, messages
from app.extensions import db
from app.surveys import admission, guard, responses, submit
from app.surveys import feedback as feedback_service
from app.surveys.answers import AnswerError
from app.surveys.dossiers import DossierError
from app.surveys.present import questionnaire_json

PREFIX = "/public"
blp = Blueprint("public_api", __name__, description="Khảo sát người dân (không cần đăng nhập)")
MAX_BODY = 2 * 1024 * 1024
KEY_RE = r"^[A-Za-z0-9_-]{8,64}$"


class ResponseIn(BaseSchema):
    channel_code = fields.String(load_default="", validate=validate.Length(0, 20))
    dossier_code = fields.String(load_default="", validate=validate.Length(0, 60))
    idempotency_key = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(KEY_RE)
    )
    version_id = fields.Integer(load_default=None, allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


class ResponseOut(BaseSchema):
    status = fields.String(required=True)  # "stored" | "duplicate"
    verified = fields.Boolean()
    flagged_for_review = fields.Boolean()


class QuestionnaireOut(BaseSchema):
    """Documents ``present.questionnaire_json`` (the body is built there, not dumped here)."""

    version_id = fields.Integer()
    code = fields.String()
    title = fields.String()
    title_en = fields.String(allow_none=True)
    intro = fields.String(allow_none=True)
    intro_en = fields.String(allow_none=True)
    short_form = fields.Boolean()
    scale = fields.Raw(metadata={"description": "labels of the 1-5 scale"})
    scale_en = fields.Raw()
    sections = fields.List(fields.Dict(), metadata={"description": "sections with questions"})


class KioskOut(BaseSchema):
    channel_code = fields.String()
    unit = fields.String()
    counter = fields.String(allow_none=True)
    officer = fields.String()
    min_interval_seconds = fields.Integer()
    idle_seconds = fields.Integer()
    questionnaire = fields.Nested(QuestionnaireOut)


class DossierOut(BaseSchema):
    rateable = fields.Boolean()
    questionnaire = fields.Nested(QuestionnaireOut)


class FeedbackIn(BaseSchema):
    channel_code = fields.String(required=True, validate=validate.Length(1, 20))
    body = fields.String(required=True)
    kind = fields.String(load_default="comment")
    consent = fields.Boolean(load_default=False)
    contact_name = fields.String(load_default="", validate=validate.Length(0, 200))
    contact = fields.String(load_default="", validate=validate.Length(0, 200))


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the survey services' exceptions into the API's error shape (and roll back)."""
    try:
        yield
    except Exception as exc:
        db.session.rollback()
        raise _api_error(exc) from exc


def _api_error(exc: Exception) -> Exception:
    if isinstance(exc, AnswerError):
        return ApiError(422, "invalid_answers", "Câu trả lời không hợp lệ.", exc.details)
    if isinstance(exc, DossierError):
        return ApiError(409 if exc.code == "used_dossier" else 404, exc.code, str(exc))
    if isinstance(exc, submit.DeviceRejected):
        if exc.revoked:
            return ApiError(403, "device_revoked", "Máy khảo sát này đã bị thu hồi.")
        return ApiError(401, "device_token_required", "Thiếu hoặc sai mã thiết bị.")
    if isinstance(exc, submit.NotFound):
        return ApiError(404, "not_found", "Không tìm thấy kênh khảo sát.")
    if isinstance(exc, responses.ChannelClosed):
        return ApiError(403, "channel_closed", "Kênh khảo sát này đã ngừng hoạt động.")
    if isinstance(exc, responses.TooSoon):
        return ApiError(429, "too_soon", "Vui lòng chờ vài giây trước khi đánh giá tiếp.")
    if isinstance(exc, feedback_service.FeedbackError):
        return ApiError(422, "invalid_feedback", "Góp ý không hợp lệ.", exc.details)
    if isinstance(exc, ValueError):
        return ApiError(422, "invalid_input", str(exc))
    return exc


@blp.route("/questionnaires/<channel_code>", methods=["GET"])
@blp.alt_response(200, schema=QuestionnaireOut)
@blp.alt_response(404, schema=ERRORS["404"])
@public
def get_questionnaire(channel_code: str):
    """The questionnaire a QR, paper or kiosk channel shows (both languages)."""
    with _errors():
        target = responses.channel_target(submit.public_channel(channel_code))
    return questionnaire_json(target.version, target.short)


@blp.route("/kiosk", methods=["GET"])
@blp.alt_response(200, schema=KioskOut)
@blp.alt_response(401, schema=ERRORS["401"])
@blp.alt_response(403, schema=ERRORS["403"])
@public
def get_kiosk():
    """The kiosk's own settings, chosen by its ``X-Device-Token`` header."""
    with _errors():
        channel = submit.kiosk_channel(guard.device_token())
        target = responses.channel_target(channel)
    officer = channel.duty_officer
    return {
        "channel_code": channel.code,
        "unit": channel.unit.name,
        "counter": channel.counter,
        "officer": officer.full_name if officer else "",
        "min_interval_seconds": int(guard.setting("SURVEY_KIOSK_MIN_INTERVAL")),
        "idle_seconds": int(guard.setting("SURVEY_KIOSK_IDLE_SECONDS")),
        "questionnaire": questionnaire_json(target.version, target.short),
    }


@blp.route("/dossiers/<code>", methods=["GET"])
@guard.limit_public_get
@blp.alt_response(200, schema=DossierOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@public
def get_dossier(code: str):
    """Whether a dossier code may be rated now, and the questionnaire to answer."""
    with _errors():
        target = responses.dossier_target(code, submit.latest_dossier_version())
    return {"rateable": True, "questionnaire": questionnaire_json(target.version, False)}


def _admitted(view: Callable) -> Callable:
    """Count the caller's limit and the burst detector first, invalid bodies included."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        raw = request.get_json(silent=True)  # parsed once: the schema reads the same object
        raw = raw if isinstance(raw, dict) else {}
        code = str(raw.get("channel_code") or "")
        # a kiosk that names itself by its token alone is its own channel for the detector
        has_token = not code and guard.has_device_token()
        channel_ref = guard.device_key() if has_token else responses.burst_ref(code)
        try:
            g.survey_admission = admission.admit_submission(channel_ref, raw.get("answers"))
        except admission.Limited as exc:
            raise ApiError(429, "too_many_requests", messages()[429]) from exc
        return view(*args, **kwargs)

    return wrapper


@blp.route("/responses", methods=["POST"])
@_admitted
@blp.arguments(ResponseIn())  # an instance: not built again for every request
@blp.response(201, ResponseOut)
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@blp.alt_response(429, schema=ERRORS["429"])
@public
def create_response(body):
    """Store one anonymous response (201); a retried idempotency key answers 200."""
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, "payload_too_large", "Dữ liệu gửi lên quá lớn.")
    # the burst verdict was asked before the first query: no network call while SQLite's
    # write lock is held
    burst = g.survey_admission.flagged
    with _errors():
        target = submit.resolve_target(
            body["channel_code"], body["dossier_code"], guard.device_token()
        )
        submit.use_version(target, body["version_id"])
        stored = responses.submit_response(
            target, body["answers"], key=body["idempotency_key"] or "", burst=burst
        )
    db.session.commit()
    if stored is None:
        return {"status": "duplicate"}, 200
    return {"status": "stored", "verified": stored.verified, "flagged_for_review": stored.flagged}


@blp.route("/feedback", methods=["POST"])
@guard.limit_public_post
@blp.arguments(FeedbackIn)
@blp.response(201, ResponseOut)
@blp.alt_response(422, schema=ERRORS["422"])
@public
def create_feedback(body):
    """A comment or complaint for the head of the channel's unit."""
    with _errors():
        channel = submit.public_channel(body["channel_code"])
        feedback_service.create_feedback(
            channel.unit,
            body["body"],
            kind=body["kind"],
            consent=body["consent"],
            contact_name=body["contact_name"],
            contact=body["contact"],
            officer_id=channel.officer_id,
        )
    db.session.commit()
    return {"status": "stored"}
