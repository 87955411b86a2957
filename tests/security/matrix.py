"""The expected outcome of every cell: endpoint × role × object inside / outside the scope.

Derived from what the code declares — the route's ``Access`` (``app/access.py``), the
role → permission table ``ROLE_PERMS`` and the demo accounts' grants — never from what the
app answers. Three kinds of rule cannot be read from a declaration and are written here,
each with the view it comes from:

* ``ANY_OF``: views declared ``@authenticated`` that check "one of these permissions"
  themselves (one declaration names one permission);
* ``OWNED``: objects that belong to one account rather than to a unit (an attempt is its
  officer's, a scoring sheet its assessor's, a pending import its uploader's);
* ``SPECIAL``: the few views whose rule is neither (kiosk device tokens, duty officers,
  rounds visible to their managers and their assessors).
"""

from __future__ import annotations

from enum import Enum

from app.access import ROLE_PERMS, Access, Perm
from app.models import Role


class Outcome(Enum):
    ALLOWED = "allowed"  # answered: not 401/403/404, not sent to the login form, no 5xx
    FORBIDDEN = "403"
    NOT_FOUND = "404"  # out of scope looks like missing
    LOGIN = "redirect to login"  # pages, anonymous
    UNAUTHORIZED = "401"  # API, anonymous (or no device token)
    BACK = "redirect back with a message"  # a page's refusal of an action (nothing written)


ANONYMOUS = "anonymous"
# the demo accounts (tests/../app/cli/demo.py ACCOUNTS): role and the unit of the grant
ACCOUNTS: dict[str, tuple[Role, str]] = {
    "admin": (Role.ADMIN, "ST"),
    "hr": (Role.HR, "ST"),
    "hr.xa": (Role.HR, "ST-LH"),
    "author": (Role.AUTHOR, "ST"),
    "reviewer": (Role.REVIEWER, "ST"),
    "assessor": (Role.ASSESSOR, "ST"),
    "proctor": (Role.PROCTOR, "ST"),
    "staff": (Role.STAFF, "ST-LH"),
}
ROLES = [*ACCOUNTS, ANONYMOUS]
WITH_PERSON = {"staff"}  # accounts linked to a staff profile (the others are offices)

ANY_OF: dict[str, tuple[Perm, ...]] = {
    # app/exams/routes_manage_fixes.py FIX_PERMS
    "exams.list_fix_exams": (Perm.EXAMS_MANAGE, Perm.BANK_EDIT),
    "exams.list_fixes": (Perm.EXAMS_MANAGE, Perm.BANK_EDIT),
    "exams.fix_item": (Perm.EXAMS_MANAGE, Perm.BANK_EDIT),
    # app/exams/routes_manage_paper.py PAPER_PERMS
    "exams.import_paper": (Perm.EXAMS_MANAGE, Perm.EXAMS_PROCTOR),
    "exams.confirm_paper": (Perm.EXAMS_MANAGE, Perm.EXAMS_PROCTOR),
    # app/assessments/routes_rubrics.py, app/api/assessment_rubrics.py _may_read
    "assessments.list_rubrics": (Perm.BANK_VIEW, Perm.ASSESS_MANAGE),
    "assessments.view_rubric": (Perm.BANK_VIEW, Perm.ASSESS_MANAGE),
    "api_assessments.list_rubrics": (Perm.BANK_VIEW, Perm.ASSESS_MANAGE),
    "api_assessments.get_rubric": (Perm.BANK_VIEW, Perm.ASSESS_MANAGE),
}

# URL argument (world name) → (relation that owns it, the permission it is owned under);
# the owner per variant is in World.owners. A proctor reaches attempts through the exam.
OWNED_ARGS = {
    "attempt_id": ("attempt", Perm.EXAMS_TAKE),
    "exam_id": ("candidate", Perm.EXAMS_TAKE),  # a test is started by its candidates only
    "sheet_id": ("assessor", Perm.ASSESS),
    "token": ("pending", Perm.BANK_EDIT),
}
# endpoints that serve a round only to the assessors assigned to it
ASSIGNED_ROUND = {"assessments.pick_person", "assessments.edit_sheet"}

