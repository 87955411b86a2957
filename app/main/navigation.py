"""What each role can reach: one list drives the menu and the home page cards."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import Perm


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    description: str
    perm: Perm | None  # None: every signed-in user


ITEMS: tuple[NavItem, ...] = (
    NavItem(
        "org.list_people",
        _l("Cán bộ, công chức"),
        _l("Tra cứu hồ sơ cán bộ, quá trình công tác, nhập danh sách từ Excel."),
        Perm.PEOPLE_VIEW,
    ),
    NavItem(
        "org.list_units",
        _l("Đơn vị"),
        _l("Cây đơn vị hành chính: tỉnh, sở, huyện, xã."),
        Perm.UNITS_MANAGE,
    ),
    NavItem(
        "admin.list_accounts",
        _l("Tài khoản"),
        _l("Tạo tài khoản, phân quyền theo đơn vị, cấp mã kích hoạt."),
        Perm.ACCOUNTS_MANAGE,
    ),
    NavItem(
        "admin.list_audit",
        _l("Nhật ký hệ thống"),
        _l("Ai đã làm gì, khi nào, với dữ liệu nào."),
        Perm.AUDIT_VIEW,
    ),
)


def nav_items() -> list[NavItem]:
    """The items the current user may open, in menu order."""
    if not current_user.is_authenticated:
        return []
    return [i for i in ITEMS if i.perm is None or current_user.can(i.perm)]
