"""The ``demo`` fixture restores the rows of one ``load_demo`` per database instead of
loading the province for every test: prove a restored province equals a fresh load."""

import sqlalchemy as sa

from app.cli.demo import load_demo
from app.extensions import db
from app.models import Account, Person, Unit
from tests.conftest import wipe
from tests.helpers import login


def _province() -> dict[str, object]:
    counts = {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    return {
        "counts": counts,
        "units": sorted(db.session.execute(sa.select(Unit.code, Unit.name, Unit.depth)).all()),
        "people": sorted(db.session.execute(sa.select(Person.staff_code, Person.full_name)).all()),
        "accounts": sorted(db.session.scalars(sa.select(Account.username))),
    }


def test_restored_demo_equals_a_fresh_load(demo, client):
    restored = _province()
    db.session.remove()
    wipe(demo)
    load_demo(with_bank=False)
    db.session.commit()
    fresh = _province()
    assert restored["counts"]["units"] == 17
    assert restored == fresh
    assert login(client, "hr.xa").status_code == 302  # the restored password hash works


def test_each_test_starts_from_the_demo_rows(demo):
    db.session.add(Unit(code="XTRA", name="Đơn vị thêm", path="/x/"))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 18


def test_the_unit_added_by_the_previous_test_is_gone(demo):
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "XTRA")) is None
