"""Core ``select``s read straight into numpy arrays, for the millions of rows of item analysis.

SQLAlchemy's Row objects cost more per row than the database does at this scale, so a
statement is compiled with its (integer and enum) values inlined and run on the session's
DBAPI connection, inside its transaction:

* :func:`tuple_chunks` — plain tuples, a chunk at a time (a named, server-side cursor on
  PostgreSQL, which streams; a plain cursor on SQLite, which steps lazily);
* :func:`numeric_columns` — numbers only, as one float array per column: each chunk of
  tuples goes through ``np.fromiter`` over the chained values, so no Python statement runs
  per row.

Tried and left out: PostgreSQL's ``COPY … TO STDOUT (FORMAT BINARY)`` read with
``np.frombuffer`` was no faster on 300,000 rows (psycopg hands COPY data over one row at a
time), and casting the columns to ``float8`` in SQL made the fetch slower than converting
the driver's integers in numpy.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from itertools import chain

import numpy as np
import sqlalchemy as sa

from app.extensions import db

CHUNK = 10_000  # rows per fetch (PostgreSQL fetched 50,000 at a time more slowly)


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


def numeric_columns(stmt: sa.Select) -> list[np.ndarray]:
    """One float array per column of ``stmt``, whose columns must be numbers and never NULL
    (coalesce them). Integers are exact up to 2**53."""
    width = len(stmt.selected_columns)
    columns: list[list[np.ndarray]] = [[np.zeros(0)] for _ in range(width)]
    for chunk in tuple_chunks(stmt):
        flat = np.fromiter(chain.from_iterable(chunk), dtype=float, count=len(chunk) * width)
        for i, column in enumerate(flat.reshape(-1, width).T):
            columns[i].append(column.copy())  # contiguous, copied while still in cache
    return [np.concatenate(parts) for parts in columns]
