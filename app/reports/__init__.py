"""Official periodic reports (quarter, six months, nine months, year) as editable DOCX.

``/reports/`` (a form, then the download) and ``flask reports docx``; the content comes
from ``collect.collect_report`` and is written by ``docx.render_docx`` into the template
that ``build_template.py`` makes.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates")

from app.reports import cli, routes  # noqa: E402,F401
