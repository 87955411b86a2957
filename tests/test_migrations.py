"""The schema comes from migrations/: upgrade from empty, downgrade, upgrade again, and
autogenerate finds no difference between the models and the migrated database."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import TestConfig
from app.extensions import db
from tests.conftest import PG_URL, missing


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A URL of a brand-new empty database on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    if not PG_URL:
        missing("TEST_DATABASE_URL is not set")
    name = f"osa_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _diff(app) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade_and_no_drift(empty_database):
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": empty_database})
    directory = os.path.join(os.path.dirname(__file__), "..", "migrations")
    with app.app_context():
        upgrade(directory=directory)
        assert _diff(app) == []
        downgrade(directory=directory, revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade(directory=directory)
        assert _diff(app) == []
        assert "accounts" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
