"""Writing the audit trail. ``record_audit`` adds an event to the current transaction.

The event commits or rolls back with the change it describes, so the trail never
claims something that did not happen.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_login import current_user

from app.extensions import db
from app.models import Account, AuditEvent


def _actor() -> tuple[int | None, str]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.account_id, current_user.username
    return None, "system"


def record_audit(
    action: str,
    target: Any = None,
    *,
    actor: Account | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    unit_id: int | None = None,
) -> AuditEvent:
    """Add an AuditEvent for ``action`` on ``target`` (a model instance or None); returns it."""
    if actor is not None:
        actor_id, actor_name = actor.id, actor.username
    else:
        actor_id, actor_name = _actor()
    event = AuditEvent(
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(getattr(target, "id", "") or ""),
        unit_id=unit_id if unit_id is not None else getattr(target, "unit_id", None),
        before=before,
        after=after,
        reason=reason[:1000],
        request_id=g.get("request_id", "") if has_request_context() else "",
    )
    db.session.add(event)
    return event
