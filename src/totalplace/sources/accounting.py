"""The accounting of a table: its outcomes counted, footers and totals found, the rows above the data kept.

A table's data rows are written by the normalising SQL, each with its outcome; the rows above the header
(preamble, header) are known only in Python and are written beside them in the same shape. `PartWriter`
does both and fills in the table's `Part`: the figures that end up in the file's manifest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..dates import parse_date
from ..engine import Engine, arrow_table, sql_string
from ..money import format_pounds as _pounds
from .layout import TableLayout
from .normalise import TableSpec, normalise_sql

TRAILING_REASONS = ("amount missing", "amount not a number", "payment date missing", "payment date not understood")


@dataclass
class Part:
    """One table's accounting."""

    sheet: str | None
    file: str | None = None  # the data part, relative to the source folder
    head_file: str | None = None  # the rows above the data
    header_row: int | None = None
    row_base: int = 1
    columns: dict[str, str] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    date_order: str = "dmy"
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    loaded_pence: int = 0
    rejected_pence: int = 0
    declared_total_pence: int | None = None
    declared_total_row: int | None = None
    declared_covers_pence: int | None = None  # loaded and rejected pence of the rows the declared total covers
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    date_min: str | None = None
    date_max: str | None = None


@dataclass
class HeadRow:
    row: int
    reason: str
    detail: str | None
    cells: list[str]


def head_rows(records: list[list[str]], header_index: int | None, first_row: int, count_blank: bool) -> list[HeadRow]:
    """Rows above the data: preamble, blank rows and the header itself.

    In text files an empty line is not a record (the engine does not count it either), so it gets no number
    unless `count_blank` (sheets, where every row has a number).
    """
    if header_index is None:
        return []
    rows: list[HeadRow] = []
    number = first_row
    for i, record in enumerate(records[: header_index + 1]):
        if not record and not count_blank:
            continue
        blank = not any(c.strip() for c in record)
        if i == header_index:
            rows.append(HeadRow(number, "header row", None, record))
        elif blank:
            rows.append(HeadRow(number, "blank row", None, record))
        else:
            rows.append(HeadRow(number, "preamble before the header", None, record))
        number += 1
    return rows


def _write_head(engine: Engine, path: Path, source_id: str, sheet: str | None, rows: list[HeadRow],
                schema: pa.Schema) -> None:
    """Write a table's head rows in its data part's schema (built by `arrow_table`: head rows are few)."""
    n = len(rows)
    values: dict[str, list[Any]] = {
        "source_id": [source_id] * n,
        "sheet": [sheet] * n,
        "row_base": [rows[0].row if rows else 1] * n,
        "status": ["skipped"] * n,
        "reason": [r.reason for r in rows],
        "detail": [r.detail for r in rows],
        "raw": [r.cells for r in rows],
    }
    given = [f for f in schema if f.name in values]
    built = arrow_table({f.name: values[f.name] for f in given}, pa.schema(given), engine)
    columns = [built.column(f.name) if f.name in values else pa.nulls(n, f.type) for f in schema]
    pq.write_table(pa.Table.from_arrays(columns, schema=schema), path, compression="zstd")


def _output_schema(engine: Engine) -> pa.Schema:
    """The schema of a normalised part, for writing rows produced in Python in the same shape."""
    layout = TableLayout(header_index=0, headers=["a", "b"], roles={"amount": 0, "payment_date": 1})
    sql = normalise_sql(TableSpec("SELECT 'x'::VARCHAR AS c0, 'y'::VARCHAR AS c1", layout, "s", "sheet", 1))
    return engine.arrow(f"SELECT * FROM ({sql}) LIMIT 0").schema


