"""The unit head's inbox of citizens' comments and complaints."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.extensions import db
from app.models import FEEDBACK_TRANSITIONS, Account, FeedbackState
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
    """One item; whoever reads a unit's inbox (SURVEYS_VIEW there: its head, HR, the
    administrator) may move it along received → in progress → answered (audited)."""
    item = queries.feedback_in_scope_or_none(item_id, Perm.SURVEYS_VIEW)
    if item is None:
        abort(404)
    can_answer = current_user.can(Perm.SURVEYS_VIEW, item.unit)
    form = FeedbackMoveForm()
    form.state.choices = [
        (state.value, FEEDBACK_STATE_LABELS[state.value])
        for state in FeedbackState
        if state in FEEDBACK_TRANSITIONS[item.state]
    ]
    if form.validate_on_submit():
        if not can_answer:
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
        can_answer=can_answer,
        labels=FEEDBACK_STATE_LABELS,
        hours=hours_to_answer(item),
    )
