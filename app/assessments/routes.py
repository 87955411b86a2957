"""Manager pages: list, open, close and reopen rounds, assign assessors, declare conflicts
(the person is found by a search ignoring diacritics, never picked from everyone), results."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.assessments import bp, queries, services
from app.assessments.forms import METHOD_LABELS, AssignForm, ConflictForm, ReasonForm, RoundForm
from app.assessments.results import round_results
from app.extensions import db
from app.models import Account, Period, Person, RubricVersion, Unit


def _me() -> Account:
    return db.session.get(Account, current_user.account_id)


@bp.route("/")
@requires(Perm.ASSESS_MANAGE)
def list_rounds():
    """Rounds whose organising unit is in the caller's scope, newest first."""
    return render_template("assessments/list_rounds.html", rounds=queries.managed_rounds())


def _round_form() -> RoundForm:
    form = RoundForm()
    units = queries.units_in_scope()
    form.period.choices = [(p.id, p.name) for p in queries.periods()]
    form.version.choices = [
        (v.id, f"{v.rubric.name} — v{v.number}") for v in queries.approved_versions()
    ]
    form.owner.choices = [(u.id, u.name) for u in units]
    form.units.choices = [(u.id, "· " * u.depth + u.name) for u in units]
    return form


@bp.route("/rounds/new", methods=["GET", "POST"])
@requires(Perm.ASSESS_MANAGE)
def create_round():
    """Open a round: period, approved rubric version, units in scope, methods."""
    form = _round_form()
    if form.validate_on_submit():
        units = [db.session.get(Unit, i) for i in form.units.data]
        try:
            rnd = services.open_round(
                db.session.get(Period, form.period.data),
                db.session.get(RubricVersion, form.version.data),
                db.session.get(Unit, form.owner.data),
                form.title.data,
                units,
                form.methods.data,
                _me(),
                calibration=form.calibration.data,
            )
        except services.AssessError as exc:
            db.session.rollback()
            form.units.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Đã mở đợt đánh giá."), "success")
            return redirect(url_for("assessments.view_round", round_id=rnd.id))
    return render_template("assessments/create_round.html", form=form)


def _conflict_people(rnd) -> list[Person]:
    """On GET the search results for ``?q=``; on POST the posted person, if in the round."""
    if request.method == "POST":
        person = queries.person_in_units(rnd.unit_ids, request.form.get("c-person", type=int))
        return [person] if person else []
    return queries.search_people_in_units(rnd.unit_ids, request.args.get("q", ""))


def _round_forms(rnd) -> tuple[AssignForm, ConflictForm]:
    accounts = [(a.id, a.display_name or a.username) for a in queries.active_accounts()]
    assign, conflict = AssignForm(prefix="a"), ConflictForm(prefix="c")
    assign.account.choices = conflict.account.choices = accounts
    assign.unit.choices = [(u.id, "· " * u.depth + u.name) for u in queries.units_under(rnd)]
    conflict.person.choices = [
        (p.id, f"{p.full_name} — {p.position or ''} · {p.unit.name}") for p in _conflict_people(rnd)
    ]
    return assign, conflict


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@requires(Perm.ASSESS_MANAGE)
def view_round(round_id: int):
    """A round: its assessors and conflicts, with the forms to add them."""
    rnd = queries.managed_round_or_404(round_id)
    assign, conflict = _round_forms(rnd)
    try:
        if "a-unit" in request.form and assign.validate_on_submit():
            account = db.session.get(Account, assign.account.data)
            services.assign_assessor(rnd, account, db.session.get(Unit, assign.unit.data))
        elif "c-account" in request.form and conflict.validate_on_submit():
            person = db.session.get(Person, conflict.person.data)
            account = db.session.get(Account, conflict.account.data)
            services.declare_conflict(rnd, account, person, conflict.reason.data or "", _me())
        else:
            return _render_round(rnd, assign, conflict)
    except services.AssessError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return _render_round(rnd, assign, conflict)
    db.session.commit()
    flash(_("Đã lưu."), "success")
    return redirect(url_for("assessments.view_round", round_id=rnd.id))


def _render_round(rnd, assign: AssignForm, conflict: ConflictForm):
    return render_template(
        "assessments/view_round.html",
        rnd=rnd,
        assign=assign,
        conflict=conflict,
        conflicts=queries.conflicts_of(rnd.id),
        methods=METHOD_LABELS,
        q=request.args.get("q", ""),
        reason_form=ReasonForm(),
    )


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@requires(Perm.ASSESS_MANAGE)
def close_round(round_id: int):
    """Close the round: no new sheets or draft changes; submitted sheets stay."""
    rnd = queries.managed_round_or_404(round_id)
    return _change_state(rnd, services.close_round, _("Đã kết thúc đợt đánh giá."))


@bp.route("/rounds/<int:round_id>/reopen", methods=["POST"])
@requires(Perm.ASSESS_MANAGE)
def reopen_round(round_id: int):
    """Reopen a closed round; the reason is required and audited."""
    rnd = queries.managed_round_or_404(round_id)
    return _change_state(rnd, services.reopen_round, _("Đã mở lại đợt đánh giá."))


def _change_state(rnd, action, done: str):
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            raise services.AssessError("invalid", _("Lý do không hợp lệ."))
        action(rnd, form.reason.data or "")
    except services.AssessError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("assessments.view_round", round_id=rnd.id))


@bp.route("/rounds/<int:round_id>/results")
@requires(Perm.ASSESS_MANAGE)
def view_results(round_id: int):
    """Per officer: mean percentage, verdict, disagreement flags; reliability per criterion."""
    rnd = queries.managed_round_or_404(round_id)
    return render_template(
        "assessments/view_results.html",
        rnd=rnd,
        rows=round_results(rnd),
        reliability=services.round_reliability(rnd),
    )
