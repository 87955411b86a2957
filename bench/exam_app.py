"""The app as ``bench/exam_day.py`` serves it through gunicorn, plus a bare endpoint.

``POST /bench/bare`` is the same stack as the answer-save path — gunicorn, Flask with all
its request hooks, bearer-token sign-in, the database — doing one indexed insert (an
audit row) and a commit. What the save path adds on top (attempt and item lookup,
validation, the seq guard, the answer upsert and the log row) is what the ratio measures.
It exists only in this benchmark app.
"""

from __future__ import annotations

from flask import jsonify

from app import create_app
from app.access import Perm, requires
from app.config import Config
from app.extensions import csrf, db
from app.models import AuditEvent

app = create_app(Config)


@requires(Perm.EXAMS_TAKE)
def bench_bare():
    db.session.execute(
        AuditEvent.__table__.insert().values(actor_name="bench", action="bench.bare")
    )
    db.session.commit()
    return jsonify({"ok": True}), 201


app.add_url_rule("/bench/bare", view_func=bench_bare, methods=["POST"])
csrf.exempt(bench_bare)
