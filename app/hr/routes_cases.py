"""HR cases: open one from a list, see its evidence and decisions, decide; and the page
where a person sees the decisions about them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, authenticated, requires
from app.extensions import db
from app.hr import bp, cases, lists, queries
from app.hr.forms import DecisionForm, OpenCaseForm
from app.models import ALLOWED_DECISIONS, Account, CaseKind, DecisionKind, HrCase, Period
from app.org.queries import unit_choices

LABELS = {"decision": cases.DECISION_LABELS, "kind": cases.KIND_LABELS, "state": cases.STATE_LABELS}
LIST_ENDPOINTS = {
    CaseKind.COMMENDATION: "hr.list_commendations",
    CaseKind.REASSIGNMENT_REVIEW: "hr.list_reassignments",
}


def _me() -> Account:
    return db.session.get(Account, current_user.account_id)


@bp.route("/cases", methods=["POST"])
@requires(Perm.HR_DECIDE)
def open_case():
    form = OpenCaseForm()
    if not form.validate_on_submit():
        abort(400)
    person = queries.person_or_404(form.person_id.data, Perm.HR_DECIDE)
    period = db.session.get(Period, form.period_id.data) or abort(404)
    kind = CaseKind(form.kind.data)
    entry = lists.entry_for(kind, period, person)
    if entry is None:
        flash(_("%(name)s không có trong danh sách của kỳ này.", name=person.full_name), "warning")
        return redirect(url_for(LIST_ENDPOINTS[kind], period=period.id))
    evidence = entry.evidence(lists.Policy.from_config())
    case = cases.open_case(person, period, kind, evidence, actor=_me())
    db.session.commit()
    return redirect(url_for("hr.view_case", case_id=case.id))


def _decision_form(case: HrCase) -> DecisionForm:
    form = DecisionForm()
    form.decision.choices = [
        (d.value, cases.DECISION_LABELS[d]) for d in ALLOWED_DECISIONS[case.kind]
    ]
    form.new_unit_id.choices = [(0, "—"), *unit_choices(Perm.HR_DECIDE)]
    return form


def _render(case: HrCase, form: DecisionForm | None, status: int = 200):
    if form is not None and not form.is_submitted():
        current = case.current_decision
        form.supersedes.data = str(current.id) if current else ""
    body = render_template(
        "hr/view_case.html", case=case, form=form, labels=LABELS, people_view=Perm.PEOPLE_VIEW,
        superseded={d.supersedes_id for d in case.decisions},
    )  # fmt: skip
    return body, status


@bp.route("/cases/<int:case_id>")
@requires(Perm.RESULTS_VIEW)
def view_case(case_id: int):
    case = queries.case_or_404(case_id, Perm.RESULTS_VIEW)
    can_decide = current_user.can(Perm.HR_DECIDE, case.unit)
    return _render(case, _decision_form(case) if can_decide else None)


@bp.route("/cases/<int:case_id>/decisions", methods=["POST"])
@requires(Perm.HR_DECIDE)
def decide_case(case_id: int):
    case = queries.case_or_404(case_id, Perm.HR_DECIDE)
    form = _decision_form(case)
    if not form.validate_on_submit():
        return _render(case, form, 422)
    data = cases.DecisionInput(
        decision=DecisionKind(form.decision.data), reason=form.reason.data,
        decision_ref=form.decision_ref.data or "",
        new_unit=queries.unit_in_scope(form.new_unit_id.data, Perm.HR_DECIDE),
        new_position=form.new_position.data or "", effective_on=form.effective_on.data,
    )  # fmt: skip
    try:
        seen = request.form.get("supersedes", type=int)
        cases.decide(case, data, decider=_me(), supersedes_id=seen)
    except cases.HrError as exc:
        db.session.rollback()
        if exc.status == 409 or exc.field is None:
            flash(str(exc.message), "danger")
            return redirect(url_for("hr.view_case", case_id=case_id))
        getattr(form, exc.field).errors.append(str(exc.message))
        return _render(queries.case_or_404(case_id, Perm.HR_DECIDE), form, 422)
    db.session.commit()
    flash(_("Đã ghi nhận quyết định."), "success")
    return redirect(url_for("hr.view_case", case_id=case_id))


@bp.route("/my-decisions")
@authenticated
def my_decisions():
    person_id = current_user.person_id
    decisions = queries.decisions_about(person_id) if person_id else []
    return render_template(
        "hr/my_decisions.html", decisions=decisions, linked=bool(person_id), labels=LABELS
    )
