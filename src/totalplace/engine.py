"""The one seam to the SQL engine. Only this module imports DuckDB.

Stages hand the engine SQL text (sets in SQL) and make their decisions in Python. Keeping the engine behind
this small interface lets the same steps run elsewhere later (e.g. Spark) without a rewrite.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Any, Iterable, Sequence

import duckdb
import pyarrow as pa

from . import dates, money


def sql_string(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


DEFAULT_MEMORY_LIMIT = "1GB"
_NEWLINE_NAMES = {"\n": "\\n", "\r\n": "\\r\\n", "\r": "\\r"}


@dataclass(frozen=True)
class CsvScan:
    """How to tokenise one delimited text file: everything is decided in Python beforehand."""

    path: Path
    width: int
    delimiter: str = ","
    quote: str = '"'
    escape: str = '"'
    newline: str = "\n"
    encoding: str = "utf-8"
    ragged: bool = False  # rows of differing widths: read serially, padding short rows with NULL
    skip: int = 0  # records (blank lines included) above the data
    max_line_size: int | None = None  # bytes; the engine's default (2 MB) when None

    NULL_SENTINEL = "\x01"  # never in real text: empty fields stay '' and only padding is NULL

    def sql(self, reject_log: bool = False) -> str:
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(self.width)) + "}"
        options = [
            "auto_detect = false",
            "header = false",
            f"columns = {columns}",
            f"delim = {sql_string(self.delimiter)}",
            f"quote = {sql_string(self.quote)}",
            f"escape = {sql_string(self.escape)}",
            f"new_line = {sql_string(_NEWLINE_NAMES[self.newline])}",
            f"encoding = {sql_string(self.encoding)}",
            f"nullstr = {sql_string(self.NULL_SENTINEL)}",
            f"skip = {int(self.skip)}",
        ]
        if self.max_line_size:
            options.append(f"max_line_size = {int(self.max_line_size)}")
        if self.ragged:
            options += ["null_padding = true", "parallel = false"]
        if reject_log:
            options += ["store_rejects = true"]
        return f"read_csv({sql_string(str(self.path))}, {', '.join(options)})"


class Engine:
    """A DuckDB connection with totalplace's SQL macros installed."""

    def __init__(self, temp_dir: Path | None = None, memory_limit: str | None = None, threads: int | None = None,
                 macros: bool = True):
        self._con = duckdb.connect(config={"preserve_insertion_order": True})
        if temp_dir is not None:
            temp_dir.mkdir(parents=True, exist_ok=True)
            self._con.execute(f"SET temp_directory = {sql_string(str(temp_dir))}")
        # bounded memory whatever the file's size: past the limit the engine spills to temp_dir
        limit = memory_limit or os.environ.get("TOTALPLACE_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT
        self._con.execute(f"SET memory_limit = {sql_string(limit)}")
        if threads:
            self._con.execute(f"SET threads = {int(threads)}")
        if macros:  # installing them costs ~25 ms, which a query that needs none (a web request's) can skip
            for block in (money.SQL_MACROS, dates.SQL_MACROS):
                self._con.execute(block)

    def close(self) -> None:
        self._con.close()

    def cursor(self) -> "Engine":
        """Another connection to the same in-memory database, with its settings: far cheaper than a new engine
        (~15 ms), and each thread needs its own."""
        engine = Engine.__new__(Engine)
        engine._con = self._con.cursor()
        return engine

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self._con.execute(sql, params or [])

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self._con.execute(sql, params or []).fetchall()

    def one(self, sql: str, params: Sequence[Any] | None = None) -> tuple:
        rows = self._con.execute(sql, params or []).fetchall()  # fetch all: a half-read result blocks the connection
        assert rows, "a query expected to give one row gave none"
        return rows[0]

    def records(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self._con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def stream(self, sql: str, params: Sequence[Any] | None = None, batch: int = 10_000) -> Iterator[dict[str, Any]]:
        """A query's rows as dicts, fetched a batch at a time from one execution (for downloads of any size)."""
        cursor = self._con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(batch):
            for row in rows:
                yield dict(zip(names, row))

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        if params:
            return self._con.execute(sql, params).to_arrow_table()
        return self._con.sql(sql).to_arrow_table()

    def table_from_columns(self, columns: dict[str, list[Any]], schema: pa.Schema) -> pa.Table:
        """A small Arrow table of `schema` from a list of values per column, built on this connection: for the
        lookup tables every reading of the store registers (files, bodies). See `arrow_table`."""
        return arrow_table(columns, schema, self)

    def register(self, name: str, table: pa.Table) -> None:
        self._con.register(name, table)

    def unregister(self, name: str) -> None:
        self._con.unregister(name)

    def copy_parquet(self, select_sql: str, path: Path, row_group_size: int | None = None) -> None:
        """Write a query's rows, in order, to one Parquet file (in row groups of the size given, if one is)."""
        groups = f", ROW_GROUP_SIZE {int(row_group_size)}" if row_group_size else ""
        self._con.execute(
            f"COPY ({select_sql}) TO {sql_string(str(path))} (FORMAT parquet, COMPRESSION zstd{groups})"
        )

    def copy_csv(self, select_sql: str, path: Path) -> None:
        self._con.execute(f"COPY ({select_sql}) TO {sql_string(str(path))} (FORMAT csv, HEADER true)")

    def csv_rejects(self) -> list[dict[str, Any]]:
        try:
            return self.records("SELECT line, error_type, csv_line FROM reject_errors ORDER BY line")
        except duckdb.CatalogException:
            return []

    def clear_csv_rejects(self) -> None:
        for table in ("reject_errors", "reject_scans"):
            self._con.execute(f"DROP TABLE IF EXISTS {table}")

    @staticmethod
    def parquet_list(paths: Iterable[Path]) -> str:
        return "[" + ", ".join(sql_string(str(p)) for p in paths) + "]"


EngineError = duckdb.Error


ENGINE_BUILDS_UP_TO = 20_000
_builder: duckdb.DuckDBPyConnection | None = None
_builder_lock = threading.Lock()


def arrow_table(columns: dict[str, list[Any]], schema: pa.Schema, engine: Engine | None = None) -> pa.Table:
    """An Arrow table of `schema` from a list of values per column, without importing pandas where it can.

    `pa.table` (and `pa.array`) on Python lists import pandas whenever pandas is installed, to check each list
    for pandas types: 0.2 s, once, in any command that writes a table. Up to ENGINE_BUILDS_UP_TO values (list
    items counted one by one) the engine builds the table (a few hundred rows: ~1 ms); past that `pa.table` is
    the faster (100,000 rows: 0.01 s against 0.27 s) and the import is small beside the work. Built on
    `engine`'s connection if one is given, else on a private in-memory one. Values are cast to the schema's
    types by the engine, so give them in those types.
    """
    lengths = {len(columns[f.name]) for f in schema}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    if _value_count(columns, schema) > ENGINE_BUILDS_UP_TO:
        return pa.table({f.name: columns[f.name] for f in schema}, schema=schema)
    if engine is not None:
        return _columns_to_table(engine._con, columns, schema)
    global _builder
    with _builder_lock:
        if _builder is None:
            _builder = duckdb.connect()
        cursor = _builder.cursor()
    try:
        return _columns_to_table(cursor, columns, schema)
    finally:
        cursor.close()


def rows_table(rows: list[dict[str, Any]], schema: pa.Schema, engine: Engine | None = None) -> pa.Table:
    """`arrow_table` from a list of dicts, one a row (a key a row lacks is a null)."""
    return arrow_table({f.name: [r.get(f.name) for r in rows] for f in schema}, schema, engine)


def _value_count(columns: dict[str, list[Any]], schema: pa.Schema) -> int:
    count = 0
    for f in schema:
        values = columns[f.name]
        count += sum(len(v) for v in values if v is not None) if pa.types.is_list(f.type) else len(values)
    return count


def _columns_to_table(con: duckdb.DuckDBPyConnection, columns: dict[str, list[Any]], schema: pa.Schema) -> pa.Table:
    select = ", ".join(f'unnest(${i + 1}::{_sql_type(f.type)}[]) AS "{f.name}"' for i, f in enumerate(schema))
    return con.sql(f"SELECT {select}", params=[columns[f.name] for f in schema]).to_arrow_table().cast(schema)


# --- the SQL type of each Arrow type arrow_table is given --------------------------------------------------------

_SQL_TYPES = {pa.string(): "VARCHAR", pa.large_string(): "VARCHAR", pa.int64(): "BIGINT", pa.int32(): "INTEGER",
              pa.bool_(): "BOOLEAN", pa.float64(): "DOUBLE", pa.date32(): "DATE"}


def _sql_type(kind: pa.DataType) -> str:
    if pa.types.is_list(kind):
        return _sql_type(kind.value_type) + "[]"
    if kind not in _SQL_TYPES:
        raise TypeError(f"no SQL type for {kind}")
    return _SQL_TYPES[kind]
