"""Who is paid: each distinct supplier's counterparty decision, to list, export, correct and import back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .engine import Engine
from .match.suppliers import EXPORT_COLUMNS, ImportReport, import_decisions, people_decisions, refresh
from .store.ledger import Store, write_csv_atomic
from .workspace import Workspace


def distinct_suppliers(engine: Engine) -> list[tuple[str, bool]]:
    """Every distinct supplier name in the ledger (the views must be open), and whether it is redacted."""
    return [(r[0], bool(r[1])) for r in engine.rows(
        "SELECT supplier, bool_or(supplier_redacted) FROM ledger_keys WHERE supplier IS NOT NULL GROUP BY supplier ORDER BY supplier")]


def refresh_matches(workspace: Workspace, store: Store | None = None, full: bool = True) -> dict[str, int]:
    """Decide the distinct suppliers (all again, or with `full` False only the new ones); the caller holds
    the store's write lock."""
    store = store or workspace.store
    with workspace.engine(macros=False) as engine:
        store.open_views(engine)
        distinct = distinct_suppliers(engine)
    return refresh(store, workspace.register(), distinct, full=full)


def match_suppliers(workspace: Workspace) -> dict[str, int]:
    """Decide every distinct supplier in the ledger against the register; returns counts by counterparty type."""
    with workspace.store.writing() as store:
        return refresh_matches(workspace, store)


def list_suppliers(workspace: Workspace, unmatched: bool = False, counterparty_type: str | None = None,
                   limit: int | None = None) -> list[dict[str, Any]]:
    """Each distinct supplier with its decision and what it was paid, largest first.

    `unmatched`: only those with no decision a person could rely on: of unknown kind, or public with no body.
    """
    where = ["supplier IS NOT NULL"]
    params: list[Any] = []
    if unmatched:
        where.append("(d.counterparty_type IS NULL OR d.counterparty_type = 'unknown' OR "
                     "(d.counterparty_type IN ('council', 'police', 'fire', 'nhs', 'central_government', 'other_public') "
                     "AND d.body_id IS NULL))")
    if counterparty_type:
        where.append("d.counterparty_type = ?")
        params.append(counterparty_type)
    limit_sql = f"LIMIT {int(limit)}" if limit else ""
    with workspace.engine(macros=False) as engine:
        workspace.store.open_views(engine)
        return engine.records(
            f"""SELECT s.supplier, d.counterparty_type, d.body_id, d.body_name, d.confidence, d.method, d.reason,
                       s.payments, s.pence, s.payers
                FROM (SELECT supplier, count(*) AS payments, sum(amount_pence)::BIGINT AS pence,
                             string_agg(DISTINCT coalesce(body_name, '?'), '; ') AS payers
                      FROM ledger WHERE supplier IS NOT NULL GROUP BY supplier) s
                LEFT JOIN supplier_decisions d USING (supplier)
                WHERE {' AND '.join(where)}
                ORDER BY abs(s.pence) DESC, s.supplier {limit_sql}""",
            params,
        )


def export_suppliers(workspace: Workspace, path: str | Path) -> int:
    """Write every supplier's decision to a CSV for correcting in a spreadsheet; returns the rows written."""
    path = Path(path)
    rows = list_suppliers(workspace)
    people = people_decisions(workspace.store)
    write_csv_atomic(path, EXPORT_COLUMNS, ({**row, "note": people.get(row["supplier"], {}).get("note", "")} for row in rows))
    return len(rows)


def import_suppliers(workspace: Workspace, path: str | Path) -> ImportReport:
    """Record people's decisions from a corrected export, then decide every supplier again."""
    current = {r["supplier"]: r for r in list_suppliers(workspace)}
    with workspace.store.writing() as store:
        report = import_decisions(store, workspace.register(), Path(path), current)
        refresh_matches(workspace, store)
    return report