class PartWriter:
    """Writes a table's head rows and summarises what the normalising SQL wrote for it."""

    def __init__(self, engine: Engine, source_id: str, staged: Path):
        self.engine = engine
        self.source_id = source_id
        self.staged = staged
        self._schema: pa.Schema | None = None

    @property
    def schema(self) -> pa.Schema:
        if self._schema is None:
            self._schema = _output_schema(self.engine)
        return self._schema

    def write_head(self, part: Part, index: int, rows: list[HeadRow]) -> None:
        if not rows:
            return
        part.head_file = f"part-{index}-head.parquet"
        # the data part's own schema when there is one (reading it is instant; deriving one costs a query)
        schema = pq.read_schema(self.staged / part.file) if part.file else self.schema
        schema = pa.schema([f.with_nullable(True) for f in schema])
        _write_head(self.engine, self.staged / part.head_file, self.source_id, part.sheet, rows, schema)
        for r in rows:
            part.rows_read += 1
            part.rows_skipped += 1
            part.skipped_reasons[r.reason] = part.skipped_reasons.get(r.reason, 0) + 1

    def summarise(self, part: Part, layout: TableLayout) -> None:
        """Count outcomes, turn trailing text and amount-only rows into footers and totals, check the totals."""
        engine = self.engine
        path = self.staged / part.file  # type: ignore[operator]
        scan = f"read_parquet({sql_string(str(path))}, file_row_number = true)"
        last_loaded = engine.one(f"SELECT max(file_row_number) FROM {scan} WHERE status = 'loaded'")[0]
        if last_loaded is not None:
            changes = self._trailing_changes(scan, int(last_loaded), layout.roles.get("payment_date"))
            if changes:
                self._reclassify(path, changes)
        stats = engine.records(
            f"SELECT status, reason, count(*) AS n, sum(amount_pence)::BIGINT AS pence, "
            f"min(payment_date) AS dmin, max(payment_date) AS dmax FROM {scan} GROUP BY ALL"
        )
        for s in stats:
            n, pence = int(s["n"]), int(s["pence"] or 0)
            part.rows_read += n
            if s["status"] == "loaded":
                part.rows_loaded += n
                part.loaded_pence += pence
                part.date_min = str(s["dmin"]) if s["dmin"] else None
                part.date_max = str(s["dmax"]) if s["dmax"] else None
            elif s["status"] == "rejected":
                part.rows_rejected += n
                part.rejected_pence += pence
                part.rejected_reasons[s["reason"]] = part.rejected_reasons.get(s["reason"], 0) + n
            else:
                part.rows_skipped += n
                part.skipped_reasons[s["reason"]] = part.skipped_reasons.get(s["reason"], 0) + n
        self._check_totals(scan, part)

    def _trailing_changes(self, scan: str, last_loaded: int, date_index: int | None) -> dict[int, tuple[str, str]]:
        """Rows after the last payment that are not payments: an amount alone (an unlabelled total), or a note
        with no amount and no date (a footer). A row that looks like a payment with a bad amount stays rejected."""
        reasons = ", ".join(sql_string(r) for r in TRAILING_REASONS)
        trailing = self.engine.records(
            f"SELECT file_row_number AS n, reason, amount_pence, raw FROM {scan} "
            f"WHERE status = 'rejected' AND file_row_number > {last_loaded} AND reason IN ({reasons})"
        )
        changes: dict[int, tuple[str, str]] = {}
        for t in trailing:
            raw = t["raw"] or []
            filled = [c for c in raw if c and c.strip()]
            date_cell = raw[date_index] if date_index is not None and date_index < len(raw) else None
            dated = parse_date(date_cell) is not None if date_cell else False
            if t["amount_pence"] is not None and t["reason"].startswith("payment date") and len(filled) == 1:
                changes[t["n"]] = ("total row", "an amount alone after the last payment (an unlabelled total)")
            elif t["amount_pence"] is None and len(filled) <= 2 and not dated:
                text = " ".join(c.strip() for c in filled)[:80]
                changes[t["n"]] = ("footer after the data", f"text after the last payment: '{text}'")
        return changes

    def _check_totals(self, scan: str, part: Part) -> None:
        """Find the declared total and the rows it covers; check each total row against the rows above it.

        A total after the last payment declares the whole table. Totals only between payments are section
        totals: together they declare the rows down to the last of them, and the rows after it are outside
        any declared total (said in the notes). A total that matches neither its section nor the running sum
        is named in the notes with both figures.
        """
        pay = f"(SELECT file_row_number AS n, amount_pence FROM {scan} WHERE status IN ('loaded', 'rejected'))"
        totals = self.engine.records(
            f"""WITH t AS (SELECT file_row_number AS n, amount_pence, detail,
                                  lag(file_row_number, 1, -1) OVER (ORDER BY file_row_number) AS prev
                           FROM {scan} WHERE reason = 'total row')
                SELECT t.n, t.amount_pence, t.detail,
                       coalesce(sum(p.amount_pence) FILTER (WHERE p.n > t.prev), 0)::BIGINT AS section,
                       coalesce(sum(p.amount_pence), 0)::BIGINT AS running
                FROM t LEFT JOIN {pay} p ON p.n < t.n
                GROUP BY ALL ORDER BY t.n"""
        )
        if not totals:
            return
        last_payment = self.engine.one(f"SELECT coalesce(max(n), -1) FROM {pay}")[0]
        for t in totals:
            amount = int(t["amount_pence"])
            if amount not in (t["section"], t["running"]):
                part.notes.append(
                    f"the total at row {part.row_base + t['n']} says {_pounds(amount)}, but the rows above it add to "
                    f"{_pounds(t['section'])} (since the previous total) and {_pounds(t['running'])} (since the start)"
                )
        trailing = [t for t in totals if t["n"] > last_payment]
        if trailing:
            chosen = ([t for t in trailing if "grand" in (t["detail"] or "").lower()] or trailing)[-1]
            part.declared_total_pence = int(chosen["amount_pence"])
            covered_to = int(chosen["n"])
        else:
            part.declared_total_pence = sum(int(t["amount_pence"]) for t in totals)
            covered_to = int(totals[-1]["n"])
            after = self.engine.one(
                f"SELECT count(*), coalesce(sum(amount_pence), 0)::BIGINT FROM {pay} WHERE n > {covered_to}")
            part.notes.append(
                f"the totals are section totals between the payments; together they declare the rows down to row "
                f"{part.row_base + covered_to}; {after[0]} rows after it ({_pounds(after[1])}) are not covered by any total"
            )
        part.declared_total_row = part.row_base + covered_to
        part.declared_covers_pence = int(self.engine.one(
            f"SELECT coalesce(sum(amount_pence), 0)::BIGINT FROM {pay} WHERE n < {covered_to}")[0])
        unreadable = [part.row_base + r[0] for r in self.engine.rows(
            f"SELECT n FROM {pay} WHERE amount_pence IS NULL AND n < {covered_to} ORDER BY n LIMIT 11")]
        if unreadable:
            shown = ", ".join(str(n) for n in unreadable[:10]) + (" and more" if len(unreadable) > 10 else "")
            part.notes.append(f"rejected rows with no readable amount, which the declared total may count: rows {shown}")

    def _reclassify(self, path: Path, changes: dict[int, tuple[str, str]]) -> None:
        engine = self.engine
        rows = ", ".join(str(n) for n in changes)
        reason_case = " ".join(f"WHEN {n} THEN {sql_string(r)}" for n, (r, _) in changes.items())
        detail_case = " ".join(f"WHEN {n} THEN {sql_string(d)}" for n, (_, d) in changes.items())
        rewritten = path.with_suffix(".rewrite.parquet")
        engine.copy_parquet(
            f"""SELECT * EXCLUDE (file_row_number) REPLACE (
                  CASE WHEN file_row_number IN ({rows}) THEN 'skipped' ELSE status END AS status,
                  CASE file_row_number {reason_case} ELSE reason END AS reason,
                  CASE file_row_number {detail_case} ELSE detail END AS detail)
                FROM read_parquet({sql_string(str(path))}, file_row_number = true)""",
            rewritten,
        )
        rewritten.replace(path)