# arguments naming an object that lies in one unit (the others are province-wide)
SCOPED_ARGS = {
    "unit_id", "person_id", "account_id", "grant_id", "exam_id", "attempt_id", "round_id",
    "round_person_id", "sheet_id", "case_id", "channel_id", "qr_channel_id",
    "paper_channel_id", "feedback_id", "batch_id",
}  # fmt: skip
# the public survey pages are for citizens: a unit's code works for anyone
PUBLIC_SCOPED = {"code", "channel_code", "dossier_code"}

EXPECT = {o.value: o for o in Outcome}


def holds(username: str, perm: Perm) -> bool:
    return perm in ROLE_PERMS[ACCOUNTS[username][0]]


def province_wide(username: str) -> bool:
    return ACCOUNTS[username][1] == "ST"


def _special(endpoint: str, username: str, variant: str) -> Outcome | None:
    """Rules written in the views' docstrings that no declaration carries."""
    if endpoint == "public_api.get_kiosk":  # a kiosk's device token, not an account
        return Outcome.UNAUTHORIZED
    if endpoint == "surveys.set_duty" and username != ANONYMOUS:
        # "a manager or proctor picks anyone of the unit, an officer of the unit may only put
        # themselves on duty"; anyone else: 404 (app/surveys/routes_channels.py)
        if holds(username, Perm.SURVEYS_MANAGE) or holds(username, Perm.EXAMS_PROCTOR):
            return _scoped(username, variant)
        officer = username in WITH_PERSON and variant == "in"
        return Outcome.ALLOWED if officer else Outcome.NOT_FOUND
    if endpoint == "api_assessments.get_round" and username != ANONYMOUS:
        # "one round the caller manages or is assigned to" (app/api/assessments.py)
        if holds(username, Perm.ASSESS_MANAGE):
            return _scoped(username, variant)
        return Outcome.ALLOWED if (username, variant) == ("assessor", "in") else Outcome.NOT_FOUND
    return None


def _scoped(username: str, variant: str) -> Outcome:
    return Outcome.ALLOWED if variant == "in" or province_wide(username) else Outcome.NOT_FOUND


def expected(
    endpoint: str,
    access: Access,
    arguments: set[str],
    username: str,
    variant: str,
    owners: dict[str, str],
    *,
    api: bool,
) -> Outcome:
    """The outcome of one cell; ``arguments`` are the world names of the URL's arguments."""
    special = _special(endpoint, username, variant)
    if special is not None:
        return special
    if access.kind == "public":
        return Outcome.ALLOWED
    if username == ANONYMOUS:
        return Outcome.UNAUTHORIZED if api else Outcome.LOGIN
    perms = ANY_OF.get(endpoint) or ((access.perm,) if access.perm else ())
    if perms and not any(holds(username, p) for p in perms):
        return Outcome.FORBIDDEN
    for arg, (relation, perm) in OWNED_ARGS.items():
        if arg in arguments and perm in perms:
            if owners.get(relation) == username:
                return Outcome.ALLOWED
            if relation != "candidate":
                return Outcome.NOT_FOUND  # someone else's object looks missing
            if username not in WITH_PERSON:
                return Outcome.FORBIDDEN  # no staff profile, no test to start
            # a test one is not a candidate of: 403 (API), back to "my tests" with why (page)
            return Outcome.FORBIDDEN if api else Outcome.BACK
    if Perm.EXAMS_TAKE in perms and username not in WITH_PERSON and endpoint != "exams.my_exams":
        return Outcome.FORBIDDEN  # taking a test needs a staff profile (app/exams/taking.py)
    if endpoint in ASSIGNED_ROUND:
        return Outcome.ALLOWED if owners.get("assessor") == username else Outcome.NOT_FOUND
    if arguments & SCOPED_ARGS:
        return _scoped(username, variant)
    return Outcome.ALLOWED
