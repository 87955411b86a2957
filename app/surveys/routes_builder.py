"""The questionnaire builder: versions, drafts edited as YAML, preview, publish, retire.

Published versions are read-only; "new draft" copies the latest version. The draft's
text is the same YAML as ``question_bank/questionnaires`` (checked on save, every error
listed with its question key).
"""

from __future__ import annotations

import sqlalchemy as sa
import yaml
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.access import Perm, requires
from app.extensions import db
from app.models import Questionnaire, QuestionnaireVersion
from app.surveys import bp
from app.surveys import questionnaires as service
from app.surveys.definition import definition_of
from app.surveys.forms import DraftForm
from app.surveys.present import SCALE, pick, sections_with_questions


def _version_or_404(version_id: int) -> QuestionnaireVersion:
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None:
        abort(404)
    return version


def _dump(version: QuestionnaireVersion) -> str:
    return yaml.safe_dump(definition_of(version), allow_unicode=True, sort_keys=False, width=100)


@bp.route("/questionnaires")
@requires(Perm.SURVEYS_VIEW)
def list_questionnaires():
    items = db.session.scalars(sa.select(Questionnaire).order_by(Questionnaire.code))
    return render_template("surveys/list_questionnaires.html", items=list(items))


@bp.route("/questionnaires/new", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def create_questionnaire():
    """Paste a whole definition (with its ``code``) to create a questionnaire as a draft."""
    form = DraftForm()
    if form.validate_on_submit():
        try:
            data = yaml.safe_load(form.definition.data)
            version = service.import_questionnaire(data, publish=False)
        except yaml.YAMLError as exc:
            form.definition.errors.append(_("YAML không hợp lệ: %(e)s", e=str(exc)[:300]))
        except service.QuestionnaireError as exc:
            form.definition.errors.extend(exc.errors)
        else:
            db.session.commit()
            return redirect(url_for("surveys.view_version", version_id=version.id))
    return render_template("surveys/edit_version.html", form=form, version=None)


@bp.route("/versions/<int:version_id>")
@requires(Perm.SURVEYS_VIEW)
def view_version(version_id: int):
    """A version as citizens see it (full form), with its YAML and state."""
    version = _version_or_404(version_id)
    return render_template(
        "surveys/view_version.html",
        version=version,
        sections=sections_with_questions(version, short=False),
        text=_dump(version),
        scale=SCALE,
        pick=pick,
    )


@bp.route("/questionnaires/<int:questionnaire_id>/draft", methods=["POST"])
@requires(Perm.SURVEYS_MANAGE)
def create_draft(questionnaire_id: int):
    questionnaire = db.session.get(Questionnaire, questionnaire_id) or abort(404)
    version = service.create_draft(questionnaire)
    db.session.commit()
    return redirect(url_for("surveys.build_version", version_id=version.id))


@bp.route("/versions/<int:version_id>/edit", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def edit_version(version_id: int):
    version = _version_or_404(version_id)
    if version.is_frozen:
        flash(_("Phiên bản đã ban hành không thể sửa; hãy tạo bản nháp mới."), "warning")
        return redirect(url_for("surveys.view_version", version_id=version.id))
    form = DraftForm()
    if form.validate_on_submit():
        try:
            service.update_draft(version, yaml.safe_load(form.definition.data))
        except yaml.YAMLError as exc:
            form.definition.errors.append(_("YAML không hợp lệ: %(e)s", e=str(exc)[:300]))
        except service.QuestionnaireError as exc:
            db.session.rollback()
            form.definition.errors.extend(exc.errors)
        else:
            db.session.commit()
            flash(_("Đã lưu bản nháp."), "success")
            return redirect(url_for("surveys.view_version", version_id=version.id))
    elif not form.is_submitted():
        form.definition.data = _dump(version)
    return render_template("surveys/edit_version.html", form=form, version=version)


@bp.route("/versions/<int:version_id>/<any(publish, retire):action>", methods=["POST"])
@requires(Perm.SURVEYS_MANAGE)
def change_version(version_id: int, action: str):
    version = _version_or_404(version_id)
    try:
        (service.publish_version if action == "publish" else service.retire_version)(version)
    except service.QuestionnaireError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Đã cập nhật phiên bản."), "success")
    return redirect(url_for("surveys.view_version", version_id=version.id))
