"""Citizen satisfaction questionnaires, the channels that collect them, and the responses.

Anonymity by construction: ``survey_responses``, ``survey_answers`` and
``survey_submission_keys`` hold no account, address, user agent, fingerprint or dossier
code; a response carries only its questionnaire version, channel, unit, the officer rated,
the dossier's procedure (a coarse category, for dossier-code ratings), its **date** (never a
time) and a random id. Dossier codes are marked used in
``survey_dossiers`` with no link to the response they produced. On SQLite these tables are
``WITHOUT ROWID`` so not even the physical row order betrays the order of submissions.
``tests/surveys/test_anonymity.py`` lists their columns and fails on an identifying one.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, str_enum, utcnow
from app.models.org import Person, Unit


class QuestionnaireState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class QuestionType(StrEnum):
    SCALE5 = "scale5"  # Rất không hài lòng (1) … Rất hài lòng (5)
    YES_NO = "yes_no"
    SINGLE = "single"
    MULTI = "multi"
    NUMBER = "number"
    TEXT = "text"


class ChannelKind(StrEnum):
    KIOSK = "kiosk"
    QR = "qr"
    DOSSIER = "dossier"
    PAPER = "paper"


class FeedbackState(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"


FEEDBACK_TRANSITIONS: dict[FeedbackState, frozenset[FeedbackState]] = {
    FeedbackState.RECEIVED: frozenset({FeedbackState.IN_PROGRESS, FeedbackState.ANSWERED}),
    FeedbackState.IN_PROGRESS: frozenset({FeedbackState.ANSWERED}),
    FeedbackState.ANSWERED: frozenset(),
}


class Questionnaire(Base):
    """A questionnaire's stable identity; its content lives in immutable versions."""

    __tablename__ = "survey_questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number"
    )


class QuestionnaireVersion(Base):
    """Sections and questions; once published, never changed (a new version is made)."""

    __tablename__ = "survey_questionnaire_versions"
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questionnaires.id"))
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[QuestionnaireState] = mapped_column(
        str_enum(QuestionnaireState), default=QuestionnaireState.DRAFT
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300), default="")
    intro: Mapped[str] = mapped_column(sa.Text, default="")
    intro_en: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"key": "A", "title": "…", "title_en": "…"}]
    sections: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="version", order_by="SurveyQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def is_frozen(self) -> bool:
        return self.state is not QuestionnaireState.DRAFT


class SurveyQuestion(Base):
    __tablename__ = "survey_questions"
    __table_args__ = (sa.UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_questionnaire_versions.id"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    section: Mapped[str] = mapped_column(sa.String(40), default="")
    qtype: Mapped[QuestionType] = mapped_column(str_enum(QuestionType))
    text: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    # single / multi: [{"value": "0", "label": "…", "label_en": "…"}]
    options: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # {"question": "KEY", "in": ["2", "3+"]}: shown only when that answer matches
    condition: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    min_value: Mapped[int | None] = mapped_column()
    max_value: Mapped[int | None] = mapped_column()
    factor: Mapped[str] = mapped_column(sa.String(20), default="")  # SIPAS factor A–E
    short: Mapped[bool] = mapped_column(default=False)  # part of the short (kiosk) form
    rates_officer: Mapped[bool] = mapped_column(default=False)  # the officer rating buttons

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="questions")


class SurveyChannel(Base):
    """Where responses come from: a kiosk, a QR code or a paper form, bound to a unit."""

    __tablename__ = "survey_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)  # public, in QR links
    kind: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    counter: Mapped[str] = mapped_column(sa.String(60), default="")
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questionnaires.id"))
    short_form: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # kiosks
    duty_officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    duty_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    officer: Mapped[Person | None] = relationship(foreign_keys=[officer_id])
    duty_officer: Mapped[Person | None] = relationship(foreign_keys=[duty_officer_id])
    questionnaire: Mapped[Questionnaire] = relationship()


