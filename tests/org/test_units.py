"""The unit tree: any depth, moves without cycles, deactivation instead of deletion."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Unit
from app.org import services
from app.org.services import OrgError


@pytest.fixture
def tree(app):
    root = services.create_unit("P", "Tỉnh A", "Tỉnh")
    district = services.create_unit("D", "Huyện B", "Huyện", root)
    commune = services.create_unit("C", "Xã C", "Xã", district)
    hamlet = services.create_unit("H", "Tổ D", "Tổ", commune)
    db.session.commit()
    return root, district, commune, hamlet


def test_paths_and_depths_follow_the_tree(tree):
    root, district, commune, hamlet = tree
    assert hamlet.path == f"/{root.id}/{district.id}/{commune.id}/{hamlet.id}/"
    assert hamlet.depth == 3
    ids = set(db.session.scalars(services.subtree_ids(district)))
    assert ids == {district.id, commune.id, hamlet.id}


def test_move_rewrites_the_whole_subtree(tree):
    root, _district, commune, hamlet = tree
    services.move_unit(commune, root)  # the 2025 reform: communes directly under the province
    db.session.commit()
    commune, hamlet = db.session.get(Unit, commune.id), db.session.get(Unit, hamlet.id)
    assert commune.path == f"/{root.id}/{commune.id}/"
    assert hamlet.path == f"/{root.id}/{commune.id}/{hamlet.id}/" and hamlet.depth == 2
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "unit.move"))


@pytest.mark.parametrize("target", ["self", "descendant"])
def test_move_into_own_subtree_is_refused(tree, target):
    _root, district, _commune, hamlet = tree
    with pytest.raises(OrgError):
        services.move_unit(district, district if target == "self" else hamlet)


def test_duplicate_code_is_refused(tree):
    with pytest.raises(OrgError, match="đã tồn tại"):
        services.create_unit("p", "Khác", "", tree[0])


def test_unit_with_active_people_cannot_be_deactivated(tree):
    commune = tree[2]
    services.create_person(services.PersonInput(full_name="Lê Văn A", unit=commune))
    with pytest.raises(OrgError, match="cán bộ"):
        services.set_unit_active(commune, False)
    services.set_unit_active(tree[3], False)
    assert tree[3].active is False


def test_admin_edits_unit_through_the_screen(login_as, client):
    from tests.helpers import post_form, unit_id

    login_as("admin")
    target = unit_id("ST-MX-DH")
    response = post_form(
        client,
        f"/org/units/{target}",
        {"name": "Xã Đại Hải mới", "kind": "Xã", "parent_id": unit_id("ST")},
    )
    assert response.status_code == 302
    unit = db.session.get(Unit, target)
    db.session.refresh(unit)
    assert unit.name == "Xã Đại Hải mới" and unit.depth == 1