def totals(parts: list[Part]) -> dict[str, Any]:
    """A file's accounting, summed over its tables."""
    skipped: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for p in parts:
        skipped.update(p.skipped_reasons)
        rejected.update(p.rejected_reasons)
    declaring = [p for p in parts if p.declared_total_pence is not None]
    declared = sum(p.declared_total_pence for p in declaring) if declaring else None  # type: ignore[misc]
    difference = (
        declared - sum(p.declared_covers_pence or 0 for p in declaring) if declared is not None else None
    )
    dates = [d for p in parts for d in (p.date_min, p.date_max) if d]
    return {
        "rows_read": sum(p.rows_read for p in parts),
        "rows_loaded": sum(p.rows_loaded for p in parts),
        "rows_rejected": sum(p.rows_rejected for p in parts),
        "rows_skipped": sum(p.rows_skipped for p in parts),
        "skipped_reasons": dict(sorted(skipped.items())),
        "rejected_reasons": dict(sorted(rejected.items())),
        "loaded_pence": sum(p.loaded_pence for p in parts),
        "rejected_pence": sum(p.rejected_pence for p in parts),
        "declared_total_pence": declared,
        "difference_pence": difference,
        "date_min": min(dates) if dates else None,
        "date_max": max(dates) if dates else None,
    }