class Dossier(Base):
    """A dossier code registered by the one-stop software; rateable once.

    ``used`` flips false → true in one guarded UPDATE; nothing records which response
    (or when, beyond nothing at all) the code produced.
    """

    __tablename__ = "survey_dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    procedure: Mapped[str] = mapped_column(sa.String(300), default="")
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    returned_on: Mapped[date | None] = mapped_column(sa.Date)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit] = relationship()


ANONYMOUS = {"sqlite_with_rowid": False}


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (
        sa.Index("ix_survey_responses_unit_day", "unit_id", "day"),
        sa.Index("ix_survey_responses_day", "day"),  # statistics of recent days (rollups)
        # one stored response per paper form of a batch (NULLs for the other channels)
        sa.UniqueConstraint("paper_batch_id", "paper_form_no"),
        ANONYMOUS,
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # uuid4 hex
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questionnaire_versions.id"))
    channel_kind: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    channel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_channels.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)
    verified: Mapped[bool] = mapped_column(default=False)  # came with a registered dossier code
    flagged: Mapped[bool] = mapped_column(default=False)  # part of a suspicious burst
    # the dossier's procedure (dossier-code ratings only): a category shared by many
    # dossiers, for statistics per procedure; never the dossier or its code
    procedure: Mapped[str | None] = mapped_column(sa.String(300))
    paper_batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_paper_batches.id"))
    paper_form_no: Mapped[int | None] = mapped_column()

    answers: Mapped[list[SurveyAnswer]] = relationship(cascade="all, delete-orphan")


class SurveyAnswer(Base):
    """One answer; a multiple choice answer is one row per chosen option."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        sa.PrimaryKeyConstraint("response_id", "question_id", "choice"),
        sa.Index("ix_survey_answers_question", "question_id", "number"),
        ANONYMOUS,
    )

    response_id: Mapped[str] = mapped_column(sa.ForeignKey("survey_responses.id"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questions.id"))
    choice: Mapped[str] = mapped_column(sa.String(40), default="")
    number: Mapped[int | None] = mapped_column()
    text: Mapped[str | None] = mapped_column(sa.Text)


class SubmissionKey(Base):
    """Idempotency keys a channel has already stored (random, generated by the client)."""

    __tablename__ = "survey_submission_keys"
    __table_args__ = (sa.PrimaryKeyConstraint("channel_id", "key"), ANONYMOUS)

    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_channels.id"))
    key: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[date] = mapped_column(sa.Date)  # for purging old keys


class Feedback(Base):
    """A comment or complaint for the unit head; contact details only with consent.

    Deliberately not linked to any response: a consented phone number must not name the
    author of a rating. ``received_at`` is kept to the hour, enough to track time to answer.
    """

    __tablename__ = "survey_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(sa.String(20), default="comment")  # comment | complaint
    body: Mapped[str] = mapped_column(sa.Text)
    consent: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact: Mapped[str] = mapped_column(sa.String(200), default="")
    state: Mapped[FeedbackState] = mapped_column(
        str_enum(FeedbackState), default=FeedbackState.RECEIVED
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))

    unit: Mapped[Unit] = relationship()


class PaperBatch(Base):
    """A stack of paper forms entered by staff; a sample is entered twice and compared."""

    __tablename__ = "survey_paper_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questionnaire_versions.id"))
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    collected_on: Mapped[date] = mapped_column(sa.Date)
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed: Mapped[bool] = mapped_column(default=False)
    sample: Mapped[list[int]] = mapped_column(sa.JSON, default=list)  # form numbers

    unit: Mapped[Unit] = relationship()
    version: Mapped[QuestionnaireVersion] = relationship()


class PaperCheck(Base):
    """The second entry of a sampled paper form and whether it matched the first.

    A mismatch keeps the second entry's values of the differing questions; the form's
    response is flagged (left out of statistics) until a supervisor picks the right values
    (``resolved_at``).
    """

    __tablename__ = "survey_paper_checks"
    __table_args__ = (sa.UniqueConstraint("batch_id", "form_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_paper_batches.id"))
    form_no: Mapped[int] = mapped_column()
    checked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    matched: Mapped[bool] = mapped_column()
    differences: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # question keys
    # {question key: the second entry's answer (API shape), null when left blank}
    second_answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))

    batch: Mapped[PaperBatch] = relationship()

    @property
    def is_pending(self) -> bool:
        """A mismatch nobody has settled yet: its form does not count."""
        return not self.matched and self.resolved_at is None


class _RollupCounts:
    """The dimensions and the count shared by the monthly and the daily rollup rows."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column()
    officer_id: Mapped[int | None] = mapped_column()
    channel_id: Mapped[int | None] = mapped_column()
    channel_kind: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    verified: Mapped[bool] = mapped_column()
    flagged: Mapped[bool] = mapped_column()
    procedure: Mapped[str | None] = mapped_column(sa.String(300))
    version_id: Mapped[int] = mapped_column()
    question_id: Mapped[int | None] = mapped_column()
    choice: Mapped[str] = mapped_column(sa.String(40), default="")
    number: Mapped[int | None] = mapped_column()
    n: Mapped[int] = mapped_column()


