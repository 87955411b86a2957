"""QR codes and posters of a channel (PNG, SVG, PDF A5 / A6)."""

from __future__ import annotations

from flask import Response, abort, url_for
from flask_babel import gettext as _

from app.access import Perm, requires
from app.models import ChannelKind
from app.surveys import bp, posters, queries

TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


@bp.route("/channels/<int:channel_id>/qr-<size>.<fmt>")
@requires(Perm.SURVEYS_VIEW)
def poster(channel_id: int, size: str, fmt: str):
    """The channel's QR code: ``size`` a5 | a6 | receipt, ``fmt`` png | svg | pdf."""
    channel = queries.channel_in_scope_or_none(channel_id, Perm.SURVEYS_VIEW)
    if channel is None or channel.kind is ChannelKind.KIOSK or fmt not in TYPES:
        abort(404)
    if size not in ("a5", "a6", "receipt") or (fmt == "pdf" and size == "receipt"):
        abort(404)
    url = url_for("public_survey.answer_channel", code=channel.code, _external=True)
    if fmt == "png":
        body = posters.qr_png(url, size)
    elif fmt == "svg":
        body = posters.qr_svg(url)
    else:
        where = channel.unit.name + (f" · {channel.counter}" if channel.counter else "")
        lines = [where, _("Quét mã để đánh giá sự phục vụ — không ghi tên, chưa đến 1 phút.")]
        if channel.officer:
            lines.insert(1, channel.officer.full_name)
        body = posters.poster_pdf(url, _("Ông/Bà hài lòng với sự phục vụ?"), lines, size)
    name = f"khao-sat-{channel.code}-{size}.{fmt}"
    return Response(
        body,
        mimetype=TYPES[fmt],
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
