"""The one permission mechanism: roles grant permissions within a unit sub-tree.

Every view declares its access with exactly one of ``@requires(Perm.X)``, ``@public``
or ``@authenticated``; ``tests/test_access_declared.py`` walks ``app.url_map`` and fails
on any endpoint without a declaration. Scope filtering happens in queries through
``scope_clause`` / ``get_in_scope_or_404``, never in templates.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, current_user

from app.models import Role, Unit


class Perm(StrEnum):
    UNITS_VIEW = "units.view"
    UNITS_MANAGE = "units.manage"
    PEOPLE_VIEW = "people.view"
    PEOPLE_MANAGE = "people.manage"
    ACCOUNTS_MANAGE = "accounts.manage"
    AUDIT_VIEW = "audit.view"
    BANK_VIEW = "bank.view"
    BANK_EDIT = "bank.edit"
    BANK_REVIEW = "bank.review"
    EXAMS_MANAGE = "exams.manage"
    EXAMS_PROCTOR = "exams.proctor"
    EXAMS_TAKE = "exams.take"
    RESULTS_VIEW = "results.view"
    ASSESS = "assessments.score"
    ASSESS_MANAGE = "assessments.manage"
    SURVEYS_MANAGE = "surveys.manage"
    SURVEYS_VIEW = "surveys.view"
    HR_DECIDE = "hr.decide"
    ANALYTICS_VIEW = "analytics.view"
    DOSSIERS_REGISTER = "dossiers.register"


ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.HR: frozenset(
        {
            Perm.UNITS_VIEW,
            Perm.PEOPLE_VIEW,
            Perm.PEOPLE_MANAGE,
            Perm.EXAMS_MANAGE,
            Perm.RESULTS_VIEW,
            Perm.ASSESS_MANAGE,
            Perm.SURVEYS_VIEW,
            Perm.HR_DECIDE,
            Perm.ANALYTICS_VIEW,
        }
    ),
    Role.AUTHOR: frozenset({Perm.UNITS_VIEW, Perm.BANK_VIEW, Perm.BANK_EDIT, Perm.ANALYTICS_VIEW}),
    Role.REVIEWER: frozenset(
        {Perm.UNITS_VIEW, Perm.BANK_VIEW, Perm.BANK_REVIEW, Perm.ANALYTICS_VIEW}
    ),
    Role.ASSESSOR: frozenset({Perm.UNITS_VIEW, Perm.PEOPLE_VIEW, Perm.ASSESS}),
    Role.PROCTOR: frozenset({Perm.UNITS_VIEW, Perm.PEOPLE_VIEW, Perm.EXAMS_PROCTOR}),
    Role.STAFF: frozenset({Perm.EXAMS_TAKE}),
}

ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị hệ thống"),
    Role.HR: _l("Tổ chức cán bộ"),
    Role.AUTHOR: _l("Biên soạn câu hỏi"),
    Role.REVIEWER: _l("Thẩm định câu hỏi"),
    Role.ASSESSOR: _l("Đánh giá viên"),
    Role.PROCTOR: _l("Giám thị"),
    Role.STAFF: _l("Công chức tiếp nhận"),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    unit_id: int
    unit_path: str


@dataclass
class Principal(UserMixin):
    """The caller as the request sees it: account facts, grants, and how they signed in."""

    account_id: int
    username: str
    display_name: str
    person_id: int | None
    must_change_password: bool
    grants: tuple[Grant, ...]
    session_id: str = ""  # LoginSession id for browser sessions
    token_scopes: frozenset[str] | None = None  # set when authenticated by an API token
    _paths: dict[Perm, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def get_id(self) -> str:
        return self.session_id

    @property
    def via_token(self) -> bool:
        return self.token_scopes is not None

    @property
    def roles(self) -> set[Role]:
        return {gr.role for gr in self.grants}

    def scope_paths(self, perm: Perm) -> tuple[str, ...]:
        """Unit paths under which the caller holds ``perm`` (the minimal covering set)."""
        if perm not in self._paths:
            if self.token_scopes is not None and not _token_allows(self.token_scopes, perm):
                self._paths[perm] = ()
            else:
                paths = sorted({gr.unit_path for gr in self.grants if perm in ROLE_PERMS[gr.role]})
                minimal = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
                self._paths[perm] = tuple(minimal)
        return self._paths[perm]

    def can(self, perm: Perm, unit: Unit | None = None) -> bool:
        """True if the caller holds ``perm`` somewhere (or within ``unit`` when given)."""
        paths = self.scope_paths(perm)
        if unit is None:
            return bool(paths)
        return any(unit.path.startswith(p) for p in paths)


def _token_allows(scopes: frozenset[str], perm: Perm) -> bool:
    return "*" in scopes or perm.value in scopes or f"{perm.value.split('.')[0]}.*" in scopes


# --- declarations -----------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    kind: str  # "public" | "authenticated" | "permission"
    perm: Perm | None = None


PUBLIC = Access("public")
AUTHENTICATED = Access("authenticated")


def _declare(view: F, access: Access) -> F:
    view._access = access  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Declare a view open to anyone, signed in or not."""
    return _declare(view, PUBLIC)


def authenticated(view: F) -> F:
    """Declare a view open to every signed-in account (its own data only)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _anonymous_response()
        return view(*args, **kwargs)

    return _declare(wrapper, AUTHENTICATED)  # type: ignore[return-value]


def requires(perm: Perm) -> Callable[[F], F]:
    """Declare that a view needs ``perm`` somewhere in the tree; scope is applied in queries.

    Aborts 401 (API) / redirects to login (pages) for anonymous callers and 403 when the
    caller holds the permission nowhere.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _anonymous_response()
            if not current_user.can(perm):
                abort(403)
            g.required_perm = perm
            return view(*args, **kwargs)

        return _declare(wrapper, Access("permission", perm))  # type: ignore[return-value]

    return decorate


def _anonymous_response() -> Any:
    """401 for the API; for pages, Flask-Login's redirect to the login form with ?next=."""
    from app.extensions import login_manager

    if request.path.startswith("/api/"):
        abort(401)
    return login_manager.unauthorized()


# --- scope in queries --------------------------------------------------------------------


def scope_clause(perm: Perm, path_column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """SQL condition: the row's unit path lies inside the caller's scope for ``perm``."""
    paths = current_user.scope_paths(perm) if current_user.is_authenticated else ()
    if not paths:
        return sa.false()
    return sa.or_(*(path_column.startswith(p, autoescape=True) for p in paths))


def get_in_scope_or_404(model: type, ident: int, perm: Perm, path_column: Any) -> Any:
    """Load one row of ``model`` joined to its unit, or 404 if missing or out of scope.

    Out-of-scope rows answer 404 rather than 403 so ids of other units reveal nothing.
    """
    from app.extensions import db

    stmt = sa.select(model).where(model.id == ident, scope_clause(perm, path_column))
    if path_column.table is not model.__table__:
        stmt = stmt.join(path_column.table)
    row = db.session.scalars(stmt).first()
    if row is None:
        abort(404)
    return row
