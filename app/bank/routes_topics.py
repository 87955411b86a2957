"""The topic tree: list, create, rename, restrict to job positions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.bank import bp, editing, queries
from app.bank.forms import TopicEditForm, TopicForm, split_list
from app.extensions import db
from app.models import Question, Topic


@bp.route("/topics")
@requires(Perm.BANK_VIEW)
def list_topics():
    counts = dict(
        db.session.execute(
            sa.select(Question.topic_id, sa.func.count()).group_by(Question.topic_id)
        ).all()
    )
    return render_template(
        "bank/list_topics.html",
        topics=queries.topics_in_order(),
        counts=counts,
        form=TopicForm(),
        positions=queries.known_positions(),
        can_edit=current_user.can(Perm.BANK_EDIT),
    )


@bp.route("/topics", methods=["POST"])
@requires(Perm.BANK_EDIT)
def create_topic():
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = editing.create_topic(form.path.data, split_list(form.positions.data))
        except editing.EditError as exc:
            db.session.rollback()
            form.path.errors = [*form.path.errors, *exc.errors.get("path", [])]
            form.path.errors += exc.errors.get("name", [])
        else:
            db.session.commit()
            flash(_("Đã thêm chủ đề %(path)s.", path=topic.full_path), "success")
            return redirect(url_for("bank.list_topics"))
    return render_template(
        "bank/list_topics.html",
        topics=queries.topics_in_order(),
        counts={},
        form=form,
        positions=queries.known_positions(),
        can_edit=True,
    )


@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@requires(Perm.BANK_EDIT)
def edit_topic(topic_id: int):
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        abort(404)
    form = TopicEditForm(data={"name": topic.name, "positions": "; ".join(topic.positions or [])})
    if form.validate_on_submit():
        try:
            editing.rename_topic(topic, form.name.data)
            editing.set_topic_positions(topic, split_list(form.positions.data))
        except editing.EditError as exc:
            db.session.rollback()
            form.name.errors = [*form.name.errors, *exc.errors.get("name", [])]
        else:
            db.session.commit()
            flash(_("Đã lưu chủ đề %(path)s.", path=topic.full_path), "success")
            return redirect(url_for("bank.list_topics"))
    return render_template(
        "bank/edit_topic.html", form=form, topic=topic, positions=queries.known_positions()
    )
