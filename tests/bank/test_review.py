"""Four-eyes review of question versions: explicit transitions, reviewer ≠ author."""

import pytest
import sqlalchemy as sa

from app.bank import importer, services
from app.bank.services import ReviewError
from app.extensions import db
from app.models import Account, AuditEvent, QuestionVersion, VersionState

YAML = b"""topic: Giao tiep
questions:
  - id: R-1
    type: true_false
    answer: true
    stem: Cong chuc phai deo the cong chuc khi tiep nhan ho so.
    source: [{document: Nghi dinh 118/2025/ND-CP, article: Dieu 11 khoan 2, checked: 2026-11-22}]
"""


@pytest.fixture
def draft(app):
    author = Account(username="tac.gia")
    reviewer = Account(username="tham.dinh")
    db.session.add_all([author, reviewer])
    db.session.flush()
    report = importer.plan_files([("r.yaml", YAML)])
    importer.apply_plan(report, author=author)
    db.session.commit()
    version = db.session.scalar(sa.select(QuestionVersion))
    return version, author, reviewer


def test_draft_goes_through_review_to_approved(draft):
    version, _author, reviewer = draft
    assert version.state is VersionState.DRAFT
    services.submit_for_review(version)
    services.approve(version, reviewer_id=reviewer.id, note="Đúng quy định")
    db.session.commit()
    assert version.state is VersionState.APPROVED and version.reviewer_id == reviewer.id
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "bank.in_review" in actions and "bank.approved" in actions


def test_author_cannot_approve_own_version(draft):
    version, author, _reviewer = draft
    services.submit_for_review(version)
    with pytest.raises(ReviewError, match="khác người biên soạn"):
        services.approve(version, reviewer_id=author.id)
    assert version.state is VersionState.IN_REVIEW


@pytest.mark.parametrize("move", ["approve_draft", "retired_back", "return_without_reason"])
def test_forbidden_moves(draft, move):
    version, _author, reviewer = draft
    with pytest.raises(ReviewError):
        if move == "approve_draft":
            services.approve(version, reviewer_id=reviewer.id)
        elif move == "retired_back":
            services.retire(version, note="Hết hiệu lực")
            services.submit_for_review(version)
        else:
            services.submit_for_review(version)
            services.return_to_author(version, reviewer_id=reviewer.id, note=" ")
