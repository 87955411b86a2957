"""All models, imported here so Alembic's autogenerate sees the whole schema."""

from app.models.accounts import Account, ApiToken, LoginSession, Role, RoleGrant, SetupCode
from app.models.audit import AuditEvent
from app.models.bank import TRANSITIONS as TRANSITIONS_BANK
from app.models.bank import Question, QuestionVersion, Topic, VersionState
from app.models.base import Base, UTCDateTime, utcnow
from app.models.org import Assignment, Person, PersonStatus, Unit

__all__ = [
    "TRANSITIONS_BANK",
    "Account",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Base",
    "LoginSession",
    "Person",
    "PersonStatus",
    "Question",
    "QuestionVersion",
    "Role",
    "RoleGrant",
    "SetupCode",
    "Topic",
    "UTCDateTime",
    "Unit",
    "VersionState",
    "utcnow",
]
