"""Real objects for the authorisation matrix: one set inside ``hr.xa``'s commune, one outside.

Everything "in" belongs wholly to Xã Long Hưng (ST-LH, where ``hr.xa`` and ``staff`` hold
their roles), everything "out" wholly to Xã An Ninh (ST-AN): an exam owned by and aimed at
the unit, its candidates' attempts, an assessment round with a sheet, an HR case, channels,
a feedback item, a paper batch. Province-wide things (questions, topics, rubrics,
questionnaires) are the same in both variants. Built on ``demo_bank`` through the services.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from app.admin import services as accounts
from app.assessments import rounds
from app.assessments import services as assess
from app.bank import images, pending
from app.exams import attempts, setup
from app.extensions import db
from app.hr import cases
from app.models import (
    Account,
    CaseKind,
    ChannelKind,
    Dossier,
    Exam,
    ExamState,
    Person,
    QuestionVersion,
    Role,
    RoleGrant,
    RubricVersion,
    SurveyChannel,
    Unit,
    VersionState,
    utcnow,
)
from app.surveys import channels, feedback, paper, questionnaires

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@dataclass
class World:
    """URL argument values per variant ("in" / "out"), and who owns the owned objects."""

    args: dict[str, dict[str, object]] = field(default_factory=lambda: {"in": {}, "out": {}})
    owners: dict[str, dict[str, str]] = field(default_factory=lambda: {"in": {}, "out": {}})

    def put(self, name: str, inside: object, outside: object | None = None) -> None:
        self.args["in"][name] = inside
        self.args["out"][name] = inside if outside is None else outside


def one(stmt):
    return db.session.scalars(stmt).first()


def account(username: str) -> Account:
    return one(sa.select(Account).where(Account.username == username))


def unit(code: str) -> Unit:
    return one(sa.select(Unit).where(Unit.code == code))


def people_of(code: str) -> list[Person]:
    return list(
        db.session.scalars(
            sa.select(Person).join(Unit, Person.unit_id == Unit.id).where(Unit.code == code)
        )
    )


def _exam(code: str, demo: Exam) -> Exam:
    here, now = unit(code), utcnow().replace(second=0, microsecond=0)
    exam = setup.create_exam(
        here, db.session.get(type(demo.period), demo.period_id), created_by_id=None,
        title=f"Kiểm tra {code}", opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=5), time_limit_minutes=30, blueprint=demo.blueprint,
        target_unit_ids=[here.id],
    )  # fmt: skip
    setup.build_candidates(exam)
    setup.move_exam(exam, ExamState.PUBLISHED, reason="thử")
    return exam


def _exams(w: World) -> None:
    demo = one(sa.select(Exam).order_by(Exam.id))
    staff = db.session.get(Person, account("staff").person_id)
    ex_in, ex_out = _exam("ST-LH", demo), _exam("ST-AN", demo)
    at_in, _ = attempts.start_attempt(ex_in, staff)
    at_out, _ = attempts.start_attempt(ex_out, people_of("ST-AN")[0])
    w.put("exam_id", ex_in.id, ex_out.id)
    w.put("attempt_id", at_in.id, at_out.id)
    w.put("attempt_item_id", at_in.items[0].id, at_out.items[0].id)
    w.put("exam_version_id", at_in.items[0].version_id, at_out.items[0].version_id)
    w.owners["in"]["attempt"], w.owners["out"]["attempt"] = "staff", ""
    w.owners["in"]["candidate"], w.owners["out"]["candidate"] = "staff", ""


def _round(code: str, version: RubricVersion, assessor: Account, period) -> tuple:
    here = unit(code)
    rnd = rounds.open_round(period, version, here, f"Đánh giá {code}", [here], ["live"])
    rounds.assign_assessor(rnd, assessor, here)
    person = people_of(code)[1]
    sheet = assess.start_sheet(rnd, assessor, person, "live")
    return rnd, person, sheet


def _assessments(w: World) -> None:
    version = one(sa.select(RubricVersion).order_by(RubricVersion.id))
    period = one(sa.select(Exam).order_by(Exam.id)).period
    other = accounts.create_account("assessor2", password="demo1234", must_change=False)
    accounts.grant_role(other, Role.ASSESSOR, unit("ST"))
    r_in, p_in, s_in = _round("ST-LH", version, account("assessor"), period)
    r_out, p_out, s_out = _round("ST-AN", version, other, period)
    w.put("round_id", r_in.id, r_out.id)
    w.put("round_person_id", p_in.id, p_out.id)
    w.put("sheet_id", s_in.id, s_out.id)
    w.put("rubric_id", version.rubric_id)
    w.put("rubric_version_id", version.id)
    w.owners["in"]["assessor"], w.owners["out"]["assessor"] = "assessor", "assessor2"
    hr, ev = account("hr"), _evidence(period)
    c_in = cases.open_case(people_of("ST-LH")[2], period, CaseKind.COMMENDATION, ev, actor=hr)
    c_out = cases.open_case(people_of("ST-AN")[2], period, CaseKind.COMMENDATION, ev, actor=hr)
    w.put("case_id", c_in.id, c_out.id)


def _evidence(period) -> dict:
    """A case snapshot of the shape ``hr.lists.Entry.evidence`` writes."""
    policy = {"min_periods": 2, "window": 10, "threshold": 0.8, "min_ratings": 30}
    return {
        "period": {"id": period.id, "name": period.name}, "unit": "", "position": "",
        "components": {"knowledge": "passed"}, "missing": [], "meets": True,
        "knowledge_percent": 0.9, "periods_met": [{"id": period.id, "name": period.name}],
        "reasons": [], "ratings": None, "policy": policy,
    }  # fmt: skip


def _channel(code: str, kind: ChannelKind) -> SurveyChannel:
    stmt = sa.select(SurveyChannel).join(Unit, SurveyChannel.unit_id == Unit.id)
    return one(stmt.where(Unit.code == code, SurveyChannel.kind == kind))


def _surveys(w: World) -> None:
    k_in, k_out = _channel("ST-LH", ChannelKind.KIOSK), _channel("ST-AN", ChannelKind.KIOSK)
    w.put("channel_id", k_in.id, k_out.id)
    qr_in, qr_out = _channel("ST-LH", ChannelKind.QR), _channel("ST-AN", ChannelKind.QR)
    w.put("qr_channel_id", qr_in.id, qr_out.id)
    w.put("code", qr_in.code, qr_out.code)
    w.put("channel_code", k_in.code, k_out.code)
    dossier = lambda code: one(  # noqa: E731
        sa.select(Dossier.code).join(Unit, Dossier.unit_id == Unit.id).where(Unit.code == code)
    )
    w.put("dossier_code", dossier("ST-LH"), dossier("ST-AN"))
    f_in = feedback.create_feedback(unit("ST-LH"), "Góp ý thử trong xã")
    f_out = feedback.create_feedback(unit("ST-AN"), "Góp ý thử ngoài xã")
    w.put("feedback_id", f_in.id, f_out.id)
    papers = [_paper_batch(code) for code in ("ST-LH", "ST-AN")]
    w.put("paper_channel_id", *(chan.id for chan, _batch, _no in papers))
    w.put("batch_id", *(batch.id for _chan, batch, _no in papers))
    w.put("form_no", *(no for _chan, _batch, no in papers))


PAPER = {"officer_rating": "4", "attitude": "1", "supplement_times": "0", "overall": "5"}


def _paper_batch(code: str) -> tuple:
    """A closed paper batch of ten forms whose sampled form was entered differently the second
    time (as tests/surveys/test_paper_review.py does): (channel, batch, sampled form number)."""
    chan = channels.create_channel(ChannelKind.PAPER, unit(code), _questionnaire())
    batch = paper.start_batch(chan, date(2026, 11, 20), account("admin"))
    for number in range(1, 11):
        paper.enter_form(batch, number, PAPER)
    form_no = paper.close_batch(batch, random.Random(3))[0]
    second = {**PAPER, "attitude": "2", "supplement_times": "3", "supplement_reason": "13"}
    paper.check_form(batch, form_no, second, account("hr"))
    return chan, batch, form_no


def _questionnaire():
    from app.models import Questionnaire

    return one(sa.select(Questionnaire).order_by(Questionnaire.id))


def _questionnaire_draft(w: World) -> None:
    from app.models import Questionnaire

    qn = one(sa.select(Questionnaire).order_by(Questionnaire.id))
    published = questionnaires.latest_version(qn)
    draft = questionnaires.create_draft(qn)
    w.put("questionnaire_id", qn.id)
    w.put("survey_version_id", draft.id)
    w.put("published_version_id", published.id)
    section = draft.sections[0] if draft.sections else {"key": "a"}
    w.put("section_key", section["key"])
    w.put("question_key", draft.questions[0].key)


def _bank(w: World) -> None:
    version = one(
        sa.select(QuestionVersion)
        .where(QuestionVersion.state == VersionState.APPROVED)
        .order_by(QuestionVersion.id)
    )
    w.put("question_id", version.question_id)
    w.put("version_id", version.id)
    from app.models import Topic

    w.put("topic_id", one(sa.select(Topic.id).order_by(Topic.id)))
    w.put("image_name", images.save_image(PNG))
    tokens = {
        name: pending.save_pending([("q.yaml", b"questions: []\n")], "yaml", "", account(name).id)
        for name in ("author", "admin")
    }
    w.put("token", tokens["author"], tokens["admin"])
    w.owners["in"]["pending"], w.owners["out"]["pending"] = "author", "admin"


def _org(w: World) -> None:
    w.put("unit_id", unit("ST-LH").id, unit("ST-AN").id)
    w.put("person_id", people_of("ST-LH")[3].id, people_of("ST-AN")[3].id)
    acc_in, acc_out = account("staff"), account("hr")
    w.put("account_id", acc_in.id, acc_out.id)
    grant = lambda a: one(sa.select(RoleGrant.id).where(RoleGrant.account_id == a.id))  # noqa: E731
    w.put("grant_id", grant(acc_in), grant(acc_out))


def build_world() -> World:
    """Create the objects on top of ``demo_bank`` and commit; returns their ids."""
    w = World()
    _org(w)
    _exams(w)
    _assessments(w)
    _surveys(w)
    _questionnaire_draft(w)
    _bank(w)
    db.session.commit()
    return w


def row_counts() -> dict[str, int]:
    """Rows per table, read on a fresh connection (what a refused write must not move)."""
    db.session.remove()
    with db.engine.connect() as conn:
        return {
            t.name: conn.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables
        }
