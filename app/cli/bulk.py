"""Fast bulk inserts for generated data: the driver's own bulk path, below the ORM.

SQLite: ``executemany`` of one prepared INSERT in batches; PostgreSQL: ``COPY … FROM
STDIN`` through psycopg, the fastest way the server accepts rows. Rows are plain tuples in
the column order given. Values are what the driver takes: ``int``/``float``/``str``/
``bool``/``None``, JSON already dumped to a string, ``date`` and aware ``datetime`` (turned
into the text SQLAlchemy itself stores on SQLite, so the ORM reads them back unchanged).

``bulk_load`` wraps a large load. On PostgreSQL it follows the manual's advice for
populating a database: in **one transaction**, drop the tables' foreign keys, unique
constraints and secondary indexes, load, then re-create them — which re-validates every
row in one pass, so a violating row aborts the whole load and nothing is stored (it also
locks the tables meanwhile: run it on a database nobody is using). On SQLite, whose
constraints live in the table definition, it commits after each chunk instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa

from app.extensions import db

BATCH = 5_000
SQLITE_CACHE_KB = 256 * 1024  # page cache while loading: index pages stay in memory


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _converters(table: sa.Table, columns: Sequence[str]) -> list[tuple[int, Callable]]:
    """(index, converter) of the columns SQLite's driver cannot take as Python values."""
    found = []
    for index, name in enumerate(columns):
        column_type = table.c[name].type
        impl = getattr(column_type, "impl", column_type)
        if isinstance(impl, sa.DateTime):
            found.append((index, _sqlite_datetime))
        elif isinstance(impl, sa.Date):
            found.append((index, _sqlite_date))
    return found


def insert_rows(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[tuple]
) -> int:
    """Insert ``rows`` into ``table`` inside ``conn``'s transaction; returns how many."""
    if conn.dialect.name == "postgresql":
        return _copy(conn, table, columns, rows)
    return _executemany(conn, table, columns, rows)


def _executemany(conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows) -> int:
    # names come from the models' metadata, never from input
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    converters = _converters(table, columns)
    cursor = conn.connection.driver_connection.cursor()
    count = 0
    iterator = iter(rows)
    try:
        while batch := list(islice(iterator, BATCH)):
            if converters:
                batch = [_convert(row, converters) for row in batch]
            cursor.executemany(sql, batch)
            count += len(batch)
    finally:
        cursor.close()
    return count


def _convert(row: tuple, converters: list[tuple[int, Callable]]) -> list[Any]:
    values = list(row)
    for index, convert in converters:
        values[index] = convert(values[index])
    return values


def _copy(conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows) -> int:
    count = 0
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def next_id(conn: sa.Connection, table: sa.Table) -> int:
    """The first free integer id of ``table`` (rows are then inserted with explicit ids)."""
    return (conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def move_sequence(conn: sa.Connection, table: sa.Table) -> None:
    """After explicit ids on PostgreSQL, move the id sequence past them (SQLite needs nothing)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
        )


@contextmanager
def bulk_load(tables: Sequence[sa.Table]) -> Iterator[Callable[[], None]]:
    """Load into ``tables`` through ``db.session.connection()``; yields ``checkpoint``, to
    call between chunks (a commit on SQLite, nothing on PostgreSQL). Commits at the end;
    rolls back on error."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")  # this connection
        try:
            yield db.session.commit
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return
    conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    try:
        saved = [_drop_secondary(conn, table.name) for table in tables]
        yield lambda: None
        for indexes, _constraints in saved:
            for statement in indexes:
                conn.exec_driver_sql(statement)
        for _indexes, constraints in saved:  # unique ones first: foreign keys may need them
            for statement in sorted(constraints, key=lambda s: "FOREIGN KEY" in s):
                conn.exec_driver_sql(statement)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def _drop_secondary(conn: sa.Connection, table: str) -> tuple[list[str], list[str]]:
    """Drop ``table``'s foreign keys, unique constraints and plain indexes (PostgreSQL);
    returns the statements that re-create them."""
    constraints = conn.execute(
        sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = CAST(:t AS regclass) AND contype IN ('f', 'u')"
        ),
        {"t": table},
    ).all()
    indexes = conn.execute(
        sa.text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.schemaname = current_schema() AND i.tablename = :t"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
            " WHERE c.conrelid = CAST(:t AS regclass) AND c.conname = i.indexname)"
        ),
        {"t": table},
    ).all()
    for name, _definition in constraints:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return (
        [definition for _name, definition in indexes],
        [f'ALTER TABLE {table} ADD CONSTRAINT "{n}" {d}' for n, d in constraints],
    )