class SurveyRollup(_RollupCounts, Base):
    """Answer counts per calendar month and filter dimensions: derived data for statistics.

    One row per (month, unit, officer, channel, kind, verified, flagged, procedure,
    version, question, choice, number) with the number of answers; rows with
    ``question_id`` NULL count responses. Built per month, for its closed days up to the
    month's ``through`` (``SurveyRollupMonth``), from the day rows by
    ``app.analytics.satisfaction_rollup`` and rebuilt when those days' responses change;
    never edited otherwise. Counts only: as anonymous as the tables it sums.
    """

    __tablename__ = "survey_rollups"
    __table_args__ = (sa.Index("ix_survey_rollups_month", "month", "question_id"),)

    month: Mapped[date] = mapped_column(sa.Date)  # the first day of the month


class SurveyRollupDay(_RollupCounts, Base):
    """The same counts per day, for the days of a built month that a date range cuts: a
    report from 15 March reads 17 days of March here instead of the raw answers. Built and
    dropped together with the month's ``SurveyRollup`` rows (same stamp)."""

    __tablename__ = "survey_rollup_days"
    __table_args__ = (
        sa.Index("ix_survey_rollup_days_day", "day", "question_id"),
        # responses (question NULL) and single-question groups of a few days
        sa.Index("ix_survey_rollup_days_question", "question_id", "day"),
    )

    day: Mapped[date] = mapped_column(sa.Date)


class SurveyRollupSum(Base):
    """Running totals from the first of the month, per day, without the officer, counter
    and procedure: the count of a key from the 1st through ``day``. Any range of days
    inside a month is then two days' rows (the total through its last day minus the total
    through the day before its first), a few thousand rows whatever the range; reports
    that filter or group by officer, counter or procedure read the other rollups. Every
    calendar day of a built month up to its ``through`` has rows (a day without responses
    repeats the day before), so a range's ends are always found."""

    __tablename__ = "survey_rollup_sums"
    __table_args__ = (sa.Index("ix_survey_rollup_sums_day", "day", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date)
    unit_id: Mapped[int] = mapped_column()
    channel_kind: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    verified: Mapped[bool] = mapped_column()
    flagged: Mapped[bool] = mapped_column()
    version_id: Mapped[int] = mapped_column()
    question_id: Mapped[int | None] = mapped_column()
    choice: Mapped[str] = mapped_column(sa.String(40), default="")
    number: Mapped[int | None] = mapped_column()
    n: Mapped[int] = mapped_column()


class SurveyRollupMonth(Base):
    """A month whose rollup rows are built for its days up to ``through`` (closed days
    only: never today, which reports count from the raw tables), with the stamp of the
    responses of those days. ``summed``: whether its monthly rows (``SurveyRollup``) exist;
    a month cut back by ``invalidate_months`` keeps its earlier days but not them."""

    __tablename__ = "survey_rollup_months"

    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    through: Mapped[date] = mapped_column(sa.Date)
    summed: Mapped[bool] = mapped_column(default=True)
    responses: Mapped[int] = mapped_column()
    flagged: Mapped[int] = mapped_column()
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
