"""Reading the ledger: summaries, the list of ingested files, rejected rows, and exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from .engine import Engine, sql_string
from .workspace import Workspace

EXPORT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
XLSX_MAX_ROWS = 1_048_575


class LedgerError(ValueError):
    """A request the ledger cannot answer, with what to do instead."""


@dataclass
class BodySummary:
    body_id: str | None
    body_name: str | None
    files: int
    rows: int
    pence: int
    date_min: str | None
    date_max: str | None


def ledger_summary(workspace: Workspace) -> dict[str, Any]:
    """Totals of the ledger (payments), by body, with the accounting of its files. National sources (RS returns,
    CRA) are not payments: `list_sources` lists them, and the views `outturn` and `cra` hold their figures."""
    manifests = [m for m in workspace.store.manifests() if m.get("dataset", "payments") == "payments"]
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        by_body = [
            BodySummary(**r)
            for r in engine.records(
                """SELECT body_id, body_name, count(DISTINCT source_id) AS files, count(*) AS rows,
                          coalesce(sum(amount_pence), 0)::BIGINT AS pence,
                          min(payment_date)::VARCHAR AS date_min, max(payment_date)::VARCHAR AS date_max
                   FROM ledger GROUP BY ALL ORDER BY pence DESC, body_name"""
            )
        ]
        redacted = engine.one("SELECT count(*), coalesce(sum(amount_pence), 0)::BIGINT FROM ledger WHERE supplier_redacted")
    return {
        "workspace": workspace.name,
        "files": len(manifests),
        "rows_read": sum(m["rows_read"] for m in manifests),
        "rows_loaded": sum(m["rows_loaded"] for m in manifests),
        "rows_rejected": sum(m["rows_rejected"] for m in manifests),
        "rows_skipped": sum(m["rows_skipped"] for m in manifests),
        "loaded_pence": sum(m["loaded_pence"] for m in manifests),
        "rejected_pence": sum(m["rejected_pence"] for m in manifests),
        "redacted_rows": int(redacted[0]),
        "redacted_pence": int(redacted[1]),
        "bodies": [b.__dict__ for b in by_body],
    }


def list_sources(workspace: Workspace) -> list[dict[str, Any]]:
    """Every ingested file's manifest (its accounting), oldest first."""
    return workspace.store.manifests()


def list_rejects(
    workspace: Workspace,
    file: str | None = None,
    reason: str | None = None,
    include_skipped: bool = False,
    limit: int | None = 100,
    offset: int = 0,
    only_skipped: bool = False,
) -> list[dict[str, Any]]:
    """Rejected (and, if asked, skipped; or only skipped) rows with their reasons and raw cells, in file order
    (payment files and public-estate files)."""
    where, params = _rejects_where(file, reason, include_skipped, only_skipped)
    limit_sql = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        return engine.records(
            f"""SELECT * FROM ({_NOT_LOADED}) WHERE {where} ORDER BY file, source_id, sheet NULLS FIRST, "row" {limit_sql}""",
            params,
        )


def count_rejects(workspace: Workspace, file: str | None = None, reason: str | None = None,
                  include_skipped: bool = False, only_skipped: bool = False) -> tuple[int, int]:
    """How many rows list_rejects would list, and the pence of those whose amount could be read."""
    where, params = _rejects_where(file, reason, include_skipped, only_skipped)
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        count, pence = engine.one(f"SELECT count(*), coalesce(sum(amount_pence), 0)::BIGINT FROM ({_NOT_LOADED}) WHERE {where}",
                                  params)
    return int(count), int(pence)


_NOT_LOADED = """SELECT file, source_id, sheet, "row", status, reason, detail, amount_pence, raw FROM outcomes
                 UNION ALL  -- the public-estate files' rows too (store/estate.py)
                 SELECT file, source_id, NULL, "row", status, reason, detail, NULL, raw FROM asset_outcomes"""


def _rejects_where(file: str | None, reason: str | None, include_skipped: bool,
                   only_skipped: bool = False) -> tuple[str, list[Any]]:
    statuses = ["skipped"] if only_skipped else ["rejected", "skipped"] if include_skipped else ["rejected"]
    where = [f"status IN ({', '.join(sql_string(s) for s in statuses)})"]
    params: list[Any] = []
    if file:
        where.append("(file ILIKE ? OR source_id = ?)")
        params += [f"%{file}%", file]
    if reason:
        where.append("reason ILIKE ?")
        params.append(f"%{reason}%")
    return " AND ".join(where), params


def export_ledger(workspace: Workspace, path: str | Path) -> int:
    """Write the whole ledger to CSV, Parquet or XLSX (by the file's extension); returns the rows written."""
    path = Path(path)
    kind = EXPORT_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise LedgerError(f"{path.name}: export to .csv, .parquet or .xlsx (the extension says which).")
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    order = 'ORDER BY file, source_id, sheet NULLS FIRST, "row"'
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        count = int(engine.one("SELECT count(*) FROM ledger")[0])
        select = f"SELECT *, (amount_pence / 100)::DECIMAL(18, 2) AS amount_gbp FROM ledger {order}"
        tmp = path.with_name(f".{path.name}.partial")
        if kind == "csv":
            engine.copy_csv(select, tmp)
        elif kind == "parquet":
            engine.copy_parquet(select, tmp)
        else:
            if count > XLSX_MAX_ROWS:
                raise LedgerError(
                    f"the ledger has {count:,} rows, more than an XLSX sheet holds ({XLSX_MAX_ROWS + 1:,}); "
                    "export to .csv or .parquet instead."
                )
            _write_xlsx(engine, select, tmp)
        tmp.replace(path)
    return count


def _write_xlsx(engine: Engine, select: str, path: Path) -> None:
    import xlsxwriter

    table = engine.arrow(select)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("ledger")
    sheet.write_row(0, 0, table.column_names)
    dates = {i for i, f in enumerate(table.schema) if f.type == pa.date32()}
    row = 1
    for batch in table.to_batches(10_000):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for values in zip(*columns):
            sheet.write_row(row, 0, [None if i in dates else v for i, v in enumerate(values)])
            for i in dates:
                if values[i] is not None:
                    sheet.write_datetime(row, i, values[i], date_format)
            row += 1
    workbook.close()
