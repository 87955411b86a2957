"""Core ``select``s read straight into numpy arrays, for the millions of rows of item analysis.

SQLAlchemy's Row objects cost more per row than the database does at this scale, so a
statement is compiled with its (integer and enum) values inlined and run on the session's
DBAPI connection, inside its transaction:

* :func:`tuple_chunks` — plain tuples, a chunk at a time (a named, server-side cursor on
  PostgreSQL, which streams; a plain cursor on SQLite, which steps lazily);
* :func:`numeric_columns` — numbers only, as one float array per column: each chunk of
  tuples goes through ``np.fromiter`` over the chained values, so no Python statement runs
  per row. On PostgreSQL, given a ``group_by`` expression (a few hundred groups), each row
  is packed into a record of big-endian float8 values (``float8send``), the records are
  concatenated per group (``string_agg``) and read with ``np.frombuffer``: a few hundred
  rows cross the driver instead of millions, which is where the time went. For 6 million
  items, one after the other at load 7, a packed query took 5.0 s against 15.7 s for the
  tuples and 7.6 s for the floor (the plain ordered scan); ``array_agg`` per column took
  9.4 s. (That packed query sent typed values, ``int8send``/``int4send``; this all-float8
  form ran level with the floor at load 10-13.) The groups come back in order, each
  group's rows in the order the database scanned them.

Tried and left out: PostgreSQL's ``COPY … TO STDOUT (FORMAT BINARY)`` read with
``np.frombuffer`` was no faster on 300,000 rows (psycopg hands COPY data over one row at a
time), and casting the columns to ``float8`` in SQL made the fetch slower than converting
the driver's integers in numpy.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from itertools import chain
from typing import Any

import numpy as np
import sqlalchemy as sa

from app.extensions import db

CHUNK = 10_000  # rows per fetch (PostgreSQL fetched 50,000 at a time more slowly)
GROUP_WORK_MEM = "256MB"  # the grouping's hash table, for this one statement


def _sql(connection: sa.Connection, stmt: sa.Select) -> str:
    return str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))


def tuple_chunks(stmt: sa.Select) -> Iterator[list[tuple]]:
    """Plain tuples of ``stmt``, ``CHUNK`` at a time, from the driver's own cursor."""
    connection = db.session.connection()
    sql = _sql(connection, stmt)
    raw = connection.connection.driver_connection
    postgres = connection.dialect.name == "postgresql"
    cursor = raw.cursor(name=f"item_rows_{secrets.token_hex(6)}") if postgres else raw.cursor()
    try:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(CHUNK):
            yield chunk
    finally:
        cursor.close()


def numeric_columns(
    stmt: sa.Select, group_by: sa.ColumnElement[Any] | None = None
) -> list[np.ndarray]:
    """One float array per column of ``stmt``, whose columns must be numbers and never NULL
    (coalesce them: the tuples read a NULL as NaN, the packed PostgreSQL path refuses it).
    Integers are exact up to 2**53. With ``group_by``, PostgreSQL returns the rows grouped
    by it (see the module docstring).

    Raises ``ValueError`` if a packed row was dropped (a NULL column) on PostgreSQL.
    """
    connection = db.session.connection()
    if group_by is not None and connection.dialect.name == "postgresql":
        return _grouped(connection, stmt, group_by)
    width = len(stmt.selected_columns)
    columns: list[list[np.ndarray]] = [[np.zeros(0)] for _ in range(width)]
    for chunk in tuple_chunks(stmt):
        flat = np.fromiter(chain.from_iterable(chunk), dtype=float, count=len(chunk) * width)
        for i, column in enumerate(flat.reshape(-1, width).T):
            columns[i].append(column.copy())  # contiguous, copied while still in cache
    return [np.concatenate(parts) for parts in columns]


def _grouped(
    connection: sa.Connection, stmt: sa.Select, group_by: sa.ColumnElement[Any]
) -> list[np.ndarray]:
    """The rows of ``stmt`` as big-endian float8 records, concatenated per group."""
    record = sa.func.float8send(sa.cast(stmt.selected_columns[0], sa.Float))
    for column in list(stmt.selected_columns)[1:]:
        record = record.op("||")(sa.func.float8send(sa.cast(column, sa.Float)))
    blob = sa.func.string_agg(record, sa.literal_column("''::bytea"))
    grouped = stmt.with_only_columns(blob, sa.func.count(), maintain_column_froms=True)
    grouped = grouped.group_by(group_by).order_by(group_by)
    previous = connection.exec_driver_sql("SHOW work_mem").scalar()
    connection.exec_driver_sql(f"SET LOCAL work_mem = '{GROUP_WORK_MEM}'")
    try:
        blobs, count = [], 0
        for chunk in tuple_chunks(grouped):
            blobs.extend(row[0] for row in chunk)
            count += sum(row[1] for row in chunk)
    finally:
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{previous}'")
    width = len(stmt.selected_columns)
    values = np.frombuffer(b"".join(blobs), dtype=">f8")
    if values.size != count * width:  # a NULL value would have dropped its whole row
        raise ValueError(f"{values.size // width} of {count} rows read: a NULL column?")
    native = values.reshape(-1, width).astype(float)  # one pass to native byte order
    return list(np.ascontiguousarray(native.T))  # one transposition: a row per column
