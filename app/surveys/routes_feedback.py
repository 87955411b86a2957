"""The unit head's inbox of citizens' comments and complaints."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.extensions import db
from app.models import Account, FeedbackState
from app.surveys import bp, queries
from app.surveys.feedback import FeedbackError, hours_to_answer, move_feedback
from app.surveys.forms import FEEDBACK_STATE_LABELS, FeedbackMoveForm


@bp.route("/feedback")
@requires(Perm.SURVEYS_VIEW)
def list_feedback():
    """Feedback in scope, newest first; ``?state=received`` filters."""
    try:
        state = FeedbackState(request.args["state"]) if request.args.get("state") else None
    except ValueError:
        state = None
    return render_template(
        "surveys/list_feedback.html",
        items=queries.feedback_in_scope(state),
        state=state,
        labels=FEEDBACK_STATE_LABELS,
        hours=hours_to_answer,
    )


@bp.route("/feedback/<int:item_id>", methods=["GET", "POST"])
@requires(Perm.SURVEYS_VIEW)
def view_feedback(item_id: int):
    """One item; answering or moving it needs SURVEYS_MANAGE on its unit."""
    item = queries.feedback_in_scope_or_none(item_id, Perm.SURVEYS_VIEW)
    if item is None:
        abort(404)
    can_manage = current_user.can(Perm.SURVEYS_MANAGE, item.unit)
    form = FeedbackMoveForm()
    if form.validate_on_submit():
        if not can_manage:
            abort(403)
        try:
            account = db.session.get(Account, current_user.account_id)
            move_feedback(item, FeedbackState(form.state.data), account, form.answer.data or "")
        except FeedbackError as exc:
            db.session.rollback()
            form.answer.errors.extend(exc.details.values())
        else:
            db.session.commit()
            flash(_("Đã cập nhật góp ý."), "success")
            return redirect(url_for("surveys.view_feedback", item_id=item.id))
    return render_template(
        "surveys/view_feedback.html",
        item=item,
        form=form,
        can_manage=can_manage,
        labels=FEEDBACK_STATE_LABELS,
        hours=hours_to_answer(item),
    )
